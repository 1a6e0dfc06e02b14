#!/usr/bin/env bash
# Times ntop against the reference nix-instantiate on the same inputs and prints the ratios.
# A benchmark, not a test: the shared machine is noisy, so both programs run in one hyperfine
# invocation per workload (warm-up, then RUNS runs each, interleaved by workload) and only
# the ratio of their mean times is meaningful. Without hyperfine, one timed run each.
#
#   scripts/bench.sh            every workload in nix-fixtures/bench
#   BENCH_FILTER=folds RUNS=10 scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p ntop-cli
ntop=target/release/ntop
export NIX_CONFIG=$'substituters =\nsandbox = false'
runs="${RUNS:-5}"
have_nix=0
command -v nix-instantiate >/dev/null && have_nix=1
have_hyperfine=0
command -v hyperfine >/dev/null && have_hyperfine=1
# Unpack the embedded bundle now, not during the first timed run.
"$ntop" instantiate --eval -E 'import <nixpkgs/lib>' >/dev/null 2>&1 || true

mean_of() { # JSON file, index -> mean seconds
  python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["mean"])' "$1" "$2"
}

printf '%-20s %10s %10s %8s\n' workload ntop nix ratio
for f in nix-fixtures/bench/*.nix; do
  [ "${BENCH_FILTER:-}" = "" ] || [[ "$f" == *"$BENCH_FILTER"* ]] || continue
  args=(--eval --strict "$f")
  nix_args=("${args[@]}")
  # Instantiating writes .drv files: ntop computes them without writing (--dry-run), Nix's
  # are already in its store after the warm-up, so neither pays for writing.
  case "$f" in *drv-graph*) args=("$f" --dry-run); nix_args=("$f") ;; esac
  name=$(basename "$f" .nix)
  if [ $have_hyperfine = 1 ] && [ $have_nix = 1 ]; then
    json=$(mktemp)
    hyperfine -N -w 1 -r "$runs" --export-json "$json" \
      "$ntop instantiate ${args[*]}" "nix-instantiate ${nix_args[*]}" >/dev/null 2>&1 || true
    t_ntop=$(mean_of "$json" 0); t_nix=$(mean_of "$json" 1)
    rm -f "$json"
  else
    tf=$(mktemp)
    /usr/bin/time -o "$tf" -f '%e' "$ntop" instantiate "${args[@]}" >/dev/null 2>&1 || true
    t_ntop=$(tail -1 "$tf"); t_nix=-
    if [ $have_nix = 1 ]; then
      /usr/bin/time -o "$tf" -f '%e' nix-instantiate "${nix_args[@]}" >/dev/null 2>&1 || true
      t_nix=$(tail -1 "$tf")
    fi
    rm -f "$tf"
  fi
  ratio=$(awk -v a="$t_nix" -v b="$t_ntop" 'BEGIN { if (a == "-") print "-"; else if (b > 0) printf "%.2fx", a / b; else print "inf" }')
  printf '%-20s %9ss %9ss %8s\n' "$name" "$t_ntop" "$t_nix" "$ratio"
done
echo "(ratio = nix time / ntop time; above 1 means ntop is faster)"
