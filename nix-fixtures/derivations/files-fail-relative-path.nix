builtins.readFile "inputs/file.txt"
