{ lib, ... }:
{
  options.enable = lib.mkOption { type = lib.types.bool; default = false; };
  options.other = lib.mkOption { type = lib.types.bool; default = true; };
  options.items = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
  options.name = lib.mkOption { type = lib.types.str; default = "none"; };
  options.nested.a = lib.mkOption { type = lib.types.int; default = 0; };
  options.nested.b = lib.mkOption { type = lib.types.int; default = 0; };
}
