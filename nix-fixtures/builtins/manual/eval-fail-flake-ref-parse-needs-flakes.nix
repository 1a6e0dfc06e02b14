# builtins.parseFlakeRef is behind the "flakes" experimental feature (the Nix manual marks it so).
builtins.parseFlakeRef "nixpkgs"
