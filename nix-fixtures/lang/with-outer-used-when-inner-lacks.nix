with { a = 1; b = 1; }; with { b = 2; }; a + b
