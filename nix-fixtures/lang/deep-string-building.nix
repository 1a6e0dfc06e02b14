builtins.stringLength (builtins.foldl' (acc: x: acc + "ab") "" (builtins.genList (x: x) 20000))
