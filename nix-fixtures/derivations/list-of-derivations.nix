let
  inherit (import ./lib.nix) mk;
  d = mk { name = "d"; outputs = [ "out" "dev" ]; };
in
[ d d.dev (mk { name = "e"; }) [ (mk { name = "nested"; }) ] { x = mk { name = "in-set"; }; } ]
