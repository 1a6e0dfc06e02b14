(import ./lib.nix).mk { name = "placeholder"; outputs = [ "out" "bin" ]; ref = "${placeholder "out"}/x ${placeholder "bin"}"; }
