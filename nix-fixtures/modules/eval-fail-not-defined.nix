let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules { modules = [ ./conflict/decl.nix ]; }).config.x
