# Both null and not null.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.v = lib.mkOption { type = with lib.types; nullOr int; }; }
    { _file = "def1.nix"; v = null; }
    { _file = "def2.nix"; v = 1; }
  ];
}).config.v
