let
  lib = import <nixpkgs/lib>;
  keyed = { key = "keyed"; log = [ "keyed" ]; };
in
(lib.evalModules {
  modules = [
    ./imp/base.nix
    ./imp/a.nix
    keyed
    { imports = [ keyed ./imp/shared.nix ]; log = [ "anonymous" ]; }
  ];
}).config
