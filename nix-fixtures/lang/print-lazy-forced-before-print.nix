let s = { a = 1 + 1; b = 3 * 3; }; in builtins.seq s.a s
