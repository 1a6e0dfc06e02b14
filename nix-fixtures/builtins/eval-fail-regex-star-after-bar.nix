builtins.match "a|*b" "a"
