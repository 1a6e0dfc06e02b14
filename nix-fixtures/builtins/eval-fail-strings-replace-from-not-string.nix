builtins.replaceStrings [ 1 ] [ "X" ] "1"
