a: b: c: d: [ (x: -x) (!a) (a // b) (a ++ b) (a ? b.c) (a -> b || c && d) (a != b) (a <= b) (a >= b) (a < b) (a > b) (a * b / c - d) ]
