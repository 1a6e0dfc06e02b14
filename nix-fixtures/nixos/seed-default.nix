# The seed (shared/seed/top-level.nix, found as <seed/top-level.nix>: run with
# `-I seed=<dir of the seed>`) standing in for the bundled top-level.nix, which is disabled, in
# an otherwise empty configuration: what `ntop eval top-level.nix -A system.build.toplevel`
# evaluates in the seed's directory.
let
  eval = import ./support/eval.nix {
    modules = [
      <seed/top-level.nix>
      { disabledModules = [ "system/activation/top-level.nix" ]; }
    ];
  };
  inherit (import ./support/facts.nix) drv;
  toplevel = eval.config.system.build.toplevel;
in
{
  toplevel = drv toplevel;
  # The seed passes no kernelParams to its builder; ours does.
  passesKernelParams = toplevel ? kernelParams;
}
