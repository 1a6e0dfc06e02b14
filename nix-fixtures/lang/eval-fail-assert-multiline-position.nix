let
  f = x:
    assert builtins.isInt x;
    x;
in
  f "not an int"
