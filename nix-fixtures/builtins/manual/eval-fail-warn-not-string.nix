# builtins.warn (Nix 2.23+), Nix manual: "Evaluate e1, which must be a string, …"
builtins.warn 1 2
