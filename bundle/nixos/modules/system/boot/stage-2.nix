# The init of the booted system (stage 2). Its @systemConfig@ stays in place until the top level
# copies it and substitutes its own output path.
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkOption types;

  path = lib.concatMapStringsSep ":" (p: "${p}/bin:${p}/sbin") [ pkgs.coreutils pkgs.utillinux ];

  bootStage2 = pkgs.runCommand "stage-2-init"
    {
      script = ./stage-2-init.sh;
      inherit path;
      shell = "${pkgs.bash}/bin/bash";
      systemdExecutable = config.boot.systemdExecutable;
    }
    ''
      substitute "$script" "$out" \
        --subst-var shell \
        --subst-var path \
        --subst-var systemdExecutable
      chmod 0755 "$out"
    '';
in
{
  options = {
    boot.systemdExecutable = mkOption {
      type = types.str;
      default = "${config.systemd.package}/lib/systemd/systemd";
      description = "The program stage 2 finally executes as process 1.";
    };
  };

  config = {
    system.build.bootStage2 = bootStage2;
  };
}
