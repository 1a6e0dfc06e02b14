import ./value.nix // { via = "sibling"; }
