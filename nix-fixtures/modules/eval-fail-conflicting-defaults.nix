# Two mkDefault definitions that differ conflict just like plain ones.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    ./conflict/decl.nix
    { _file = "first.nix"; x = lib.mkDefault 1; }
    { _file = "second.nix"; x = lib.mkDefault 2; }
  ];
}).config.x
