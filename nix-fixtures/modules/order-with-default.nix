# An option default is dropped as soon as there is a definition, whatever its order.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { options.l = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ "default" ]; }; }
    { l = lib.mkBefore [ "before" ]; }
  ];
}).config
