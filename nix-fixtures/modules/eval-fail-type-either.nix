# Neither branch.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.v = lib.mkOption { type = with lib.types; either int bool; }; }
    { _file = "def1.nix"; v = "s"; }
  ];
}).config.v
