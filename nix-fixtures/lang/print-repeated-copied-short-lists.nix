# Short lists copied into two cells are two values to the printer; long ones stay one.
let a = [ 1 ]; l = [ 1 2 3 ]; f = x: x; in [ (f a) (f a) (f l) (f l) ]
