# The initial ramdisk: a small root file system the kernel unpacks before the real root is
# mounted. Containers have none (they boot straight into stage 2).
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkOption types;

  initrdRoot = pkgs.runCommand "initrd-root"
    {
      stage1Init = ./stage-1-init.sh;
      modules = lib.concatStringsSep "\n" config.boot.initrd.kernelModules;
      release = config.system.nixosVersion;
    }
    ''
      mkdir -p "$out/etc"
      cp "$stage1Init" "$out/init"
      chmod 0755 "$out/init"
      printf '%s\n' "$modules" > "$out/etc/modules"
      printf 'NixOS %s (ntop initrd stand-in)\n' "$release" > "$out/etc/initrd-release"
    '';
in
{
  options = {
    boot.initrd.kernelModules = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "Kernel modules that stage 1 loads before mounting the root file system.";
    };
  };

  config = {
    system.build.initialRamdisk = pkgs.makeInitrd {
      name = "initrd";
      root = initrdRoot;
    };
  };
}
