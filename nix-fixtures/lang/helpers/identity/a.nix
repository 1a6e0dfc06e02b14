{ f = x: x; n = 1; }
