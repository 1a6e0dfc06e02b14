[ (builtins.isFunction builtins.map) (builtins.isFunction (builtins.map (x: x))) ]
