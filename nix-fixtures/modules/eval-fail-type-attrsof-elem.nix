# The attribute is checked at its own location.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.v = lib.mkOption { type = with lib.types; attrsOf bool; }; }
    { _file = "def1.nix"; v = { ok = true; bad = "no"; }; }
  ];
}).config.v
