{ a = 1 + 1; b = x: x; c = "lit"; }
