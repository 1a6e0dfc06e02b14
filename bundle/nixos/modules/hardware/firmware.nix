# Firmware for the kernel to load, gathered into one lib/firmware tree.
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkOption types;
in
{
  options = {
    hardware.firmware = mkOption {
      type = types.listOf types.package;
      default = [ ];
      description = ''
        Packages providing firmware under lib/firmware. The option's value, once applied, is
        a single derivation linking all of them; the top level links it as `firmware`.
      '';
      apply = list: pkgs.buildEnv {
        name = "firmware";
        paths = list;
        pathsToLink = [ "/lib/firmware" ];
        ignoreCollisions = true;
      };
    };
  };
}
