{ lib, ... }:
{
  options.services.web.port = lib.mkOption { type = lib.types.port; default = 80; };
  options.services.web.hosts = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
  options.warnings = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
  options.assertions = lib.mkOption { type = lib.types.listOf lib.types.attrs; default = [ ]; };
}
