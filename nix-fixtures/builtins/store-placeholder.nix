map builtins.placeholder [ "out" "dev" ]
