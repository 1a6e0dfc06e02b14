# examples/container.nix: a system built to run as a container (boot.isContainer = true), with
# a service of its own.
let
  eval = import ./support/eval.nix { modules = [ ../../examples/container.nix ]; };
  inherit (import ./support/facts.nix) drv;
  inherit (eval) config;
in
{
  isContainer = config.boot.isContainer;
  grubEnabled = config.boot.loader.grub.enable;
  hasInstallBootLoader = config.system.build ? installBootLoader;
  helloUnit = config.systemd.units."hello.service".text;
  helloService = {
    inherit (config.systemd.services.hello) description wantedBy environment serviceConfig;
  };
  toplevel = drv config.system.build.toplevel;
}
