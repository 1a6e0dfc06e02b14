{ lib, ... }:
{
  services.openssh.ports = lib.mkMerge [
    (lib.mkIf false [ 23 ])
    (lib.mkIf (1 + 1 == 2) [ 2023 ])
  ];
}
