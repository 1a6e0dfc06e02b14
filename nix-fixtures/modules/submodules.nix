let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    ./sub/users.nix
    ./sub/more-users.nix
    {
      users.alice = { uid = 1000; groups = [ "users" ]; };
      users.bob.name = "robert";
      users.carol = { config, ... }: { shell = "/bin/${config.name}sh"; };
      mounts = [ { where = "/"; } { where = "/boot"; label = "boot"; } ];
      main.port = 8080;
    }
    { users.alice.groups = lib.mkBefore [ "first" ]; mounts = [ { where = "/nix"; } ]; }
  ];
}).config
