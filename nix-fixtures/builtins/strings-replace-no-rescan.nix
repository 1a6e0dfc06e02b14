[ (builtins.replaceStrings [ "aa" ] [ "b" ] "aaa") (builtins.replaceStrings [ "a" ] [ "aa" ] "aaa") (builtins.replaceStrings [ "ab" ] [ "a" ] "aabb") ]
