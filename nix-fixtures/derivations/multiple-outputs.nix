(import ./lib.nix).mk { name = "multi"; outputs = [ "out" "dev" "bin" "doc" ]; }
