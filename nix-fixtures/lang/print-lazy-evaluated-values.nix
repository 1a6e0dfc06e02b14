let a = 1 + 1; in builtins.seq a { inherit a; b = a; c = [ a ]; }
