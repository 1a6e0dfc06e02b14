# An int is no float.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.v = lib.mkOption { type = with lib.types; float; }; }
    { _file = "def1.nix"; v = 1; }
  ];
}).config.v
