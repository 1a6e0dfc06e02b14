let s = { a = s.b + 1; b = 10; }; in s.a
