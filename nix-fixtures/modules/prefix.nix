# `prefix` places the evaluation inside a larger option tree, for messages and `loc`.
let
  lib = import <nixpkgs/lib>;
  eval = lib.evalModules {
    prefix = [ "outer" "inner" ];
    modules = [ { options.x = lib.mkOption { type = lib.types.int; default = 1; }; } ];
  };
in
{
  loc = eval.options.x.loc;
  shown = "${eval.options.x}";
  value = eval.config.x;
}
