{ lib, ... }:
{
  imports = [ ./shared.nix ];
  options.log = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
  config.log = [ "base" ];
}
