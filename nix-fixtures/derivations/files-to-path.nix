[ (builtins.toPath "/a/b/../c//d/") (builtins.toPath ./inputs/../inputs/file.txt) (builtins.toPath "/") ]
