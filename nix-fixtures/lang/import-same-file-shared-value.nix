let a = import ./helpers/fun.nix; b = import ./helpers/fun.nix; in [ (a 1) (b 2) ]
