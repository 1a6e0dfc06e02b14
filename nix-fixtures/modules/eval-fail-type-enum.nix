# Not one of the values.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.v = lib.mkOption { type = with lib.types; enum [ "a" "b" ]; }; }
    { _file = "def1.nix"; v = "c"; }
  ];
}).config.v
