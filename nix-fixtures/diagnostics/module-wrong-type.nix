# A definition of the wrong type: the error names the option, the type and the definition.
let
  lib = import <nixpkgs/lib>;
  system = lib.evalModules {
    modules = [
      ./modules/declare.nix
      ./modules/bad-port.nix
    ];
  };
in
system.config.networking.port
