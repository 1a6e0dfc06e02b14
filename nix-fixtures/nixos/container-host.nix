# examples/container-host.nix, the README's example: a host with sshd, a user with a key, the
# container `web` defined in place (sshd on port 2022) and the container `db` given by path.
let
  eval = import ./support/eval.nix { modules = [ ../../examples/container-host.nix ]; };
  inherit (import ./support/facts.nix) drv;
  inherit (eval) config;
  web = config.systemd.containers.web;
in
{
  sshPorts = config.services.openssh.ports;
  users = builtins.mapAttrs
    (_: user: {
      inherit (user) uid group home createHome shell;
      keys = user.openssh.authorizedKeys.keys;
    })
    config.users.users;
  etc = builtins.mapAttrs (_: entry: { inherit (entry) target mode; }) config.environment.etc;
  units = builtins.attrNames config.systemd.units;
  containerUnits = {
    web = config.systemd.units."container-web.service".text;
    db = config.systemd.units."container-db.service".text;
  };
  sshdUnit = config.systemd.units."sshd.service".text;
  sshdConfig = config.environment.etc."ssh/sshd_config".text;

  containers = {
    web = {
      inherit (web) root;
      path = drv web.path;
    };
    db = {
      inherit (config.systemd.containers.db) root path;
    };
  };

  toplevel = drv config.system.build.toplevel;
  parts = {
    etc = drv config.system.build.etc;
    units = drv config.system.build.units;
    systemPath = drv config.system.path;
    installBootLoader = config.system.build.installBootLoader;
  };
}
