# The GRUB boot loader: which device to install to, what the menu calls this configuration,
# and `system.build.installBootLoader`, the program switch-to-configuration runs.
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkOption mkIf types;

  cfg = config.boot.loader.grub;

  installGrub = pkgs.runCommand "install-grub"
    {
      script = ./install-grub.sh;
      shell = "${pkgs.bash}/bin/bash";
      path = lib.concatMapStringsSep ":" (p: "${p}/bin:${p}/sbin") [ pkgs.coreutils ];
      inherit (cfg) device;
      bootPath = "/boot";
      timeout = toString cfg.timeout;
    }
    ''
      substitute "$script" "$out" \
        --subst-var shell --subst-var path --subst-var device \
        --subst-var bootPath --subst-var timeout
      chmod +x "$out"
    '';
in
{
  options = {
    boot.loader.grub = {
      enable = mkOption {
        type = types.bool;
        default = !config.boot.isContainer;
        description = "Whether GRUB makes this configuration bootable (not in containers).";
      };

      device = mkOption {
        type = types.str;
        default = "nodev";
        example = "/dev/sda";
        description = ''
          The disk whose boot sector GRUB is installed to, or "nodev" to only write the menu.
        '';
      };

      configurationName = mkOption {
        type = types.str;
        default = "";
        example = "Stable 3.10 kernel";
        description = "The name of this configuration in the boot menu (configuration-name).";
      };

      timeout = mkOption {
        type = types.int;
        default = 5;
        description = "Seconds the menu waits before booting the default entry.";
      };
    };
  };

  config = mkIf cfg.enable {
    system.boot.loader.id = "grub";
    system.build.installBootLoader = "${installGrub}";
  };
}
