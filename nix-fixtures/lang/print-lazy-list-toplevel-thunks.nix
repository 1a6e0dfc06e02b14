let x = 1 + 1; in [ x x (x * 2) ]
