# Not a module.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.v = lib.mkOption { type = with lib.types; submodule { }; }; }
    { _file = "def1.nix"; v = 42; }
  ];
}).config.v
