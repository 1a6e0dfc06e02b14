# Two declarations may share a type, but not both give a default.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "one.nix"; options.x = lib.mkOption { type = lib.types.int; default = 1; }; }
    { _file = "two.nix"; options.x = lib.mkOption { type = lib.types.int; default = 2; }; }
  ];
}).config.x
