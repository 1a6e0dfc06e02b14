builtins.attrNames (builtins.mapAttrs (n: v: throw "lazy") { x = 1; })
