# The system profile: every package of `environment.systemPackages` merged into one tree of
# symlinks, `system.path`, which the top level links as `sw` (/run/current-system/sw).
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkOption types;

  # What every system has, whatever its configuration says.
  requiredPackages = [ pkgs.bash pkgs.coreutils pkgs.utillinux pkgs.perl ];
in
{
  options = {
    environment.systemPackages = mkOption {
      type = types.listOf types.package;
      default = [ ];
      example = [ "pkgs.openssh" ];
      description = "Packages installed in the system profile, in addition to the required ones.";
    };

    environment.pathsToLink = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "/share/doc" ];
      description = "Directories of the packages, besides bin, sbin, lib and etc, to link.";
    };

    system.path = mkOption {
      type = types.package;
      internal = true;
      description = "The system profile, built from environment.systemPackages.";
    };
  };

  config = {
    environment.systemPackages = requiredPackages;

    system.path = pkgs.buildEnv {
      name = "system-path";
      paths = config.environment.systemPackages;
      pathsToLink = [ "/bin" "/sbin" "/lib" "/etc" ] ++ config.environment.pathsToLink;
      ignoreCollisions = true;
    };
  };
}
