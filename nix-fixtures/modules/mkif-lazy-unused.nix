# A definition that throws is fine as long as nobody reads its option.
let
  lib = import <nixpkgs/lib>;
  eval = lib.evalModules {
    modules = [
      ./mkif/decl.nix
      { name = throw "never read"; items = [ "read" ]; }
    ];
  };
in
eval.config.items
