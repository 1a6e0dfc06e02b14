# A system meant to run as a container (the `path` route: build it, put it in a profile, and
# point a host's systemd.containers.<name>.path at that profile):
#
#   nix-env -p /nix/var/nix/profiles/containers/db --set \
#     -f '<nixpkgs/nixos>' -A system --arg configuration ./examples/container.nix
#
# `boot.isContainer` leaves out kernel, initrd and boot loader.
{ config, pkgs, lib, ... }:

{
  boot.isContainer = true;

  services.openssh.enable = true;
  services.openssh.ports = [ 2222 ];

  environment.etc."hostname".text = "db\n";

  systemd.services.hello = {
    description = "Say hello once the container is up";
    wantedBy = [ "multi-user.target" ];
    environment.GREETING = "hello from the container";
    script = ''
      echo "$GREETING"
    '';
    serviceConfig.Type = "oneshot";
  };
}
