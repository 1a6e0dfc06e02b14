# Strings do not concatenate.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.v = lib.mkOption { type = with lib.types; str; }; }
    { _file = "def1.nix"; v = "a"; }
    { _file = "def2.nix"; v = "b"; }
  ];
}).config.v
