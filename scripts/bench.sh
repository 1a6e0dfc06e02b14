#!/usr/bin/env bash
# Times ntop against the reference nix-instantiate on the same inputs and prints, per workload,
# both mean wall times, the ratio ntop/Nix (lower is better; below 1 means ntop is faster), the
# ratio of CPU time (user + system) and both peak memories (maximum resident set size).
#
# A benchmark, not a test: the shared machine is noisy, so both programs run in one hyperfine
# invocation per workload (a warm-up, then RUNS runs each) and only ratios from one run mean
# anything. Peak memory comes from one extra run of each under /usr/bin/time.
#
#   scripts/bench.sh                      every workload
#   BENCH_FILTER=folds RUNS=10 scripts/bench.sh
#   NIXPKGS=DIR scripts/bench.sh          also the workloads over a real nixpkgs lib (DIR holds
#                                         lib/; e.g. the nix-community/nixpkgs.lib repository)
#
# The workloads: every nix-fixtures/bench/*.nix (evaluated with --eval --strict; drv-graph with
# --dry-run against Nix's warm store), and, with NIXPKGS,
#   modules-lib-N   nix-fixtures/bench/modules-lib.nix at N = 400, 1600, 3200 submodules;
#   parse-lib       PARSE_COPIES copies (default 16) of every .nix file of NIXPKGS/lib, each
#                   wrapped as `_: ( … )` so that importing parses and lowers but evaluates
#                   nothing, imported one after the other; ntop runs it twice: with parse-ahead
#                   (a second core parses ahead) and single-threaded (NTOP_PARSE_AHEAD=0).
# At the end: the geometric mean of the wall ratios and the scaling of the module workload from
# n = 400 to 1600 (4x the work; linear is 4.0).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p ntop-cli
ntop=$PWD/target/release/ntop
export NIX_CONFIG=$'substituters =\nsandbox = false'
runs="${RUNS:-5}"
work="${BENCH_DIR:-$PWD/target/bench}"
mkdir -p "$work"
command -v nix-instantiate >/dev/null || { echo "bench: needs nix-instantiate (apt-get install nix-bin)" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
# Unpack the embedded bundle now, not during the first timed run.
"$ntop" instantiate --eval -E 'import <nixpkgs/lib>' >/dev/null 2>&1 || true

declare -a names=() cmds_ntop=() cmds_nix=() envs_ntop=()
add() { # name, ntop command, nix command[, environment for ntop]
  names+=("$1"); cmds_ntop+=("$2"); cmds_nix+=("$3"); envs_ntop+=("${4:-}")
}

for f in nix-fixtures/bench/*.nix; do
  name=$(basename "$f" .nix)
  case "$name" in
    modules-lib) continue ;;
    drv-graph*)
      # ntop computes the .drv files without writing them (--dry-run); Nix's are already in its
      # store after the warm-up, so neither pays for writing.
      add "$name" "$ntop instantiate $f --dry-run" "nix-instantiate $f" ;;
    *) add "$name" "$ntop instantiate --eval --strict $f" "nix-instantiate --eval --strict $f" ;;
  esac
done

if [ -n "${NIXPKGS:-}" ] && [ -d "$NIXPKGS/lib" ]; then
  lib=$(cd "$NIXPKGS" && pwd)
  for n in 400 1600 3200; do
    a="--eval --strict nix-fixtures/bench/modules-lib.nix -I nixpkgs=$lib --arg n $n"
    add "modules-lib-$n" "$ntop instantiate $a" "nix-instantiate $a"
  done
  # The parse workload: generated once per lib and copy count, outside the repository.
  copies="${PARSE_COPIES:-16}"
  tree="$work/parse-lib-$copies"
  if [ ! -f "$tree/all.nix" ]; then
    rm -rf "$tree" && mkdir -p "$tree"
    (cd "$lib" && find lib -name '*.nix' | LC_ALL=C sort) > "$tree/files"
    : > "$tree/ok"
    while read -r rel; do # keep the files the reference Nix parses
      nix-instantiate --parse "$lib/$rel" >/dev/null 2>&1 && echo "$rel" >> "$tree/ok"
    done < "$tree/files"
    {
      echo "# $(wc -l < "$tree/ok") files of $lib, $copies copies: import each (a function), count them."
      echo "builtins.foldl' (n: f: builtins.seq (import f) (n + 1)) 0 ["
      for c in $(seq 1 "$copies"); do
        while read -r rel; do
          mkdir -p "$tree/c$c/$(dirname "$rel")"
          { echo "_: ("; cat "$lib/$rel"; printf '\n)\n'; } > "$tree/c$c/$rel"
          echo "  ./c$c/$rel"
        done < "$tree/ok"
      done
      echo "]"
    } > "$tree/all.nix.tmp"
    mv "$tree/all.nix.tmp" "$tree/all.nix"
  fi
  files=$(($(wc -l < "$tree/ok") * copies))
  bytes=$(find "$tree" -name '*.nix' -path '*/c*/*' -print0 | xargs -0 cat | wc -c)
  echo "parse-lib: $files files, $((bytes / 1024 / 1024)) MiB"
  add "parse-lib" "$ntop instantiate --eval $tree/all.nix" "nix-instantiate --eval $tree/all.nix"
  add "parse-lib-1core" "$ntop instantiate --eval $tree/all.nix" "nix-instantiate --eval $tree/all.nix" "NTOP_PARSE_AHEAD=0"
else
  echo "(NIXPKGS unset: skipping the workloads over a real nixpkgs lib)"
fi

field() { # JSON file, index, field -> value
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]; print("%.4f" % (r["mean"] if sys.argv[3]=="mean" else r["user"]+r["system"]))' "$1" "$2" "$3"
}
peak_kb() { # environment, command... -> maximum resident set size in KiB
  local env=$1 tf; shift
  tf=$(mktemp)
  env $env /usr/bin/time -o "$tf" -f '%M' "$@" >/dev/null 2>&1 || true
  tail -1 "$tf"; rm -f "$tf"
}

printf '%-17s %9s %9s %6s %6s %9s %9s %6s\n' workload ntop nix wall cpu 'ntop MB' 'nix MB' mem
declare -A wall=() wall_nix=()
log_sum=0; count=0
for i in "${!names[@]}"; do
  [ -z "${BENCH_FILTER:-}" ] || [[ "${names[$i]}" == *"$BENCH_FILTER"* ]] || continue
  json=$(mktemp)
  env_ntop="${envs_ntop[$i]}"
  ntop_cmd="${cmds_ntop[$i]}"
  [ -z "$env_ntop" ] || ntop_cmd="env $env_ntop $ntop_cmd"
  hyperfine -N -w 1 -r "$runs" --export-json "$json" "$ntop_cmd" "${cmds_nix[$i]}" >/dev/null 2>&1 || true
  t_ntop=$(field "$json" 0 mean); t_nix=$(field "$json" 1 mean)
  c_ntop=$(field "$json" 0 cpu); c_nix=$(field "$json" 1 cpu)
  rm -f "$json"
  # shellcheck disable=SC2086
  m_ntop=$(peak_kb "$env_ntop" ${cmds_ntop[$i]}); m_nix=$(peak_kb "" ${cmds_nix[$i]})
  wall[${names[$i]}]=$t_ntop; wall_nix[${names[$i]}]=$t_nix
  r=$(awk -v a="$t_ntop" -v b="$t_nix" 'BEGIN { printf "%.2f", a / b }')
  rc=$(awk -v a="$c_ntop" -v b="$c_nix" 'BEGIN { printf "%.2f", a / b }')
  rm_=$(awk -v a="$m_ntop" -v b="$m_nix" 'BEGIN { printf "%.2f", a / b }')
  printf '%-17s %8ss %8ss %6s %6s %9d %9d %6s\n' "${names[$i]}" "$t_ntop" "$t_nix" "$r" "$rc" \
    $((m_ntop / 1024)) $((m_nix / 1024)) "$rm_"
  log_sum=$(awk -v s="$log_sum" -v r="$r" 'BEGIN { print s + log(r) }'); count=$((count + 1))
done
[ "$count" = 0 ] || awk -v s="$log_sum" -v n="$count" 'BEGIN { printf "geometric mean of the wall ratios: %.2f\n", exp(s / n) }'
if [ -n "${wall[modules-lib-400]:-}" ] && [ -n "${wall[modules-lib-1600]:-}" ]; then
  awk -v a="${wall[modules-lib-400]}" -v b="${wall[modules-lib-1600]}" \
    -v c="${wall_nix[modules-lib-400]}" -v d="${wall_nix[modules-lib-1600]}" \
    'BEGIN { printf "module system, n = 400 -> 1600 (4x the work): ntop %.2fx, Nix %.2fx the time\n", b / a, d / c }'
fi
echo "(wall and cpu are ntop/Nix: below 1 means ntop is faster; mem is the ratio of peak memory)"
