# Strict left folds over a million-element list.
let xs = builtins.genList (i: i * 3) 1000000; in
builtins.foldl' (a: b: a + b) 0 (builtins.filter (x: builtins.bitAnd x 1 == 0) xs)
