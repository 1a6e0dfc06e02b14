let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  prefix = [ "outer" ];
  modules = [ { options.x = lib.mkOption { default = 1; }; } { _file = "p.nix"; y = 2; } ];
}).config
