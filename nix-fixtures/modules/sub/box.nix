{ lib, greeting, name, ... }:
{
  options.size = lib.mkOption { type = lib.types.int; default = 1; };
  options.text = lib.mkOption { type = lib.types.str; default = greeting; };
  options.myName = lib.mkOption { type = lib.types.str; default = name; };
}
