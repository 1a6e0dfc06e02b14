let
  inherit (import ./lib.nix) mk;
  base = mk { name = "base"; outputs = [ "out" "dev" ]; file = ./inputs/file.txt; };
  mid = mk { name = "mid"; dep = base; };
in
mk { name = "closure"; drv = mid.drvPath; }
