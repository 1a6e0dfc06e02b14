map (v: [ (builtins.isBool v) (builtins.isFloat v) (builtins.isList v) ]) [ true 1.0 1 [ ] "x" null ]
