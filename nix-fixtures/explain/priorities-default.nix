{ lib, ... }:
{
  boot.loader.grub.configurationName = lib.mkDefault "defaulted";
}
