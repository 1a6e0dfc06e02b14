(import ./lib.nix).mk { name = "x"; outputs = [ "out" "a/b" ]; }
