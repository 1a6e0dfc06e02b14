# The base modules of ntop's mini-NixOS: every evaluation starts from these.
[
  ./config/system-path.nix
  ./config/users-groups.nix
  ./hardware/firmware.nix
  ./misc/version.nix
  ./services/networking/ssh/sshd.nix
  ./system/activation/activation-script.nix
  ./system/activation/top-level.nix
  ./system/boot/kernel.nix
  ./system/boot/loader/grub/grub.nix
  ./system/boot/stage-1.nix
  ./system/boot/stage-2.nix
  ./system/boot/systemd.nix
  ./system/etc/etc.nix
  ./virtualisation/containers.nix
]
