let a = { outPath = "/x"; v = 1; }; b = { outPath = "/x"; v = 2; }; in a == b
