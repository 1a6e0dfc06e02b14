let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules { modules = [ ./conflict/decl.nix ./conflict/one.nix ./conflict/two.nix ]; }).config.x
