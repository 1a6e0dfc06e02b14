{ lib, ... }:
{
  imports = [ ../shared.nix ];
  log = [ "c" ];
}
