[ (builtins ? map) (builtins ? noSuchBuiltin) ]
