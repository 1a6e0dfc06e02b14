let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.ro = lib.mkOption { type = lib.types.int; readOnly = true; default = 1; }; }
    { _file = "set.nix"; ro = 2; }
  ];
}).config.ro
