let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { options.x = lib.mkOption { type = lib.types.int; }; }
    { x = lib.mkAssert false "x must not be set here" 1; }
  ];
}).config.x
