builtins.trace "hi" 1
