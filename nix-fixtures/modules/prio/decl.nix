{ lib, ... }:
{
  options.plain = lib.mkOption { type = lib.types.int; default = 1; };
  options.viaDefault = lib.mkOption { type = lib.types.int; default = 1; };
  options.forced = lib.mkOption { type = lib.types.int; };
  options.custom = lib.mkOption { type = lib.types.str; };
  options.onlyDefault = lib.mkOption { type = lib.types.int; default = 7; };
  options.optionDefault = lib.mkOption { type = lib.types.int; };
}
