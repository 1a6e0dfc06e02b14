(import ./lib.nix).mk { name = "single"; }
