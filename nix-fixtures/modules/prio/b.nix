{ lib, ... }:
{
  viaDefault = lib.mkDefault 3;
  forced = 11;
  custom = lib.mkOverride 30 "thirty";
}
