builtins.attrNames (builtins.mapAttrs (n: v: throw n) { a = 1; b = 2; })
