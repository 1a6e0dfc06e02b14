#!/usr/bin/env bash
# Writes the expected outputs of the nixos fixtures (nix-fixtures/nixos/<case>.exp) with the
# reference Nix, or with --check reports every case whose output differs from its .exp.
#
#   scripts/bless-nixos.sh [--check] [--lib DIR] [--seed DIR] [CASE...]
#
# Each case is evaluated as
#
#   nix-instantiate --eval --strict --json -I seed=SEED nix-fixtures/nixos/CASE.nix
#
# and its standard output is the expectation. SEED is the directory of the project's seed
# (default: shared/seed beside the repository, or $NTOP_SEED_DIR); the seed-* cases find the
# seed's top-level.nix as <seed/top-level.nix>.
#
# The cases evaluate bundle/nixos with bundle/lib. With --lib DIR they are evaluated instead in a
# scratch copy of the tree (directories linked, not copied) whose bundle/lib is DIR, e.g. a
# nixpkgs checkout's lib: the .drv paths must not depend on which of the two libs evaluated them.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
seed="${NTOP_SEED_DIR:-$(cd "$repo/.." && pwd)/shared/seed}"
lib=""
check=""
cases=()

while [ "$#" -gt 0 ]; do
    case "$1" in
        --check) check=1; shift ;;
        --lib) lib="$(cd "$2" && pwd)"; shift 2 ;;
        --seed) seed="$(cd "$2" && pwd)"; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        -*) echo "bless-nixos: unknown option $1" >&2; exit 2 ;;
        *) cases+=("$1"); shift ;;
    esac
done

export NIX_CONFIG=$'substituters =\nsandbox = false'
export NIX_PATH=""

root="$repo"
if [ -n "$lib" ]; then
    root="$(mktemp -d)"
    trap 'rm -rf "$root"' EXIT
    mkdir -p "$root/bundle" "$root/nix-fixtures"
    cp "$repo/bundle/default.nix" "$root/bundle/default.nix"
    ln -s "$repo/bundle/nixos" "$root/bundle/nixos"
    ln -s "$repo/bundle/pkgs" "$root/bundle/pkgs"
    ln -s "$lib" "$root/bundle/lib"
    ln -s "$repo/examples" "$root/examples"
    ln -s "$repo/nix-fixtures/nixos" "$root/nix-fixtures/nixos"
elif [ ! -e "$repo/bundle/lib/default.nix" ]; then
    echo "bless-nixos: bundle/lib does not exist yet; pass --lib DIR (e.g. a nixpkgs lib)" >&2
    exit 2
fi

dir="$root/nix-fixtures/nixos"
if [ "${#cases[@]}" -eq 0 ]; then
    for file in "$dir"/*.nix; do
        cases+=("$(basename "$file" .nix)")
    done
fi

failed=()
for case in "${cases[@]}"; do
    case="${case%.nix}"
    exp="$repo/nix-fixtures/nixos/$case.exp"
    if ! actual="$(nix-instantiate --eval --strict --json -I "seed=$seed" "$dir/$case.nix")"; then
        echo "FAIL $case: evaluation failed" >&2
        failed+=("$case")
        continue
    fi
    if [ -n "$check" ]; then
        if [ "$actual" != "$(cat "$exp" 2>/dev/null)" ]; then
            echo "FAIL $case: output differs from $case.exp" >&2
            diff <(cat "$exp" 2>/dev/null | tr ',' '\n') <(printf '%s\n' "$actual" | tr ',' '\n') >&2 || true
            failed+=("$case")
        else
            echo "ok   $case"
        fi
    else
        printf '%s\n' "$actual" > "$exp"
        echo "blessed $case"
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "bless-nixos: ${#failed[@]} case(s) failed: ${failed[*]}" >&2
    exit 1
fi
