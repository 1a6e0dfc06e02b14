{ lib, config, pkgs, flavour, ... }:
{
  options.out = lib.mkOption { type = lib.types.attrs; };
  config.out = { inherit flavour; pkg = pkgs.hello; };
}
