let
  f = x:
    throw "from f";
in
  f 1
