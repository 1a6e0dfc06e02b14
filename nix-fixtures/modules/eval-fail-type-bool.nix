# Only the ill-typed definition is shown.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.v = lib.mkOption { type = with lib.types; bool; }; }
    { _file = "def1.nix"; v = 1; }
    { _file = "def2.nix"; v = true; }
  ];
}).config.v
