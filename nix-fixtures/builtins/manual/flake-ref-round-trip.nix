# flakeRefToString (parseFlakeRef s) gives the canonical form of s (NixOS/nix's flakeref tests
# check this round trip: "nixpkgs/branch" becomes "flake:nixpkgs/branch").
map (s: builtins.flakeRefToString (builtins.parseFlakeRef s)) [
  "nixpkgs/branch"
  "github:NixOS/nixpkgs/23.05?dir=lib"
  "git+https://somewhere.example/repo?ref=branch"
  "/foo/bar?revCount=123&rev=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
]
