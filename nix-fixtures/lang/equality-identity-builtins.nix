# Builtins that move elements keep them (attrValues, filter, tail, concatLists, //,
# removeAttrs, intersectAttrs, listToAttrs); ones that call a function make new values (map,
# mapAttrs, genList), as do head and elemAt, whose result is compared outermost.
let f = x: x; l = [ f ]; a = { inherit f; }; in [
  (builtins.attrValues { x = f; } == [ f ])
  (builtins.filter (x: true) l == l)
  (builtins.tail [ 1 f ] == l)
  (builtins.concatLists [ l ] == l)
  (a // { } == a)
  (builtins.removeAttrs a [ ] == a)
  (builtins.intersectAttrs { f = 1; } a == a)
  (builtins.listToAttrs [ { name = "f"; value = f; } ] == a)
  (builtins.map (x: x) l == l)
  (builtins.mapAttrs (n: v: v) a == a)
  (builtins.genList (i: f) 1 == l)
  ([ (builtins.head l) ] == l)
  (builtins.elemAt l 0 == f)
]
