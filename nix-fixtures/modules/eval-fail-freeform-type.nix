let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { freeformType = lib.types.attrsOf lib.types.int; }
    { _file = "free.nix"; extra = "not an int"; }
  ];
}).config.extra
