# Not absolute.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.v = lib.mkOption { type = with lib.types; path; }; }
    { _file = "def1.nix"; v = "relative/x"; }
  ];
}).config.v
