# The mini-NixOS with no configuration at all: the defaults of every option that feeds the
# top level, and the derivations of the top level and its parts.
let
  eval = import ./support/eval.nix { modules = [ ]; };
  inherit (import ./support/facts.nix) drv;
  inherit (eval) config;
in
{
  nixosVersion = config.system.nixosVersion;
  isContainer = config.boot.isContainer;
  kernelFile = config.system.boot.loader.kernelFile;
  kernelParams = config.boot.kernelParams;
  grub = { inherit (config.boot.loader.grub) enable device configurationName timeout; };
  loaderId = config.system.boot.loader.id;
  interfaceVersion = config.systemd.package.interfaceVersion;
  users = builtins.attrNames config.users.users;
  groups = builtins.attrNames config.users.groups;
  units = builtins.attrNames config.systemd.units;
  etc = builtins.attrNames config.environment.etc;
  buildNames = builtins.attrNames config.system.build;

  toplevel = drv config.system.build.toplevel;
  parts = {
    etc = drv config.system.build.etc;
    units = drv config.system.build.units;
    initialRamdisk = drv config.system.build.initialRamdisk;
    bootStage2 = drv config.system.build.bootStage2;
    systemPath = drv config.system.path;
    modulesTree = drv config.system.modulesTree;
    firmware = drv config.hardware.firmware;
    kernel = drv config.boot.kernelPackages.kernel;
    systemd = drv config.systemd.package;
  };
}
