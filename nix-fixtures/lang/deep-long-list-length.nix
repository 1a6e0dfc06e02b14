builtins.length (builtins.genList (x: x) 2000000)
