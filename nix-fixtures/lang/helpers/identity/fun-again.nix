import ./fun.nix
