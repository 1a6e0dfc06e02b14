# Every package, by name. `pkgs` is this set itself, tied in ./default.nix.
{ lib, system, pkgs }:

let
  inherit (pkgs) stdenv;
  hostTools = import ../host-tools { inherit lib stdenv; inherit (pkgs) writeTextFile; };
  trivial = import ../build-support/trivial-builders.nix { inherit lib stdenv; };
in

trivial // {
  inherit lib system;

  stdenv = import ../stdenv { inherit lib system; };

  # The host's GNU coreutils.
  coreutils = hostTools {
    name = "coreutils";
    tools = [
      "basename" "cat" "chgrp" "chmod" "chown" "cp" "cut" "date" "dd" "df" "dirname" "du" "echo"
      "env" "false" "head" "id" "install" "ln" "ls" "mkdir" "mktemp" "mv" "readlink" "realpath"
      "rm" "rmdir" "sleep" "sort" "stat" "tail" "tee" "touch" "tr" "true" "uname" "wc"
    ];
  };

  # The host's util-linux, as far as the host has it.
  utillinux = hostTools {
    name = "util-linux";
    tools = [ "mount" "umount" ];
    optionalTools = [ "agetty" "blkid" "findmnt" "losetup" "lsblk" "sulogin" "swapon" ];
    sbinTools = [ "agetty" "sulogin" "swapon" ];
  };

  bash = hostTools {
    name = "bash";
    tools = [ "bash" "sh" ];
    passthru.shellPath = "/bin/bash";
  };

  perl = hostTools { name = "perl"; tools = [ "perl" ]; };

  perlPackages = import ../perl-packages { inherit stdenv; };

  # The host's systemd tools; `interfaceVersion` is what NixOS writes to init-interface-version.
  systemd = hostTools {
    name = "systemd";
    tools = [ "systemctl" "journalctl" ];
    optionalTools = [ "loginctl" "systemd-nspawn" "systemd-tmpfiles" "udevadm" ];
    extraCommands = ''
      mkdir -p "$out/lib/systemd"
      if [ -x /usr/lib/systemd/systemd ]; then
        ln -s /usr/lib/systemd/systemd "$out/lib/systemd/systemd"
      else
        printf '#! /bin/bash\necho "systemd: stand-in; not installed on the build host" >&2\nexit 127\n' \
          > "$out/lib/systemd/systemd"
        chmod +x "$out/lib/systemd/systemd"
      fi
    '';
    passthru.interfaceVersion = 2;
  };

  # The host's OpenSSH client tools, and its sshd if it has one.
  openssh = hostTools {
    name = "openssh";
    tools = [ "ssh" "ssh-keygen" ];
    optionalTools = [ "scp" "sshd" ];
    sbinTools = [ "sshd" ];
  };

  # Kernels and the packages built against them.
  linuxPackagesFor = kernel: { inherit kernel; };
  linux_3_10 = import ../os-specific/linux/kernel { inherit stdenv; version = "3.10.21"; };
  linux_3_12 = import ../os-specific/linux/kernel { inherit stdenv; version = "3.12.1"; };
  linux = pkgs.linux_3_10;
  linuxPackages = pkgs.linuxPackagesFor pkgs.linux;
  linuxPackages_3_10 = pkgs.linuxPackagesFor pkgs.linux_3_10;
  linuxPackages_3_12 = pkgs.linuxPackagesFor pkgs.linux_3_12;

  firmwareLinuxNonfree = import ../os-specific/linux/firmware { inherit stdenv; };

  makeInitrd = import ../build-support/make-initrd { inherit stdenv; };

  # One lib/modules tree out of a kernel and its out-of-tree module packages.
  aggregateModules = modules: pkgs.buildEnv {
    name = "kernel-modules";
    paths = modules;
    pathsToLink = [ "/lib/modules" ];
    ignoreCollisions = true;
  };
}
