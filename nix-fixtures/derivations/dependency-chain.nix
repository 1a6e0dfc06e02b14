let
  inherit (import ./lib.nix) mk;
  step = n: prev: mk { name = "chain-${toString n}"; inherit prev; outputs = [ "out" "lib" ]; libDep = prev.lib or ""; };
  go = n: if n == 0 then mk { name = "chain-0"; outputs = [ "out" "lib" ]; } else step n (go (n - 1));
in
go 30
