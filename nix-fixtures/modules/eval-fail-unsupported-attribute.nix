let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules { modules = [ { key = "mixed"; config = { }; stray = 1; } ]; }).config
