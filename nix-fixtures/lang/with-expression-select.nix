with { s = { v = 3; }; }; s.v
