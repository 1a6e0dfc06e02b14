import ./helpers/imports-sibling.nix
