{ a = 1; b = [ "x" null ]; c = { d = x: x; }; e = 1.5; }
