(import ./lib.nix).mk { name = "has space"; }
