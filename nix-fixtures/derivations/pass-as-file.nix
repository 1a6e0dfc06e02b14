(import ./lib.nix).mk { name = "passasfile"; passAsFile = [ "big" "other" ]; big = "lots of text"; other = [ 1 2 ]; }
