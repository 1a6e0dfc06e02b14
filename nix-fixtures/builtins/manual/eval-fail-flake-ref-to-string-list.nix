# builtins.flakeRefToString (Nix 2.18+): "flake reference attribute sets may only contain
# integers, Booleans, and strings, but attribute 'repo' is a list".
builtins.flakeRefToString { type = "github"; owner = "NixOS"; repo = [ ]; }
