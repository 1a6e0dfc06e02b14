(import ./lib.nix).mk { name = "multi2"; outputs = [ "lib" "out" ]; }
