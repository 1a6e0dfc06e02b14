let y = "outer"; in import ./helpers/free-y-or-default.nix
