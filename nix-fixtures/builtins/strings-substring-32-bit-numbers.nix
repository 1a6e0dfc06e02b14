[ (builtins.substring 4294967296 1 "abc") (builtins.substring 0 4294967297 "abc") (builtins.substring 1 (-5) "abc") ]
