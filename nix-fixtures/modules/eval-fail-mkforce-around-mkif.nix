# mkIf must be outside mkOverride: a mkIf inside mkForce is not resolved and the property
# set itself becomes the (ill-typed) value.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    ./mkif/decl.nix
    { _file = "force-if.nix"; name = lib.mkForce (lib.mkIf false "ignored"); }
  ];
}).config.name
