let chain = builtins.foldl' (acc: x: acc // { v = acc.v + 1; }) { v = 0; } (builtins.genList (x: x) 50000); in chain.v
