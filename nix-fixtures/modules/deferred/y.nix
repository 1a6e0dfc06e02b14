{ lib, ... }:
{
  options.y = lib.mkOption { type = lib.types.str; default = "from a file"; };
}
