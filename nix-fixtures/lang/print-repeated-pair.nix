let x = [ x x ]; in x
