# A definition of an option no module declares (a typo): the error names it, shows where it
# is written and suggests the declared option closest to it.
let
  lib = import <nixpkgs/lib>;
  system = lib.evalModules {
    modules = [
      ./modules/declare.nix
      ./modules/typo.nix
    ];
  };
in
system.config.networking.hostName
