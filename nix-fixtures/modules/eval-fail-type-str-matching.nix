# Does not match.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.v = lib.mkOption { type = with lib.types; strMatching "[0-9]+"; }; }
    { _file = "def1.nix"; v = "12a"; }
  ];
}).config.v
