builtins.hashFile "md4" ./inputs/file.txt
