builtins.match "[[=a=]-c]" "a"
