let
  lib = import <nixpkgs/lib>;
  opt = lib.mkOption { type = lib.types.str; };
  eval = lib.evalModules {
    modules = [
      { options = { a = opt; b = opt; c = opt; }; }
      { a = lib.mkVMOverride "vm"; b = lib.mkImageMediaOverride "image"; c = lib.mkForce "force"; }
      { a = lib.mkForce "force"; b = lib.mkForce "force"; c = lib.mkImageMediaOverride "image"; }
    ];
  };
in
{
  inherit (eval) config;
  prio = map (n: eval.options.${n}.highestPrio) [ "a" "b" "c" ];
}
