builtins.storePath (builtins.toFile "x" "y")
