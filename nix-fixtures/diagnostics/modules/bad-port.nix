{ ... }:
{
  networking.port = "eighty";
}
