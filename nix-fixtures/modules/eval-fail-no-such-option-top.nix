let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    ./mkif/decl.nix
    ./errors/top-typo.nix
  ];
}).config
