{ lib, ... }:
{
  options.list = lib.mkOption { type = lib.types.listOf lib.types.int; default = [ 0 ]; description = "A list."; };
  options.forced = lib.mkOption { type = lib.types.str; default = "d"; };
  options.untouched = lib.mkOption { type = lib.types.nullOr lib.types.str; default = null; };
  options.group.inner = lib.mkOption { type = lib.types.attrsOf lib.types.int; };
}
