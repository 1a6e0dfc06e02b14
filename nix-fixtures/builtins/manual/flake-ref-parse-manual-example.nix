# builtins.parseFlakeRef (Nix 2.18+, experimental feature "flakes"), the Nix manual's example:
# builtins.parseFlakeRef "github:NixOS/nixpkgs/23.05?dir=lib" evaluates to
# { dir = "lib"; owner = "NixOS"; ref = "23.05"; repo = "nixpkgs"; type = "github"; }
builtins.parseFlakeRef "github:NixOS/nixpkgs/23.05?dir=lib"
