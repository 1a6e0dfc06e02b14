{ ... }:
{
  networking.hostname = "gamma";
}
