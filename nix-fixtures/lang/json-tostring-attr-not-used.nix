{ s = { __toString = self: "ts"; v = 1; }; }
