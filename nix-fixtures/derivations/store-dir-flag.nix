(import ./lib.nix).mk { name = "storedir"; file = ./inputs/file.txt; }
