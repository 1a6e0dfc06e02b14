builtins.elemAt (map (x: x * 2) (builtins.genList (x: x) 500000)) 499999
