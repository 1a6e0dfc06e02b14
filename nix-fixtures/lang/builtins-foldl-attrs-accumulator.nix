builtins.foldl' (acc: k: acc // { ${k} = builtins.stringLength k; }) { } [ "a" "bb" "ccc" ]
