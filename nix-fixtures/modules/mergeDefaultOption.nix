let
  lib = import <nixpkgs/lib>;
  defs = vs: lib.imap1 (i: value: { file = "f${toString i}.nix"; inherit value; }) vs;
  m = vs: lib.mergeDefaultOption [ "o" ] (defs vs);
in
{
  one = m [ 1 ];
  lists = m [ [ 1 ] [ 2 3 ] ];
  sets = m [ { a = 1; } { a = 2; b = 3; } ];
  bools = m [ false false ];
  strs = m [ "a" "b" ];
  ints = m [ 4 4 ];
  eq = lib.mergeEqualOption [ "o" ] (defs [ "x" "x" ]);
  one' = lib.mergeOneOption [ "o" ] (defs [ 9 ]);
  values = lib.getValues (defs [ 1 2 ]);
  files = lib.getFiles (defs [ 1 2 ]);
}
