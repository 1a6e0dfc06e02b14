let s = { a.b.c = 1; }; in [ (s ? a.b) (s ? a.b.c) (s ? a.x) (s ? a.b.c.d) ]
