import ./helpers/has-error.nix
