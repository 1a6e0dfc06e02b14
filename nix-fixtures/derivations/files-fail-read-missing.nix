builtins.readFile ./inputs/missing
