# The module system at work: the bundled mini-NixOS evaluating the container host example
# (two systems: the host and its container) down to the top level's .drv path.
(import ../nixos/support/eval.nix { modules = [ ../../examples/container-host.nix ]; })
.config.system.build.toplevel.drvPath
