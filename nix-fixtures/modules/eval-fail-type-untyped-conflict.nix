# The untyped merge cannot merge an int and a string.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.v = lib.mkOption { type = with lib.types; unspecified; }; }
    { _file = "def1.nix"; v = 1; }
    { _file = "def2.nix"; v = "x"; }
  ];
}).config.v
