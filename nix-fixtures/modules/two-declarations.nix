# Compatible declarations merge: the type is shared, the default comes from one of them.
let
  lib = import <nixpkgs/lib>;
  eval = lib.evalModules {
    modules = [
      { _file = "one.nix"; options.x = lib.mkOption { type = lib.types.listOf lib.types.int; default = [ 1 ]; }; }
      { _file = "two.nix"; options.x = lib.mkOption { type = lib.types.listOf lib.types.int; description = "x"; }; }
      { _file = "three.nix"; options.e = lib.mkOption { type = lib.types.enum [ "a" ]; }; }
      { _file = "four.nix"; options.e = lib.mkOption { type = lib.types.enum [ "b" ]; default = "b"; }; }
    ];
  };
in
{
  inherit (eval) config;
  declarations = eval.options.x.declarations;
  enumType = eval.options.e.type.description;
  description = eval.options.x.description;
}
