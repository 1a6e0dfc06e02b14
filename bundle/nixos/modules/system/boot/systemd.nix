# systemd: services described as options, rendered into unit files, installed as the
# /etc/systemd/system tree. `systemd.package` is the systemd the top level links as `systemd`.
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkOption mkIf types;

  cfg = config.systemd;

  # A value in a unit file: text, a number, a boolean, or a list (one line per element).
  unitValue = types.either (types.either types.str types.int)
    (types.either types.bool (types.listOf types.str));

  renderValue = value:
    if builtins.isBool value then (if value then "true" else "false") else toString value;

  # One "Key=value" line per value; a list gives the key once per element.
  renderEntries = attrs: lib.concatStrings (lib.mapAttrsToList
    (key: value: lib.concatMapStrings (v: "${key}=${renderValue v}\n")
      (if builtins.isList value then value else [ value ]))
    attrs);

  # A section; `first` holds the entries that come before the rest, in the order given.
  renderSection = section: first: attrs:
    "[${section}]\n"
    + lib.concatMapStrings (key: renderEntries { ${key} = attrs.${key}; })
      (lib.filter (key: attrs ? ${key}) first)
    + renderEntries (removeAttrs attrs first);

  unitOptions = {
    description = mkOption {
      type = types.str;
      default = "";
      description = "The unit's Description=.";
    };
    wantedBy = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "Units (usually targets) that want this one.";
    };
    requiredBy = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "Units that require this one.";
    };
    wants = mkOption { type = types.listOf types.str; default = [ ]; description = "Wants=."; };
    requires = mkOption { type = types.listOf types.str; default = [ ]; description = "Requires=."; };
    after = mkOption { type = types.listOf types.str; default = [ ]; description = "After=."; };
    before = mkOption { type = types.listOf types.str; default = [ ]; description = "Before=."; };
    unitConfig = mkOption {
      type = types.attrsOf unitValue;
      default = { };
      description = "Further entries of the [Unit] section.";
    };
  };

  serviceOptions = { name, config, ... }: {
    options = unitOptions // {
      enable = mkOption {
        type = types.bool;
        default = true;
        description = "Whether the service's unit is installed.";
      };
      path = mkOption {
        type = types.listOf types.package;
        default = [ ];
        description = "Packages whose bin and sbin directories make up the service's PATH.";
      };
      environment = mkOption {
        type = types.attrsOf types.str;
        default = { };
        description = "Environment variables of the service's processes.";
      };
      script = mkOption {
        type = types.lines;
        default = "";
        description = "Shell commands run as the service's main process (ExecStart).";
      };
      preStart = mkOption {
        type = types.lines;
        default = "";
        description = "Shell commands run before the main process (ExecStartPre).";
      };
      postStart = mkOption {
        type = types.lines;
        default = "";
        description = "Shell commands run after the main process has started (ExecStartPost).";
      };
      serviceConfig = mkOption {
        type = types.attrsOf unitValue;
        default = { };
        description = "Entries of the [Service] section (ExecStart, Restart, ...).";
      };
    };

    config = {
      environment.PATH = lib.mkDefault (lib.concatMapStringsSep ":"
        (p: "${p}/bin:${p}/sbin")
        (lib.unique (config.path ++ [ pkgs.coreutils pkgs.bash ])));
      serviceConfig = lib.mkMerge [
        (mkIf (config.script != "") { ExecStart = shellScript "${name}-start" config.script; })
        (mkIf (config.preStart != "") { ExecStartPre = shellScript "${name}-pre-start" config.preStart; })
        (mkIf (config.postStart != "") { ExecStartPost = shellScript "${name}-post-start" config.postStart; })
      ];
    };
  };

  unitFileOptions = { name, config, ... }: {
    options = {
      enable = mkOption {
        type = types.bool;
        default = true;
        description = "Whether the unit is installed.";
      };
      text = mkOption {
        type = types.lines;
        description = "The unit file.";
      };
      wantedBy = mkOption {
        type = types.listOf types.str;
        default = [ ];
        description = "Units that want this one (links in <target>.wants).";
      };
      requiredBy = mkOption {
        type = types.listOf types.str;
        default = [ ];
        description = "Units that require this one (links in <target>.requires).";
      };
      unit = mkOption {
        type = types.package;
        internal = true;
        description = "The unit file as a store path.";
      };
    };
    config.unit = lib.mkDefault (pkgs.writeText "unit-${name}" config.text);
  };

  shellScript = name: text: "${pkgs.writeScript "unit-script-${name}" ''
    #! ${pkgs.bash}/bin/bash -e
    ${text}
  ''}";

  serviceText = name: service:
    let
      unitSection = {
        Description = service.description;
      }
      // lib.optionalAttrs (service.wants != [ ]) { Wants = toString service.wants; }
      // lib.optionalAttrs (service.requires != [ ]) { Requires = toString service.requires; }
      // lib.optionalAttrs (service.after != [ ]) { After = toString service.after; }
      // lib.optionalAttrs (service.before != [ ]) { Before = toString service.before; }
      // service.unitConfig;
      environment = lib.mapAttrsToList (key: value: "\"${key}=${value}\"") service.environment;
    in
    renderSection "Unit" [ "Description" ] unitSection
    + "\n"
    + renderSection "Service" [ "Environment" ] ({ Environment = environment; } // service.serviceConfig);

  targetText = description: ''
    [Unit]
    Description=${description}
  '';

  enabledUnits = lib.filterAttrs (_: unit: unit.enable) cfg.units;

  joinTargets = targets: if targets == [ ] then "-" else lib.concatStringsSep "," targets;

  units = pkgs.stdenv.mkDerivation {
    name = "system-units";
    preferLocalBuild = true;
    makeUnits = ./make-units.sh;
    buildCommand = ''source "$makeUnits"'';
    names = lib.attrNames enabledUnits;
    files = lib.mapAttrsToList (_: unit: unit.unit) enabledUnits;
    wantedBy = lib.mapAttrsToList (_: unit: joinTargets unit.wantedBy) enabledUnits;
    requiredBy = lib.mapAttrsToList (_: unit: joinTargets unit.requiredBy) enabledUnits;
  };
in
{
  options = {
    systemd.package = mkOption {
      type = types.package;
      default = pkgs.systemd;
      description = "The systemd package; its `interfaceVersion` goes to init-interface-version.";
    };

    systemd.services = mkOption {
      type = types.attrsOf (types.submodule serviceOptions);
      default = { };
      description = "Services, by name; each becomes the unit <name>.service.";
    };

    systemd.units = mkOption {
      type = types.attrsOf (types.submodule unitFileOptions);
      default = { };
      description = "Unit files by their full name (foo.service, bar.target).";
    };
  };

  config = {
    systemd.units =
      {
        "multi-user.target".text = targetText "Multi-User System";
        "network.target".text = targetText "Network";
      }
      // lib.mapAttrs'
        (name: service: lib.nameValuePair "${name}.service" {
          inherit (service) enable wantedBy requiredBy;
          text = serviceText name service;
        })
        cfg.services;

    system.build.units = units;

    environment.etc."systemd/system".source = units;
  };
}
