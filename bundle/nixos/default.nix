# <nixpkgs/nixos>: a NixOS configuration evaluated and ready to build.
#
#   nix-build '<nixpkgs/nixos>' -A system --arg configuration ./machine.nix
#
# `configuration` defaults to $NIXOS_CONFIG, or else <nixos-config> from the search path.
{ configuration ?
    (let fromEnv = builtins.getEnv "NIXOS_CONFIG"; in if fromEnv != "" then fromEnv else <nixos-config>)
, system ? builtins.currentSystem
}:

let
  eval = import ./lib/eval-config.nix {
    inherit system;
    modules = [ configuration ];
  };
in
{
  inherit (eval) config options pkgs;

  # The system's top level, as `nix-build '<nixpkgs/nixos>' -A system` builds it.
  system = eval.config.system.build.toplevel;
}
