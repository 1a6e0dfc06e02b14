# Unique: even equal definitions are two.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.v = lib.mkOption { type = with lib.types; uniq int; }; }
    { _file = "def1.nix"; v = 1; }
    { _file = "def2.nix"; v = 1; }
  ];
}).config.v
