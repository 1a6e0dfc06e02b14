# A host running one NixOS container, as in the commit that introduced containers:
#
#   ntop build examples/container-host.nix -A system.build.toplevel
#
# The host runs sshd on port 22 and lets alice in with her key. The container `web` is a
# NixOS system of its own, defined right here, running sshd on port 2022; on the host it is
# the service container-web.service. The container `db` shows the other route: its system is
# whatever the profile /nix/var/nix/profiles/containers/db holds, managed apart from the host.
{ config, pkgs, lib, ... }:

{
  boot.loader.grub.device = "/dev/sda";

  services.openssh.enable = true;

  users.extraUsers.alice = {
    uid = 1000;
    group = "users";
    home = "/home/alice";
    createHome = true;
    openssh.authorizedKeys.keys = [
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINtopExampleKeyNotARealKeyAliceHost alice@host"
    ];
  };
  users.extraGroups.users.gid = 100;

  environment.systemPackages = [ pkgs.perl ];

  systemd.containers.web.config =
    { config, pkgs, ... }:
    {
      services.openssh.enable = true;
      services.openssh.ports = [ 2022 ];
      users.extraUsers.root.openssh.authorizedKeys.keys = [
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINtopExampleKeyNotARealKeyRootWeb root@web"
      ];
      environment.etc."motd".text = "Welcome to the web container.\n";
    };

  systemd.containers.db.path = "/nix/var/nix/profiles/containers/db";
}
