[ (builtins.trace "one" 1) (builtins.trace "two" 2) ]
