# builtins.flakeRefToString (Nix 2.18+): NixOS/nix tests/functional/lang/eval-fail-flake-ref-to-string-
# negative-integer: "negative value given for flake ref attr repo: -1".
let
  n = -1;
in
builtins.seq n (
  builtins.flakeRefToString {
    type = "github";
    owner = "NixOS";
    repo = n;
    ref = "23.05";
    dir = "lib";
  }
)
