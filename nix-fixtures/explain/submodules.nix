# `ntop explain` fixtures: options inside submodules — an entry of an `attrsOf (submodule …)`
# option (users.users.<name>, systemd.services.<name>) defined by two modules, with
# properties inside the entries (mkForce, mkIf, mkBefore, mkOrder).
{ lib, ... }:
{
  imports = [ ./submodules-more.nix ];
  users.users.bob = {
    uid = lib.mkForce 1234;
    description = "Bob";
  };
  users.users.alice.uid = 1001;
  systemd.services.hello = {
    script = lib.mkBefore "echo first";
    path = lib.mkOrder 700 [ ];
  };
}
