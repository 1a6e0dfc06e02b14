# A port is 16 bit.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    { _file = "decl.nix"; options.v = lib.mkOption { type = with lib.types; port; }; }
    { _file = "def1.nix"; v = 65536; }
  ];
}).config.v
