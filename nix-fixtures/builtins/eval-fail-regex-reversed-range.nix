builtins.match "[z-a]" "a"
