# builtins.convertHash (Nix 2.21+), Nix manual: the argument set has the attribute "hash".
builtins.convertHash { toHashFormat = "sri"; }
