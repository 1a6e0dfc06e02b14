let
  inherit (import ./lib.nix) mk;
  shell = mk { name = "shell"; };
in
mk { name = "uses-shell"; builder = "${shell}/bin/sh"; args = [ "-e" ./inputs/script.sh shell.drvPath ]; }
