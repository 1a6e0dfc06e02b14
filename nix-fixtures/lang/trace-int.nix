builtins.trace 42 "result"
