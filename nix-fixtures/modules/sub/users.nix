{ lib, config, ... }:
let
  inherit (lib) types mkOption;
in
{
  options.users = mkOption {
    default = { };
    type = types.attrsOf (types.submodule ({ name, config, ... }: {
      options = {
        name = mkOption { type = types.str; default = name; };
        home = mkOption { type = types.str; default = "/home/${config.name}"; };
        groups = mkOption { type = types.listOf types.str; default = [ ]; };
        uid = mkOption { type = types.nullOr types.int; default = null; };
      };
    }));
  };
  options.mounts = mkOption {
    default = [ ];
    type = types.listOf (types.submodule ({ name, ... }: {
      options.where = mkOption { type = types.str; };
      options.label = mkOption { type = types.str; default = name; };
    }));
  };
  options.main = mkOption {
    type = types.submodule {
      options.host = mkOption { type = types.str; default = "localhost"; };
      options.port = mkOption { type = types.port; default = 80; };
    };
    default = { };
  };
  options.summary = mkOption { type = types.str; };
  config.summary = lib.concatStringsSep "," (lib.mapAttrsToList (n: u: "${n}:${u.home}") config.users);
}
