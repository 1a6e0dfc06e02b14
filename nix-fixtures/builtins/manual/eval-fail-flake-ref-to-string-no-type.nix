# builtins.flakeRefToString (Nix 2.18+): NixOS/nix Input::fromAttrs: "'type' attribute to specify
# input scheme is required but not provided".
builtins.flakeRefToString { owner = "NixOS"; repo = "nixpkgs"; }
