builtins.trace (x: x) 0
