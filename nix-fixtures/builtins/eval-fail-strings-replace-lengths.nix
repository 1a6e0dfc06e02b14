builtins.replaceStrings [ "a" ] [ "X" "Y" ] ""
