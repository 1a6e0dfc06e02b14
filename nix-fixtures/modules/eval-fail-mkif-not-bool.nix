let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [ ./mkif/decl.nix { _file = "cond.nix"; name = lib.mkIf "yes" "x"; } ];
}).config.name
