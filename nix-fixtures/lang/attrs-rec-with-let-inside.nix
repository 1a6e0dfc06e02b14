rec { a = let b = 2; in b * c; c = 5; }
