# The `graph` of an evaluation: the imports as written, disabled modules marked.
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    ./imp/base.nix
    { imports = [ { key = "gone"; } ./imp/a.nix ]; }
    { disabledModules = [ { key = "gone"; } ]; }
  ];
}).graph
