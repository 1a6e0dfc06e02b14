builtins.replaceStrings [ "oo" "a" ] [ "a" "oo" ] "foobar"
