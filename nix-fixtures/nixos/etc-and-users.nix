# environment.etc entries given by text or by source, with their own target or mode, and the
# users.extraUsers spelling feeding users.users (with users.users definitions of the same user).
let
  eval = import ./support/eval.nix {
    modules = [
      ({ pkgs, ... }: {
        environment.etc."issue".text = "Welcome to ntop's mini-NixOS\n";
        environment.etc.hosts = {
          text = "127.0.0.1 localhost\n";
          mode = "0644";
        };
        environment.etc.resolver = {
          source = pkgs.writeText "resolv.conf" "nameserver 10.0.0.1\n";
          target = "resolv.conf";
        };
        environment.etc.disabled = { text = "never installed"; enable = false; };

        users.extraUsers.bob = {
          uid = 1001;
          openssh.authorizedKeys.keys = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINtopExampleKeyNotARealKeyBob bob@example" ];
        };
        users.users.bob.home = "/home/bob";
        users.users.carol = { uid = 1002; createHome = true; home = "/home/carol"; };
        users.extraGroups.staff.gid = 50;
      })
    ];
  };
  inherit (import ./support/facts.nix) drv;
  inherit (eval) config;
in
{
  etc = builtins.mapAttrs
    (_: entry: { inherit (entry) enable target mode text; source = "${entry.source}"; })
    config.environment.etc;
  users = builtins.mapAttrs
    (_: user: {
      inherit (user) name uid group home createHome shell description;
      keys = user.openssh.authorizedKeys.keys;
    })
    config.users.users;
  extraUsers = builtins.attrNames config.users.extraUsers;
  groups = builtins.mapAttrs (_: group: group.gid) config.users.groups;
  etcTree = drv config.system.build.etc;
}
