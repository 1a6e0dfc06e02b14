# Nix's `eqValues` forces both values before its address test: an element compared with
# itself is forced (one level only) and then equal, even a function; a builtin's argument
# (`elem`) is a stored value too, so identity counts there. The operands of `==` themselves
# are never the same object (`f != f`). A forced selection is still its own value, not the
# one it selected.
let
  f = x: x;
  s = { a = f; };
  t = { a = { b = throw "not forced"; }; };
  l = [ s.a ];
in [
  (t == t)
  ([ { c = throw "not forced"; } ] != [ ])
  ([ t ] == [ t ])
  (builtins.elem f [ f ])
  (builtins.elem s.a [ f ])
  (builtins.elem f [ 1 f ])
  (builtins.seq (builtins.head l) (l == [ f ]))
  (builtins.seq (builtins.head l) (l == l ++ [ ]))
  ((y: [ y ]) f == [ f ])
  (f != f)
  ([ f ] != [ f ])
  ([ f ] < [ f ])
  ([ f 1 ] < [ f 2 ])
  (s // { } == s)
]
