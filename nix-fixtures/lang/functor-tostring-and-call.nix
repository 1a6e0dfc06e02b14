let o = { __functor = self: x: "${self}-${x}"; __toString = self: "o"; }; in o "arg"
