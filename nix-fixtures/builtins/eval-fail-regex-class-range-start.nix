builtins.match "[[:alpha:]-z]" "a"
