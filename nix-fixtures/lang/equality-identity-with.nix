# A variable found through `with` is the attribute's own value once the `with` scopes searched
# for it have been evaluated (by looking up a variable through them); before that it is a new
# value. Forcing the set itself (seq s) does not count.
let s = { f = x: x; }; in [
  (with { f = x: x; }; [ f ] == [ f ])
  (with { f = x: x; }; builtins.seq f ([ f ] == [ f ]))
  (with s; builtins.seq s ([ f ] == [ f ]))
  (with s; builtins.seq f ([ f ] == [ f ]))
  (with s; with { g = 1; }; builtins.seq g ([ f ] == [ f ]))
  (with s; with { g = 1; }; builtins.seq f ([ f ] == [ f ]))
  (with { f = x: x; }; let l = [ f ]; in builtins.seq f (l == [ f ]))
  (with { f = x: x; }; builtins.seq f ({ inherit f; } == { inherit f; }))
]
