builtins.filterSource 1 ./inputs
