[ (import ./helpers/value.nix) (import ./helpers/value.nix) ]
