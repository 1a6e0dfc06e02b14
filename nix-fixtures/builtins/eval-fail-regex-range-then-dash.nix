builtins.match "[a-z-9]" "a"
