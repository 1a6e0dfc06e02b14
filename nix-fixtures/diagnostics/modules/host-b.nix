{ lib, ... }:
{
  config = lib.mkIf true {
    networking.hostName = "beta";
  };
}
