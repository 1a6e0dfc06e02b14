import ./helpers/has-parse-error.nix
