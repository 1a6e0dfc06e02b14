let s = { a = 1; }; in builtins.attrNames { inherit (s) a missing; }
