builtins.match "a)" "a"
