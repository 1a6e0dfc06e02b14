# Not a derivation.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.v = lib.mkOption { type = with lib.types; package; }; }
    { _file = "def1.nix"; v = { }; }
  ];
}).config.v
