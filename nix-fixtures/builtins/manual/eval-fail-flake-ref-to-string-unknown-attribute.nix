# builtins.flakeRefToString (Nix 2.18+): each input type accepts its own attributes (NixOS/nix
# Input::fromAttrs: "input attribute 'foo' not supported by scheme 'github'").
builtins.flakeRefToString { type = "github"; owner = "NixOS"; repo = "nixpkgs"; foo = "x"; }
