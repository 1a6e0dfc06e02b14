import "${toString ./helpers/value.nix}"
