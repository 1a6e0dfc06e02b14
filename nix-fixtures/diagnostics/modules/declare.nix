{ lib, ... }:
{
  options.networking.hostName = lib.mkOption {
    type = lib.types.str;
    default = "nixos";
  };
  options.networking.port = lib.mkOption { type = lib.types.port; };
}
