{ lib, ... }:
{
  list = [ 1 ];
  forced = lib.mkForce "forced";
  group.inner.x = 1;
}
