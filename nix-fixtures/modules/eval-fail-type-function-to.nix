# Not a function.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.v = lib.mkOption { type = with lib.types; functionTo int; }; }
    { _file = "def1.nix"; v = 5; }
  ];
}).config.v
