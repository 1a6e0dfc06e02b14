builtins.foldl' (a: b: throw "never") "init" [ ]
