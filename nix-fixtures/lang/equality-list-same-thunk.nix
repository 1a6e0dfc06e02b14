let l = [ (x: x) ]; in l == l
