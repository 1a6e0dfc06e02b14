let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { options.ro = lib.mkOption { type = lib.types.int; readOnly = true; }; }
    { ro = 2; }
  ];
}).config
