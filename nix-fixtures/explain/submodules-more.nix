{ lib, ... }:
{
  users.users.bob.uid = 1000;
  systemd.services.hello.script = lib.mkIf true "echo second";
  systemd.services.hello.wantedBy = lib.mkIf false [ "multi-user.target" ];
}
