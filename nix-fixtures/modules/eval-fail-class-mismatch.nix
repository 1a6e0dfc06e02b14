let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  class = "nixos";
  modules = [ { _class = "darwin"; _file = "darwin-module.nix"; } ];
}).config
