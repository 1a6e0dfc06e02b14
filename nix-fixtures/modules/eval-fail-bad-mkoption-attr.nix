let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [ { options.x = lib.mkOption { type = lib.types.int; defualt = 1; }; } ];
}).config.x
