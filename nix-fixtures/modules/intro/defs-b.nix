{ lib, ... }:
{
  list = lib.mkMerge [ [ 2 ] (lib.mkIf false [ 3 ]) ];
  forced = "plain";
  group.inner = lib.mkDefault { y = 2; };
}
