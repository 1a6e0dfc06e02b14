# A string for an int.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.v = lib.mkOption { type = with lib.types; int; }; }
    { _file = "def1.nix"; v = "seven"; }
  ];
}).config.v
