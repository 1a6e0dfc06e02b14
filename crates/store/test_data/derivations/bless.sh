#!/usr/bin/env bash
# Regenerates the derivation fixtures with the reference Nix (2.8.0):
#   <case>.path  the .drv path `nix-instantiate <case>.nix` prints
#   <case>.json  `nix show-derivation <path>`
#   depends.closure.json  `nix show-derivation --recursive` of depends.nix's .drv
#   store/       every .drv in the closures, byte for byte as Nix wrote it
set -euo pipefail
cd "$(dirname "$0")"
export NIX_CONFIG=$'substituters =\nsandbox = false\nexperimental-features = nix-command ca-derivations impure-derivations'
rm -rf store && mkdir store
for nix in *.nix; do
  case=${nix%.nix}
  drv=$(nix-instantiate "$nix" 2>/dev/null)
  echo "$drv" > "$case.path"
  nix show-derivation "$drv" > "$case.json"
  for dep in $(nix-store -qR "$drv"); do
    case $dep in *.drv) cp --no-preserve=mode "$dep" store/ ;; esac
  done
done
nix show-derivation --recursive "$(cat depends.path)" > depends.closure.json
