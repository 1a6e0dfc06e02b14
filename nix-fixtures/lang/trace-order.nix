let a = builtins.trace "first" 1; b = builtins.trace "second" 2; in [ b a ]
