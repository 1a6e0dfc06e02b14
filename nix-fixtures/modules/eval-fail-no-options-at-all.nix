let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules { modules = [ ./errors/top-typo.nix ]; }).config
