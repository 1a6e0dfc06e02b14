# Different kinds of value.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.v = lib.mkOption { type = with lib.types; anything; }; }
    { _file = "def1.nix"; v = 1; }
    { _file = "def2.nix"; v = "one"; }
  ];
}).config.v
