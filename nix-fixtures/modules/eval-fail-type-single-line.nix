# Two lines.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.v = lib.mkOption { type = with lib.types; singleLineStr; }; }
    { _file = "def1.nix"; v = "a\nb"; }
  ];
}).config.v
