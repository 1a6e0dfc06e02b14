# Out of range.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.v = lib.mkOption { type = with lib.types; ints.between 1 5; }; }
    { _file = "def1.nix"; v = 6; }
  ];
}).config.v
