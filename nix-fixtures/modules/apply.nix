let
  lib = import <nixpkgs/lib>;
  eval = lib.evalModules {
    modules = [
      {
        options.n = lib.mkOption { type = lib.types.int; default = 1; apply = x: x * 10; };
        options.names = lib.mkOption { type = lib.types.listOf lib.types.str; apply = lib.concatStringsSep ","; };
        options.pkg = lib.mkOption { apply = x: { name = x; }; default = "p"; };
      }
      { names = [ "a" "b" ]; }
      { n = 4; }
    ];
  };
in
{
  inherit (eval) config;
  # The option record's value is the applied one.
  optionValue = eval.options.n.value;
  definitions = eval.options.n.definitions;
}
