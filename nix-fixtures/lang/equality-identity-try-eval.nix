# `tryEval`'s `value` is its argument itself (Nix stores the argument's own value), so it is
# the same object as the variable it was given; an argument that is a new value (a
# selection) is not.
let
  f = x: x;
  s = { a = f; };
in [
  (builtins.tryEval f == { success = true; value = f; })
  ([ (builtins.tryEval f).value ] == [ f ])
  (builtins.tryEval s.a == { success = true; value = f; })
  (builtins.tryEval (throw "x") == { success = false; value = false; })
]
