# <nixpkgs/nixos> (bundle/nixos/default.nix) with an explicit configuration: `system` is the
# top level, `config` the evaluated options.
let
  nixos = import ../../bundle/nixos/default.nix {
    configuration = ../../examples/container.nix;
    system = "x86_64-linux";
  };
  inherit (import ./support/facts.nix) drv;
in
{
  system = drv nixos.system;
  sameAsConfig = nixos.system.drvPath == nixos.config.system.build.toplevel.drvPath;
  pkgsLibIsLib = nixos.pkgs.lib ? evalModules;
  sshPorts = nixos.config.services.openssh.ports;
}
