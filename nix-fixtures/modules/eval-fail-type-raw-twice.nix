# raw allows one definition.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.v = lib.mkOption { type = with lib.types; raw; }; }
    { _file = "def1.nix"; v = 1; }
    { _file = "def2.nix"; v = 2; }
  ];
}).config.v
