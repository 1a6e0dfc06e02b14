{ ... }:
{
  networking.hostName = "alpha";
}
