# lazyAttrsOf does not force its other attributes; attrsOf has to, to drop the undefined ones.
let
  lib = import <nixpkgs/lib>;
  t = lib.types;
  eval = lib.evalModules {
    modules = [
      {
        options.lazy = lib.mkOption { type = t.lazyAttrsOf t.int; };
        options.strict = lib.mkOption { type = t.attrsOf t.int; };
      }
      { lazy = { ok = 1; bad = throw "not forced"; gone = lib.mkIf false 3; }; }
      { strict = { ok = 2; gone = lib.mkIf false 3; }; }
    ];
  };
in
{
  lazyOk = eval.config.lazy.ok;
  lazyNames = lib.attrNames eval.config.lazy;
  strict = eval.config.strict;
}
