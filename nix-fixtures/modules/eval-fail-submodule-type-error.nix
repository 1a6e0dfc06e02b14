let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [ ./sub/users.nix { _file = "uid.nix"; users.bob.uid = "1000"; } ];
}).config.users.bob.uid
