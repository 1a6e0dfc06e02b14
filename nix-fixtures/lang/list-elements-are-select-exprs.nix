let s = { a = 1; }; f = x: x; in [ s.a f s.a ]
