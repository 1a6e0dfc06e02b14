let s = { a = 1; }; t = { b = 2; }; inherit (s) a; inherit (t) b; in a + b
