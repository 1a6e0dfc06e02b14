map builtins.fromJSON [ "1" "\"s\"" "null" "true" "1.5" ]
