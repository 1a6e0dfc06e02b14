{ lib, ... }:
{
  plain = 2;
  viaDefault = lib.mkDefault 3;
  forced = lib.mkForce 10;
  custom = lib.mkOverride 20 "twenty";
  optionDefault = lib.mkOptionDefault 5;
}
