let
  inherit (import ./lib.nix) mk;
in
{
  b = mk { name = "b"; };
  a = mk { name = "a"; outputs = [ "dev" "out" ]; };
  notADrv = 42;
  "bad name" = mk { name = "skipped"; };
  nested = { inner = mk { name = "not-found"; }; };
  recursed = { recurseForDerivations = true; inner = mk { name = "inner"; }; };
  list = [ (mk { name = "in-list"; }) ];
  dup = mk { name = "b"; };
}
