import ./helpers/no-such-file.nix
