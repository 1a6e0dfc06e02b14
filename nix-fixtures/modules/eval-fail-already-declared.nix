let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    ./conflict/decl.nix
    ./errors/redeclare.nix
  ];
}).config.x
