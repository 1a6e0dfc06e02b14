# Empty list.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.v = lib.mkOption { type = with lib.types; nonEmptyListOf int; }; }
    { _file = "def1.nix"; v = [ ]; }
  ];
}).config.v
