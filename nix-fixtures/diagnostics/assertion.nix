# A failed `assert`: the condition as written, at the assertion.
let
  mkUser = name: uid:
    assert uid >= 1000;
    { inherit name uid; };
in
[ (mkUser "alice" 1000) (mkUser "root" 0) ]
