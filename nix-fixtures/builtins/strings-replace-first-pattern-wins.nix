[ (builtins.replaceStrings [ "a" "ab" ] [ "1" "2" ] "abab") (builtins.replaceStrings [ "ab" "a" ] [ "1" "2" ] "abab") ]
