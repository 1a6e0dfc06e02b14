[ (builtins.split "x*" "abc") (builtins.split "a*" "baaac") ]
