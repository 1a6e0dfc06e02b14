# A variable in a list or set is the value it is bound to (let, rec, function arguments,
# formals, inherit); a selection, an `if` or a `let` in the element makes a new value.
let
  f = x: x;
  g = f;
  s = { a = f; };
  inherit (s) a;
in [
  ([ f ] == [ g ])
  ([ a ] == [ a ])
  ([ s.a ] == [ f ])
  ([ s.a ] == [ s.a ])
  ({ x = f; } == { x = f; })
  ({ inherit f; } == { inherit f; })
  ({ inherit (s) a; } == { inherit (s) a; })
  ((h: [ h ] == [ h ]) s.a)
  (({ h }: [ h ] == [ h ]) { h = f; })
  ([ (if true then f else f) ] == [ f ])
  ([ (let y = f; in y) ] == [ f ])
  ([ [ f ] ] == [ [ f ] ])
  (rec { p = f; q = p; } == rec { p = f; q = f; })
]
