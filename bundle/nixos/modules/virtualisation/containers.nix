# Lightweight NixOS containers: `systemd.containers.<name>` runs a NixOS system in a container
# sharing the host's kernel and Nix store, as the host service container-<name>.service.
#
# A container's system is either given as `config`, a NixOS module that is evaluated here with
# `boot.isContainer = true`, or as `path`, an existing system (for instance a profile such as
# /nix/var/nix/profiles/containers/<name>, managed apart from the host). Its root file system
# is `root`, /var/lib/containers/<name> unless set.
#
# `boot.isContainer` itself lives here too: it tells a configuration that it runs inside a
# container, so it needs no kernel, initrd or boot loader of its own.
{ config, lib, pkgs, baseModules, ... }:

let
  inherit (lib) mkOption mkIf types;

  # A NixOS module as an option value: all definitions are kept, as imports of one module.
  moduleType = lib.mkOptionType {
    name = "nixos-module";
    description = "NixOS module";
    check = x: builtins.isAttrs x || builtins.isFunction x || builtins.isPath x;
    merge = loc: defs: {
      imports = map (def: { _file = def.file; imports = [ def.value ]; }) defs;
    };
  };

  containerOptions = { name, config, ... }: {
    options = {
      config = mkOption {
        type = types.nullOr moduleType;
        default = null;
        example = { services.openssh.enable = true; };
        description = ''
          The container's NixOS configuration, as a module. When given, it is evaluated
          with `boot.isContainer = true` and its system becomes the default `path`.
        '';
      };

      path = mkOption {
        type = types.path;
        example = "/nix/var/nix/profiles/containers/webserver";
        description = ''
          The container's NixOS system: a system.build.toplevel, or the path of a profile
          holding one. Its `init` is what the container runs.
        '';
      };

      root = mkOption {
        type = types.str;
        default = "/var/lib/containers/${name}";
        description = "The directory on the host that is the container's root file system.";
      };
    };

    config = mkIf (config.config != null) {
      path = lib.mkDefault (import ../../lib/eval-config.nix {
        inherit baseModules lib pkgs;
        inherit (pkgs) system;
        prefix = [ "systemd" "containers" name ];
        modules = [
          { boot.isContainer = true; }
          config.config
        ];
      }).config.system.build.toplevel;
    };
  };

  containerService = name: container: {
    description = "Container '${name}'";
    wantedBy = [ "multi-user.target" ];
    after = [ "network.target" ];
    unitConfig.RequiresMountsFor = container.root;
    preStart = ''
      mkdir -p -m 0755 "${container.root}/etc" "${container.root}/var/lib"
      mkdir -p -m 0755 /nix/var/nix/profiles/per-container/${name}
      mkdir -p -m 0755 /nix/var/nix/gcroots/per-container/${name}
      touch "${container.root}/etc/os-release"
    '';
    serviceConfig = {
      ExecStart = lib.concatStringsSep " " [
        "${config.systemd.package}/bin/systemd-nspawn"
        "--machine=${name}"
        "--directory=${container.root}"
        "--bind-ro=/nix/store"
        "--bind-ro=/nix/var/nix/db"
        "--bind-ro=/nix/var/nix/daemon-socket"
        "--bind=/nix/var/nix/profiles/per-container/${name}:/nix/var/nix/profiles"
        "--bind=/nix/var/nix/gcroots/per-container/${name}:/nix/var/nix/gcroots"
        "--setenv=container=systemd-nspawn"
        "${container.path}/init"
      ];
      KillMode = "mixed";
      Type = "notify";
      Delegate = true;
    };
  };
in
{
  options = {
    boot.isContainer = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Whether this configuration runs as a container: then it has no kernel, initrd or
        boot loader of its own and its top level boots straight into stage 2.
      '';
    };

    systemd.containers = mkOption {
      type = types.attrsOf (types.submodule containerOptions);
      default = { };
      example = {
        web.config = { services.openssh.enable = true; services.openssh.ports = [ 2022 ]; };
      };
      description = "Lightweight NixOS containers, by name; each is the service container-<name>.";
    };
  };

  config = {
    systemd.services = lib.mapAttrs'
      (name: container: lib.nameValuePair "container-${name}" (containerService name container))
      config.systemd.containers;
  };
}
