# /etc: `environment.etc` names files by their path below /etc; `system.build.etc` is the tree
# of all of them, which the top level links as `etc` and activation installs into /etc.
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkOption types;

  entryType = types.submodule ({ name, config, ... }: {
    options = {
      enable = mkOption {
        type = types.bool;
        default = true;
        description = "Whether this file goes into /etc.";
      };
      target = mkOption {
        type = types.str;
        default = name;
        description = "The path below /etc; by default the attribute name.";
      };
      text = mkOption {
        type = types.nullOr types.lines;
        default = null;
        description = "The file's contents, if `source` is not given.";
      };
      source = mkOption {
        type = types.path;
        description = "The file (or directory) installed at the target.";
      };
      mode = mkOption {
        type = types.str;
        default = "symlink";
        example = "0600";
        description = ''
          "symlink" to link the source into place, or an octal mode to copy it with.
        '';
      };
    };

    config = {
      source = lib.mkIf (config.text != null) (lib.mkDefault (pkgs.writeText
        ("etc-" + baseNameOf config.target)
        config.text));
    };
  });

  entries = lib.filter (entry: entry.enable) (lib.attrValues config.environment.etc);

  # Targets and sources must not contain white space: the builder splits the lists on it.
  checkWord = what: word:
    if builtins.match "[^[:space:]]+" word == null
    then throw "environment.etc: the ${what} '${word}' contains white space"
    else word;

  etc = pkgs.stdenv.mkDerivation {
    name = "etc";
    preferLocalBuild = true;
    makeEtc = ./make-etc.sh;
    buildCommand = ''source "$makeEtc"'';
    sources = map (entry: checkWord "source" "${entry.source}") entries;
    targets = map (entry: checkWord "target" entry.target) entries;
    modes = map (entry: entry.mode) entries;
  };
in
{
  options = {
    environment.etc = mkOption {
      type = types.attrsOf entryType;
      default = { };
      example = {
        "hosts".text = "127.0.0.1 localhost";
        "ssh/ssh_config".source = "/nix/store/...-ssh_config";
      };
      description = ''
        Files in /etc, by their path below /etc. Each has `text` or `source`, optionally a
        `target` other than its name and a `mode` ("symlink" or an octal mode to copy with).
      '';
    };
  };

  config = {
    system.build.etc = etc;

    system.activationScripts.etc = {
      deps = [ "var" ];
      text = ''
        # Link the configuration's files into /etc; copy those with a .mode beside them.
        echo "setting up /etc..."
        etcTree=${etc}/etc
        (cd "$etcTree" && find . -mindepth 1 ! -type d ! -name '*.mode') | while read -r entry; do
            entry="''${entry#./}"
            mkdir -p "/etc/$(dirname "$entry")"
            if [ -f "$etcTree/$entry.mode" ]; then
                cp "$etcTree/$entry" "/etc/$entry.tmp"
                chmod "$(cat "$etcTree/$entry.mode")" "/etc/$entry.tmp"
                mv -f "/etc/$entry.tmp" "/etc/$entry"
            else
                ln -sfn "$etcTree/$entry" "/etc/$entry"
            fi
        done
        ln -sfn "$etcTree" /etc/static
      '';
    };
  };
}
