#!/usr/bin/env bash
# Times ntop against the reference nix-instantiate on the same inputs and prints the ratios.
# A benchmark, not a test: run it on a quiet machine; ratios from one run are comparable.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p ntop-cli
ntop=target/release/ntop
export NIX_CONFIG=$'substituters =\nsandbox = false'
have_nix=0
command -v nix-instantiate >/dev/null && have_nix=1
printf '%-28s %12s %12s %8s\n' workload ntop nix ratio
for f in nix-fixtures/bench/*.nix; do
  [ "${BENCH_FILTER:-}" = "" ] || [[ "$f" == *"$BENCH_FILTER"* ]] || continue
  args=(--eval --strict "$f")
  case "$f" in *drv-graph*) args=("$f" --dry-run) ;; esac
  tf=$(mktemp)
  /usr/bin/time -o "$tf" -f '%e' "$ntop" instantiate "${args[@]}" >/dev/null 2>&1 || true
  t_ntop=$(tail -1 "$tf")
  if [ $have_nix = 1 ]; then
    nix_args=("${args[@]}")
    [[ "$f" == *drv-graph* ]] && nix_args=("$f")
    /usr/bin/time -o "$tf" -f '%e' nix-instantiate "${nix_args[@]}" >/dev/null 2>&1 || true
    t_nix=$(tail -1 "$tf")
    ratio=$(awk -v a="$t_nix" -v b="$t_ntop" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "inf" }')
  else
    t_nix=-; ratio=-
  fi
  printf '%-28s %11ss %11ss %8s\n' "$(basename "$f" .nix)" "$t_ntop" "$t_nix" "$ratio"
done
echo "(ratio = nix time / ntop time; above 1 means ntop is faster)"
