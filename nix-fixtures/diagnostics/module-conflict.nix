# Two modules give a unique option different values at the same priority: the error names the
# option and shows both definitions where they are written.
let
  lib = import <nixpkgs/lib>;
  system = lib.evalModules {
    modules = [
      ./modules/declare.nix
      ./modules/host-a.nix
      ./modules/host-b.nix
    ];
  };
in
system.config.networking.hostName
