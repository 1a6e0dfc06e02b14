(import ./helpers/fun.nix) 1
