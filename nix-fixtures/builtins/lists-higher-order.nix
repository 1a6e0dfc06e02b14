[
  (builtins.concatMap (x: [ x x ]) [ 1 2 ])
  (builtins.all (x: x > 0) [ 1 2 ]) (builtins.all (x: x > 0) [ ]) (builtins.any (x: x > 1) [ 1 2 ]) (builtins.any (x: x) [ ])
  (builtins.sort builtins.lessThan [ 3 1 2 1 ]) (builtins.sort (a: b: a > b) [ "b" "c" "a" ])
  (builtins.partition (x: x > 1) [ 1 2 3 ])
  (builtins.groupBy (s: builtins.substring 0 1 s) [ "ab" "ac" "b" ])
]
