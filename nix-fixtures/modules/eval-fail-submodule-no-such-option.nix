let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [ ./sub/users.nix { _file = "users-typo.nix"; users.bob.grups = [ "x" ]; } ];
}).config.users.bob
