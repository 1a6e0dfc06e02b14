builtins.toFile "x" "${(import ./lib.nix).mk { name = "x"; }}"
