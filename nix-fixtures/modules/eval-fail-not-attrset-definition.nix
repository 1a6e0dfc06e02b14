let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    ./mkif/decl.nix
    { _file = "flat.nix"; nested = 5; }
  ];
}).config.nested
