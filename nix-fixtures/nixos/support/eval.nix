# Shared by the nixos fixtures; not a case itself. Evaluates modules through the bundled
# eval-config.nix for x86_64-linux, so that the facts do not depend on the evaluating host
# (except where a configuration builds children: top-level.nix evaluates those for
# builtins.currentSystem, as the seed does).
{ modules
, baseModules ? import ../../../bundle/nixos/modules/module-list.nix
}:

import ../../../bundle/nixos/lib/eval-config.nix {
  system = "x86_64-linux";
  inherit modules baseModules;
}
