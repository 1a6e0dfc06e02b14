# The OpenSSH daemon: /etc/ssh/sshd_config and the `sshd` service.
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkOption mkIf types;

  cfg = config.services.openssh;

  sshdConfig =
    lib.concatMapStrings (port: "Port ${toString port}\n") cfg.ports
    + ''
      Protocol 2
      UsePAM no
      PermitRootLogin ${cfg.permitRootLogin}
      PasswordAuthentication ${if cfg.passwordAuthentication then "yes" else "no"}
      AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/authorized_keys.d/%u
      HostKey /etc/ssh/ssh_host_ed25519_key
    ''
    + cfg.extraConfig;
in
{
  options = {
    services.openssh = {
      enable = mkOption {
        type = types.bool;
        default = false;
        description = "Whether to run the OpenSSH daemon.";
      };

      ports = mkOption {
        type = types.listOf types.int;
        default = [ 22 ];
        description = "The ports sshd listens on.";
      };

      permitRootLogin = mkOption {
        type = types.enum [ "yes" "without-password" "no" ];
        default = "without-password";
        description = "Whether root may log in, and how.";
      };

      passwordAuthentication = mkOption {
        type = types.bool;
        default = false;
        description = "Whether passwords are accepted (keys always are).";
      };

      extraConfig = mkOption {
        type = types.lines;
        default = "";
        description = "Further lines for sshd_config.";
      };
    };
  };

  config = mkIf cfg.enable {
    users.users.sshd = {
      uid = 75;
      description = "SSH privilege separation user";
      home = "/var/empty";
    };

    environment.systemPackages = [ pkgs.openssh ];

    environment.etc."ssh/sshd_config".text = sshdConfig;

    systemd.services.sshd = {
      description = "SSH Daemon";
      wantedBy = [ "multi-user.target" ];
      after = [ "network.target" ];
      path = [ pkgs.openssh pkgs.coreutils ];
      preStart = ''
        mkdir -m 0755 -p /etc/ssh /var/empty
        if [ ! -f /etc/ssh/ssh_host_ed25519_key ]; then
            ssh-keygen -t ed25519 -f /etc/ssh/ssh_host_ed25519_key -N ""
        fi
      '';
      serviceConfig = {
        ExecStart = "${pkgs.openssh}/sbin/sshd -D -f /etc/ssh/sshd_config";
        Restart = "always";
        KillMode = "process";
      };
    };
  };
}
