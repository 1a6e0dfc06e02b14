# (The count, not the set: a NUL in the printed output would not survive the bless script.)
builtins.length (builtins.attrNames (builtins.fromJSON ''{"a": 1, "a\u0000b": 2}''))
