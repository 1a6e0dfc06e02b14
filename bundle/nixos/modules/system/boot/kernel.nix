# The kernel a machine boots, its command line, and the tree of its modules.
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkOption types;
in
{
  options = {
    boot.kernelPackages = mkOption {
      type = types.unspecified;
      default = pkgs.linuxPackages;
      description = ''
        The kernel and the packages built against it, as an attribute set with at least
        `kernel`. The top level links `kernel.''${system.boot.loader.kernelFile}` as `kernel`.
      '';
    };

    boot.kernelParams = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "console=ttyS0,115200" ];
      description = "Parameters added to the kernel's command line (the top level's kernel-params).";
    };

    boot.extraModulePackages = mkOption {
      type = types.listOf types.package;
      default = [ ];
      description = "Packages with out-of-tree kernel modules under lib/modules.";
    };

    system.modulesTree = mkOption {
      type = types.listOf types.package;
      internal = true;
      description = ''
        The packages whose lib/modules make up the kernel's module tree. Its applied value is
        one derivation joining them, which the top level links as `kernel-modules`.
      '';
      apply = pkgs.aggregateModules;
    };
  };

  config = {
    system.modulesTree = [ config.boot.kernelPackages.kernel ] ++ config.boot.extraModulePackages;
  };
}
