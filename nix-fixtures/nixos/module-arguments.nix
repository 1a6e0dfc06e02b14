# The module arguments eval-config.nix provides: pkgs (whose lib is the lib of the evaluation: same names),
# modules, baseModules and modulesPath, and extraArgs.
let
  probe = { config, lib, pkgs, modules, baseModules, modulesPath, greeting, ... }: {
    options.probe = lib.mkOption { type = lib.types.unspecified; };
    config.probe = {
      pkgsLibHasLibNames = builtins.attrNames pkgs.lib == builtins.attrNames lib;
      moduleCount = builtins.length modules;
      baseModuleCount = builtins.length baseModules;
      baseModuleNames = map baseNameOf baseModules;
      modulesPathEnd = baseNameOf modulesPath;
      inherit greeting;
      system = pkgs.system;
    };
  };
  eval = import ../../bundle/nixos/lib/eval-config.nix {
    system = "x86_64-linux";
    modules = [ probe ];
    extraArgs.greeting = "hi";
  };
in
eval.config.probe
