{ config, lib, ... }:
{
  # The condition reads config, which is only possible because mkIf is pushed down.
  config = lib.mkIf config.enable {
    items = [ "enabled" ];
    nested.a = 1;
  };
}
