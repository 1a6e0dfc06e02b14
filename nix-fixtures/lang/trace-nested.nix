builtins.trace "outer" (builtins.trace "inner" 0)
