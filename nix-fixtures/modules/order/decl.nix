{ lib, ... }:
{
  options.list = lib.mkOption { type = lib.types.listOf lib.types.int; default = [ ]; };
  options.text = lib.mkOption { type = lib.types.lines; default = ""; };
  options.csv = lib.mkOption { type = lib.types.commas; };
  options.env = lib.mkOption { type = lib.types.envVar; };
}
