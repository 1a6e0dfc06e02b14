# The message names the file and suggests the closest existing options.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    ./sub/users.nix
    ./errors/typo.nix
  ];
}).config
