# A machine with its own kernel, plus two further configurations in its boot menu
# (fine-tune/child-1 and child-2 of its top level):
#
#   - a child, built from the base modules and nothing of this file: a bare rescue system;
#   - a clone, built from this file's modules with a few changes: the same system on a newer
#     kernel. The clone overrides the kernel with mkForce, as its definition meets ours.
{ config, pkgs, lib, ... }:

{
  boot.kernelPackages = pkgs.linuxPackages_3_10;
  boot.kernelParams = [ "console=ttyS0,115200" "quiet" ];
  boot.initrd.kernelModules = [ "virtio_blk" "ext4" ];
  boot.loader.grub.device = "/dev/vda";
  boot.loader.grub.configurationName = "Default";

  hardware.firmware = [ pkgs.firmwareLinuxNonfree ];

  services.openssh.enable = true;

  nesting.children = [
    {
      boot.loader.grub.configurationName = "Rescue";
      boot.kernelParams = [ "single" ];
    }
  ];

  nesting.clone = [
    {
      boot.kernelPackages = lib.mkForce pkgs.linuxPackages_3_12;
      boot.loader.grub.configurationName = lib.mkForce "Linux 3.12";
    }
  ];
}
