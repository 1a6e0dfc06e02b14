builtins.match "a{" "a"
