{ v = 1; list = [ "a" ]; }
