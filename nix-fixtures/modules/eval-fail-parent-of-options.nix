let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "leaf.nix"; options.a = lib.mkOption { type = lib.types.int; }; }
    { _file = "branch.nix"; options.a.b = lib.mkOption { type = lib.types.int; }; }
  ];
}).config.a
