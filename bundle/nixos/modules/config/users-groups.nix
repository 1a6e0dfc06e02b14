# User accounts: `users.users.<name>` (and its older spelling `users.extraUsers.<name>`, whose
# definitions are passed on unchanged). Activation creates missing users, groups and homes;
# each user's SSH keys become /etc/ssh/authorized_keys.d/<name>.
{ config, options, lib, pkgs, ... }:

let
  inherit (lib) mkOption types;

  userOptions = { name, config, ... }: {
    options = {
      name = mkOption {
        type = types.str;
        default = name;
        description = "The login name; by default the attribute name.";
      };
      uid = mkOption {
        type = types.nullOr types.int;
        default = null;
        description = "The numeric user id; null lets activation pick a free one.";
      };
      group = mkOption {
        type = types.str;
        default = "nogroup";
        description = "The user's primary group.";
      };
      extraGroups = mkOption {
        type = types.listOf types.str;
        default = [ ];
        description = "Further groups the user is a member of.";
      };
      description = mkOption {
        type = types.str;
        default = "";
        description = "A longer name (the GECOS field).";
      };
      home = mkOption {
        type = types.str;
        default = "/var/empty";
        description = "The user's home directory.";
      };
      createHome = mkOption {
        type = types.bool;
        default = false;
        description = "Whether activation creates the home directory if it is missing.";
      };
      shell = mkOption {
        type = types.str;
        default = "/run/current-system/sw/bin/bash";
        description = "The user's login shell.";
      };
      openssh.authorizedKeys.keys = mkOption {
        type = types.listOf types.str;
        default = [ ];
        description = "Public SSH keys that may log in as this user.";
      };
      openssh.authorizedKeys.keyFiles = mkOption {
        type = types.listOf types.path;
        default = [ ];
        description = "Files of public SSH keys that may log in as this user.";
      };
    };
  };

  groupOptions = { name, ... }: {
    options = {
      name = mkOption {
        type = types.str;
        default = name;
        description = "The group's name; by default the attribute name.";
      };
      gid = mkOption {
        type = types.nullOr types.int;
        default = null;
        description = "The numeric group id; null lets activation pick a free one.";
      };
    };
  };

  users = lib.attrValues config.users.users;

  # One line per user for the activation script: name, uid (or -), group, home, createHome,
  # shell and description, separated by colons as in /etc/passwd.
  userLine = user: lib.concatStringsSep ":" [
    user.name
    (if user.uid == null then "-" else toString user.uid)
    user.group
    user.home
    (if user.createHome then "1" else "0")
    user.shell
    user.description
  ];

  groupLine = group: "${group.name}:${if group.gid == null then "-" else toString group.gid}";

  keysFile = user: pkgs.writeText "authorized-keys-${user.name}"
    (lib.concatMapStrings (key: key + "\n") user.openssh.authorizedKeys.keys
      + lib.concatMapStrings (file: builtins.readFile file) user.openssh.authorizedKeys.keyFiles);

  usersWithKeys = lib.filter
    (user: user.openssh.authorizedKeys.keys != [ ] || user.openssh.authorizedKeys.keyFiles != [ ])
    users;
in
{
  options = {
    users.users = mkOption {
      type = types.attrsOf (types.submodule userOptions);
      default = { };
      description = "User accounts, by login name.";
    };

    users.extraUsers = mkOption {
      type = types.attrsOf (types.submodule userOptions);
      default = { };
      description = "The older name of users.users; its definitions are users.users definitions.";
    };

    users.groups = mkOption {
      type = types.attrsOf (types.submodule groupOptions);
      default = { };
      description = "Groups, by name.";
    };

    users.extraGroups = mkOption {
      type = types.attrsOf (types.submodule groupOptions);
      default = { };
      description = "The older name of users.groups; its definitions are users.groups definitions.";
    };
  };

  config = lib.mkMerge [
    {
      users.users = lib.mkMerge options.users.extraUsers.definitions;
      users.groups = lib.mkMerge options.users.extraGroups.definitions;
    }
    {
      users.users.root = {
        uid = 0;
        group = "root";
        home = "/root";
        createHome = true;
        description = "System administrator";
      };
      users.users.nobody = {
        uid = 65534;
        group = "nogroup";
        description = "Unprivileged account";
      };
      users.groups.root.gid = 0;
      users.groups.nogroup.gid = 65534;
      users.groups.wheel.gid = 1;

      environment.etc = lib.listToAttrs (map
        (user: {
          name = "ssh/authorized_keys.d/${user.name}";
          value = { source = keysFile user; mode = "0444"; };
        })
        usersWithKeys);

      system.activationScripts.users = {
        deps = [ "var" ];
        text = ''
          # Create the groups and users that do not exist yet; never delete any.
          echo "updating users and groups..."
          touch /etc/group /etc/passwd
          while IFS=: read -r name gid; do
              grep -q "^$name:" /etc/group && continue
              if [ "$gid" = - ]; then
                  gid=$(( $(cut -d: -f3 /etc/group | sort -n | tail -n 1) + 1 ))
              fi
              echo "$name:x:$gid:" >> /etc/group
          done <<'GROUPS'
          ${lib.concatMapStringsSep "\n" groupLine (lib.attrValues config.users.groups)}
          GROUPS
          while IFS=: read -r name uid group home createHome shell description; do
              if ! grep -q "^$name:" /etc/passwd; then
                  if [ "$uid" = - ]; then
                      uid=$(( $(cut -d: -f3 /etc/passwd | sort -n | grep -v '^65534$' | tail -n 1) + 1 ))
                  fi
                  gid=$(grep "^$group:" /etc/group | cut -d: -f3)
                  echo "$name:x:$uid:''${gid:-65534}:$description:$home:$shell" >> /etc/passwd
              fi
              if [ "$createHome" = 1 ] && [ ! -d "$home" ]; then
                  mkdir -p "$home"
                  chown "$name" "$home"
                  chmod 0700 "$home"
              fi
          done <<'USERS'
          ${lib.concatMapStringsSep "\n" userLine users}
          USERS
        '';
      };
    }
  ];
}
