builtins.toJSON [ { outPath = "/p"; a = 1; } { __toString = self: "s${toString self.n}"; n = 2; } ]
