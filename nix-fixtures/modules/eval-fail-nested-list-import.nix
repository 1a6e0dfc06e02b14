let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules { modules = [ { _file = "outer.nix"; imports = [ [ ./imp/shared.nix ] ]; } ]; }).config
