builtins.length (builtins.filter (x: builtins.bitAnd x 1 == 0) (builtins.genList (x: x) 300000))
