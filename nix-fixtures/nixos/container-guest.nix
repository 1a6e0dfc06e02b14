# The configuration inside the container `web` of examples/container-host.nix, read through the
# host's evaluation: boot.isContainer is set for it, so it has no kernel or boot loader.
let
  eval = import ./support/eval.nix { modules = [ ../../examples/container-host.nix ]; };
  inherit (import ./support/facts.nix) drv;
  toplevel = eval.config.systemd.containers.web.path;
in
{
  toplevel = drv toplevel;
  # The builder's inputs, which the top level's derivation carries as attributes.
  inherit (toplevel) configurationName nixosVersion installBootLoader;
  activationScript = toplevel.activationScript;
  children = toplevel.children;
}
