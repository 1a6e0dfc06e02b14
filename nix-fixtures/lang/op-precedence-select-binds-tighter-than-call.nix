let f = s: s; a = { b = 5; }; in f a.b
