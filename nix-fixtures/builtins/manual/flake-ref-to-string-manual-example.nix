# builtins.flakeRefToString (Nix 2.18+, experimental feature "flakes"), the Nix manual's
# example: the attribute set below evaluates to "github:NixOS/nixpkgs/23.05?dir=lib".
builtins.flakeRefToString {
  dir = "lib"; owner = "NixOS"; ref = "23.05"; repo = "nixpkgs"; type = "github";
}
