#!/usr/bin/env bash
# Builds the same derivations with the reference Nix (nix-build) and with `ntop build`, and
# compares the output trees: file types, modes, contents and symlink targets.
# Not a test: needs Nix 2.8 installed (it writes to the host /nix/store). Usage:
#   scripts/diff-build.sh [FILE.nix]      (default: a built-in set of derivations)
#   scripts/diff-build.sh --nixos EXAMPLE  (a mini-NixOS configuration, e.g. examples/container-host.nix:
#                                           nix-build of its top level against `ntop build`, and
#                                           every path of the closure compared)
set -euo pipefail
cd "$(dirname "$0")/.."
export NIX_CONFIG=$'substituters =\nsandbox = false'
command -v nix-build >/dev/null || { echo "nix-build not found; skipping" >&2; exit 0; }
cargo build -q -p ntop-cli
NTOP="${CARGO_TARGET_DIR:-target}/debug/ntop"
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
file="${1:-$work/cases.nix}"
if [ -z "${1:-}" ]; then
  cat > "$file" <<'NIX'
let
  sh = args: name: extra: derivation ({
    inherit name; system = builtins.currentSystem; builder = "/bin/sh";
    args = [ "-c" args ]; PATH = "/bin:/usr/bin";
  } // extra);
  tree = sh ''
    mkdir -p $out/bin $out/share/doc $out/empty
    printf '#!/bin/sh\necho hi\n' > $out/bin/hi; chmod 755 $out/bin/hi
    echo doc > $out/share/doc/README; chmod 600 $out/share/doc/README
    ln -s ../share/doc/README $out/bin/readme; ln -s /nonexistent $out/dangling
    chmod 775 $out/bin/hi; chmod 777 $out/empty
  '' "tree" {};
in {
  inherit tree;
  dependent = sh ''mkdir $out; ln -s ${tree}/bin/hi $out/hi; cat ${tree}/share/doc/README > $out/copy'' "dependent" {};
  multi = sh ''mkdir $out $dev; echo $out > $dev/out-path; echo lib > $out/lib'' "multi" { outputs = [ "out" "dev" ]; };
  passAsFile = sh ''cp $textPath $out'' "paf" { text = "passed as a file\n"; passAsFile = [ "text" ]; };
  fixed = sh ''printf hello > $out'' "fixed" { outputHashMode = "flat"; outputHashAlgo = "sha256"; outputHash = builtins.hashString "sha256" "hello"; };
  single-file = sh ''echo single > $out; chmod 755 $out'' "single-file" {};
}
NIX
fi
listing() { # a canonical description of a tree
  (cd "$1" && find . -printf '%y %m %p -> %l\n' | LC_ALL=C sort; \
   find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum)
}
status=0
if [ "${1:-}" = --nixos ]; then
  example="$2"
  nix_out=$(nix-build --no-out-link -E "(import ./bundle/nixos/lib/eval-config.nix { modules = [ ./$example ]; }).config.system.build.toplevel" 2>/dev/null)
  ntop_out=$("$NTOP" build "$example" --store "$work/store" --no-out-link 2>"$work/err") || { cat "$work/err" >&2; exit 1; }
  if [ "$nix_out" != "$ntop_out" ]; then echo "DIFF top level: nix $nix_out, ntop $ntop_out"; exit 1; fi
  count=0
  for phys in "$work"/store/store/*; do
    name=$(basename "$phys")
    case "$name" in *.drv|.*) continue ;; esac
    ref="/nix/store/$name"
    [ -e "$ref" ] || [ -L "$ref" ] || { echo "MISSING in nix's store: $ref"; status=1; continue; }
    if [ -d "$ref" ]; then a=$(listing "$ref"); b=$(listing "$phys"); else
      a=$(stat -c '%F %a' "$ref"; sha256sum < "$ref"); b=$(stat -c '%F %a' "$phys"; sha256sum < "$phys"); fi
    if [ "$a" == "$b" ]; then count=$((count + 1)); else echo "DIFF $name"; diff <(echo "$a") <(echo "$b") || true; status=1; fi
  done
  echo "$example: top level $ntop_out; $count store paths identical to nix-build's"
  exit $status
fi
for attr in $(nix-instantiate --eval --json -E "builtins.attrNames (import $file)" | tr -d '[]"' | tr , ' '); do
  nix_outs=$(nix-build "$file" -A "$attr" --no-out-link 2>/dev/null) || { echo "nix-build failed for $attr" >&2; status=1; continue; }
  ntop_outs=$("$NTOP" build "$file" -A "$attr" --store "$work/store" --no-out-link 2>"$work/err") \
    || { echo "ntop build failed for $attr:" >&2; cat "$work/err" >&2; status=1; continue; }
  for out in $nix_outs; do
    if ! grep -qx "$out" <<<"$ntop_outs"; then
      echo "DIFF $attr: ntop built other paths: $ntop_outs (nix: $nix_outs)"; status=1; continue
    fi
    phys="$work/store/store/$(basename "$out")"
    if [ -d "$out" ]; then a=$(listing "$out"); b=$(listing "$phys"); else
      a=$(stat -c '%F %a' "$out"; sha256sum < "$out"); b=$(stat -c '%F %a' "$phys"; sha256sum < "$phys"); fi
    if [ "$a" == "$b" ]; then echo "same $attr $out"; else
      echo "DIFF $attr $out"; diff <(echo "$a") <(echo "$b") || true; status=1; fi
  done
done
exit $status
