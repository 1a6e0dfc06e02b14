# examples/machine-with-children.nix: a machine with a kernel, one child and one clone. The
# children are evaluated by top-level.nix for builtins.currentSystem (as in the seed), so these
# facts hold for an x86_64-linux evaluator.
let
  eval = import ./support/eval.nix { modules = [ ../../examples/machine-with-children.nix ]; };
  inherit (import ./support/facts.nix) drv;
  inherit (eval) config;
  toplevel = config.system.build.toplevel;
  child = c: drv c // { inherit (c) configurationName kernelParams children; };
in
{
  kernel = drv config.boot.kernelPackages.kernel;
  kernelParams = config.boot.kernelParams;
  firmware = drv config.hardware.firmware;
  initialRamdisk = drv config.system.build.initialRamdisk;
  configurationName = toplevel.configurationName;
  toplevel = drv toplevel;
  children = map child toplevel.children;
}
