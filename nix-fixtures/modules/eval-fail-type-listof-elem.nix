# The element is checked at its own location.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.v = lib.mkOption { type = with lib.types; listOf int; }; }
    { _file = "def1.nix"; v = [ 1 "two" ]; }
  ];
}).config.v
