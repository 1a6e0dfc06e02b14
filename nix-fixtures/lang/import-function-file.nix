import ./helpers/fun.nix 41
