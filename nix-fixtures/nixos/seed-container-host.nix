# The seed standing in for the bundled top-level.nix (see seed-default.nix) under
# examples/container-host.nix. Nesting is empty here: the seed finds eval-config.nix and
# no-clone.nix relative to its own directory, so it can build children only from inside a
# NixOS tree.
let
  eval = import ./support/eval.nix {
    modules = [
      <seed/top-level.nix>
      { disabledModules = [ "system/activation/top-level.nix" ]; }
      ../../examples/container-host.nix
    ];
  };
  inherit (import ./support/facts.nix) drv;
  inherit (eval) config;
in
{
  toplevel = drv config.system.build.toplevel;
  web = drv config.systemd.containers.web.path;
  etc = drv config.system.build.etc;
}
