# `ntop explain` fixtures: definitions of one option at different priorities, some of them
# conditional or merged.
{ lib, ... }:
{
  imports = [
    ./priorities-default.nix
    ./conditional.nix
  ];
  services.openssh.ports = lib.mkIf true [ 2022 ];
  boot.loader.grub.configurationName = lib.mkForce "forced";
}
