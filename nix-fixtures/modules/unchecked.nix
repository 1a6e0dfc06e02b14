# With _module.check = false unknown definitions are ignored.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [ ./mkif/decl.nix ./errors/top-typo.nix { _module.check = false; } ];
}).config
