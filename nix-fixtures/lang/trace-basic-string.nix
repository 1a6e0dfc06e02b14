builtins.trace "hello" 1
