# `ntop explain priorities.nix networking.hostName`: two definitions of one option with
# different priorities, one of them conditional.
{ lib, ... }:
{
  imports = [ ./priorities-default.nix ];
  services.openssh.ports = lib.mkIf true [ 2022 ];
  boot.loader.grub.configurationName = lib.mkForce "forced";
}
