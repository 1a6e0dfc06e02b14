# deferredModule collects module definitions for a later evaluation.
let
  lib = import <nixpkgs/lib>;
  t = lib.types;
  outer = lib.evalModules {
    modules = [
      { options.inner = lib.mkOption { type = t.deferredModule; default = { }; }; }
      { inner = { options.x = lib.mkOption { type = t.int; default = 1; }; }; }
      { inner = { x = 5; }; }
      { inner = ./deferred/y.nix; }
    ];
  };
  inner = lib.evalModules { modules = [ outer.config.inner ]; };
in
inner.config
