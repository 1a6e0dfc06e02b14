[ (builtins.toFile "x" "y") (builtins.getContext (builtins.toFile "x" "y")) ]
