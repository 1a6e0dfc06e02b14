# The top level of a NixOS system: one store path holding (links to) everything the
# configuration consists of: kernel, initrd, init, activation script, /etc, the system profile,
# systemd; plus `bin/switch-to-configuration`, which makes it the running or the boot default
# system. `system.build.toplevel` is that path.
#
# This is ntop's own version of the module that seeded the project (see shared/seed/): same
# options, same builder, same layout of the result. The one addition is `kernelParams`, passed
# to the builder so that kernel-params holds `boot.kernelParams`.
{ config, lib, pkgs, modules, baseModules, ... }:

let
  inherit (lib) mkOption types optionals optionalString;

  # Child configurations (`nesting.children`, `nesting.clone`), each built as a whole system and
  # linked from fine-tune/child-N, for instance to offer the same system with another kernel in
  # the boot menu. A clone starts from this configuration's own modules; a child from nothing
  # but the base modules. Neither may have children of its own (no-clone.nix).
  buildChildren = inheritParent: childConfigs:
    map
      (childConfig:
        (import ../../../lib/eval-config.nix {
          inherit baseModules;
          modules =
            optionals inheritParent modules
            ++ [ ./no-clone.nix ]
            ++ [ childConfig ];
        }).config.system.build.toplevel)
      childConfigs;

  children =
    buildChildren false config.nesting.children
    ++ buildChildren true config.nesting.clone;

  kernelPath = "${config.boot.kernelPackages.kernel}/${config.system.boot.loader.kernelFile}";

  # Containers share the host's kernel: no kernel, modules, initrd or firmware of their own;
  # they boot directly into stage 2.
  bootFiles = optionalString (!config.boot.isContainer) ''
    if [ ! -f ${kernelPath} ]; then
      echo "The boot loader cannot find the kernel image it was told to use."
      echo "(Expecting ${kernelPath})"
      false
    fi
    ln -s ${kernelPath} $out/kernel
    ln -s ${config.system.modulesTree} $out/kernel-modules
    echo -n "$kernelParams" > $out/kernel-params
    ln -s ${config.system.build.initialRamdisk}/initrd $out/initrd
    ln -s ${config.hardware.firmware} $out/firmware
  '';

  systemBuilder = ''
    mkdir $out
    ${bootFiles}
    echo "$activationScript" > $out/activate
    substituteInPlace $out/activate --subst-var out
    chmod u+x $out/activate
    unset activationScript

    cp ${config.system.build.bootStage2} $out/init
    substituteInPlace $out/init --subst-var-by systemConfig $out

    ln -s ${config.system.build.etc}/etc $out/etc
    ln -s ${config.system.path} $out/sw
    ln -s "$systemd" $out/systemd

    echo -n "$configurationName" > $out/configuration-name
    echo -n "systemd ${toString config.systemd.package.interfaceVersion}" > $out/init-interface-version
    echo -n "$nixosVersion" > $out/nixos-version

    mkdir $out/fine-tune
    childCount=0
    for i in $children; do
      childCount=$(( childCount + 1 ))
      ln -s $i $out/fine-tune/child-$childCount
    done

    mkdir $out/bin
    substituteAll ${./switch-to-configuration.pl} $out/bin/switch-to-configuration
    chmod +x $out/bin/switch-to-configuration

    ${config.system.extraSystemBuilderCmds}
  '';

  system = pkgs.stdenv.mkDerivation {
    name = "nixos-${config.system.nixosVersion}";
    preferLocalBuild = true;
    buildCommand = systemBuilder;

    inherit (pkgs) utillinux coreutils;
    systemd = config.systemd.package;

    inherit children;
    kernelParams = config.boot.kernelParams;
    installBootLoader =
      config.system.build.installBootLoader
        or "echo 'Warning: do not know how to make this configuration bootable; please enable a boot loader.' 1>&2; true";
    activationScript = config.system.activationScripts.script;
    nixosVersion = config.system.nixosVersion;
    configurationName = config.boot.loader.grub.configurationName;

    # For switch-to-configuration.
    perl = "${pkgs.perl}/bin/perl -I${pkgs.perlPackages.FileSlurp}/lib/perl5/site_perl";
  };
in
{
  options = {
    system.build = mkOption {
      internal = true;
      default = { };
      description = "The derivations that make up the system, by name (toplevel, etc, ...).";
    };

    nesting.children = mkOption {
      default = [ ];
      description = "Further configurations to build alongside this one, from the base modules.";
    };

    nesting.clone = mkOption {
      default = [ ];
      description = ''
        Further configurations to build alongside this one, each starting from this
        configuration's own modules (whose definitions it can then override).
      '';
    };

    system.boot.loader.id = mkOption {
      internal = true;
      default = "";
      description = "The name of the boot loader in use.";
    };

    system.boot.loader.kernelFile = mkOption {
      internal = true;
      default = pkgs.stdenv.platform.kernelTarget;
      type = types.str;
      description = "The file in the kernel package that the boot loader loads.";
    };

    system.copySystemConfiguration = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Whether to copy the file named by $NIXOS_CONFIG (by default
        /etc/nixos/configuration.nix) into the system's store path.
      '';
    };

    system.extraSystemBuilderCmds = mkOption {
      type = types.lines;
      internal = true;
      default = "";
      description = "Shell commands appended to the builder of the top level.";
    };
  };

  config = {
    system.extraSystemBuilderCmds =
      let fromEnv = builtins.getEnv "NIXOS_CONFIG"; in
      optionalString config.system.copySystemConfiguration
        "cp ${if fromEnv != "" then fromEnv else "/etc/nixos/configuration.nix"} $out";

    system.build.toplevel = system;
  };
}
