# The NixOS version this configuration calls itself.
{ config, lib, ... }:

let
  inherit (lib) mkOption types;
in
{
  options = {
    system.nixosRelease = mkOption {
      type = types.str;
      default = "13.12";
      description = "The release (YY.MM) of the NixOS this configuration is built from.";
    };

    system.nixosVersionSuffix = mkOption {
      type = types.str;
      default = "pre-ntop";
      description = "Appended to the release to form the version, e.g. a revision.";
    };

    system.nixosVersion = mkOption {
      type = types.str;
      description = "The full version: the release followed by the suffix.";
    };
  };

  config = {
    system.nixosVersion = lib.mkDefault (config.system.nixosRelease + config.system.nixosVersionSuffix);
  };
}
