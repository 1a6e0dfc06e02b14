# A `++` chain with a single non-empty operand is that list itself (Nix returns an operand
# when the other is empty), so a list holding a function still equals it; a chain whose
# operands are all empty is empty. Operands are evaluated left to right: the first error
# raised wins.
let
  l = [ (x: x) ];
in
[
  ((l ++ [ ] ++ [ ]) == l)
  (([ ] ++ l ++ [ ]) == l)
  (([ ] ++ [ ] ++ l) == l)
  ([ ] ++ [ ] ++ [ ])
  ([ 1 ] ++ [ 2 ] ++ [ 3 ] ++ [ ] ++ [ 4 5 ])
  (builtins.tryEval ([ 1 ] ++ throw "first" ++ throw "second")).success
]
