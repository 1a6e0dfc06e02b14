[ (builtins.sub 10 3) (builtins.sub 1 2.5) ]
