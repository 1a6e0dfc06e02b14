# Plain definitions beat mkDefault and option defaults; mkForce beats plain; the lowest
# mkOverride number wins; equal mkDefault definitions agree.
let
  lib = import <nixpkgs/lib>;
  eval = lib.evalModules { modules = [ ./prio/decl.nix ./prio/a.nix ./prio/b.nix ]; };
in
{
  inherit (eval) config;
  prio = lib.mapAttrs (_: o: o.highestPrio) (removeAttrs eval.options [ "_module" ]);
}
