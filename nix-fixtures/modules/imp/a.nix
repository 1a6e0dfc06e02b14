{
  imports = [ ./shared.nix ./deep/c.nix ];
  log = [ "a" ];
}
