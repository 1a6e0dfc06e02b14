let v = builtins.fromJSON ''{"x": [1, "\u0000"]}''; in builtins.length v.x
