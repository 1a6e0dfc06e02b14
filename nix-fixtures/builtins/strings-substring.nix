[ (builtins.substring 0 3 "hello") (builtins.substring 1 (-1) "hello") (builtins.substring 3 100 "hello") (builtins.substring 10 1 "hello") (builtins.substring 0 0 "") (builtins.substring 1 1 "é") ]
