let s = { v = [ 1 ]; }; in [ s s s ]
