builtins.match "^*" "a"
