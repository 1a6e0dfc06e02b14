import ./a.nix
