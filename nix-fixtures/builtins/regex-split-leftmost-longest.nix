[ (builtins.split "a|ab" "xabx") (builtins.split "(a|ab)(c|bcd)?" "xabcdx") (builtins.split "(a|ab)(b*)" "abbb") ]
