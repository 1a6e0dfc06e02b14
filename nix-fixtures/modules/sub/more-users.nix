{ lib, ... }:
{
  # A second module adds sub-options to the same submodule.
  options.users = lib.mkOption {
    type = lib.types.attrsOf (lib.types.submodule {
      options.shell = lib.mkOption { type = lib.types.str; default = "/bin/sh"; };
    });
  };
  config.users.alice.groups = [ "wheel" ];
}
