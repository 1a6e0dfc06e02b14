{ a.b.c = 1; a.b.d = 2; a.e.f = 3; a.e.g = 4; }
