#!/usr/bin/env bash
# Writes the expected outputs of the derivation cases (nix-fixtures/derivations) with the
# reference Nix, nix-instantiate 2.8. With --check it writes nothing and reports every case whose
# expectation is out of date.
#
#   scripts/bless-derivations.sh [--check] [CASE...]
#
# A case is nix-fixtures/derivations/CASE.nix (lib.nix and inputs/ are helpers, no cases). It is
# run exactly as crates/driver/tests/golden (derivations::CASE) runs `ntop instantiate --store TMP`:
#
#   cwd   = nix-fixtures/derivations (its canonical absolute path, DIR below)
#   env   = NIX_PATH unset, HOME a fresh empty directory, TZ=UTC
#   argv  = nix-instantiate ARGS: the words of CASE.flags if it exists (@FILE@ becomes
#           DIR/CASE.nix, @DIR@ becomes DIR), else `CASE.nix`; cases named files-* add
#           `--eval --strict` in front.
#
# Expectations, with every occurrence of DIR replaced by @DIR@:
#   - instantiation cases: CASE.exp is the standard output (the .drv paths, `!output` suffixes
#     included); CASE.drvs.exp holds every .drv file of the closure of those paths, sorted by
#     path, each as a line `=== PATH` followed by the file's exact bytes and a newline;
#     CASE.show.exp is what `nix show-derivation -r` prints for the printed paths (compared
#     with `ntop show-derivation -r`).
#   - files-* cases: CASE.exp is the standard output of `--eval --strict`.
#   - *fail-* cases: CASE.exp holds `status=N`, then `pos=LINE:COL` (the first
#     `at DIR/CASE.nix:LINE:COL` in the standard error, if Nix reported one), then `message=`
#     and the first standard-error line starting with `error:`, kept for humans only.
# A success case that fails, or a failing case that succeeds, is refused: it is a wrong case.
#
# Set FORCE=1 to bless with a nix-instantiate other than 2.8.x.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd -P)"
dir="$repo/nix-fixtures/derivations"
check=""
cases=()

while [ "$#" -gt 0 ]; do
    case "$1" in
        --check) check=1; shift ;;
        -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
        -*) echo "bless-derivations: unknown option $1" >&2; exit 2 ;;
        *) cases+=("$(basename "${1%.nix}")"); shift ;;
    esac
done

version="$(nix-instantiate --version)"
case "$version" in
    *" 2.8."*) ;;
    *)
        if [ "${FORCE:-}" != 1 ]; then
            echo "bless-derivations: the oracle is Nix 2.8.x, found '$version' (FORCE=1 to override)" >&2
            exit 2
        fi
        ;;
esac

export NIX_CONFIG=$'substituters =\nsandbox = false'
export TZ=UTC
export LC_ALL=C
unset NIX_PATH

if [ "${#cases[@]}" -eq 0 ]; then
    for file in "$dir"/*.nix; do
        name="$(basename "$file" .nix)"
        [ "$name" = lib ] && continue
        cases+=("$name")
    done
fi

normalise() {
    local out
    out="$(cat; printf x)"
    out="${out%x}"
    printf '%s' "${out//"$dir"/@DIR@}"
}

stale=""
# write_or_check FILE: the content on stdin.
write_or_check() {
    local file="$1" tmp
    tmp="$(mktemp)"
    cat >"$tmp"
    if [ -n "$check" ]; then
        if ! cmp -s "$tmp" "$file"; then
            echo "STALE $(basename "$file")" >&2
            diff "$file" "$tmp" | head -20 >&2 || true
            stale=1
        fi
        rm -f "$tmp"
    else
        mv "$tmp" "$file"
    fi
}

failed=()
for case in "${cases[@]}"; do
    file="$dir/$case.nix"
    if [ ! -f "$file" ]; then
        echo "bless-derivations: no case $case" >&2
        failed+=("$case")
        continue
    fi
    args=()
    if [ -f "$dir/$case.flags" ]; then
        read -r -a words <"$dir/$case.flags"
        for w in "${words[@]}"; do
            w="${w//@FILE@/$file}"
            args+=("${w//@DIR@/$dir}")
        done
    else
        args=("$case.nix")
    fi
    case "$case" in files-*) args=(--eval --strict "${args[@]}") ;; esac

    home="$(mktemp -d)"
    status=0
    (cd "$dir" && HOME="$home" nix-instantiate "${args[@]}") \
        >"$home.out" 2>"$home.err" </dev/null || status=$?

    stale=""
    case "$case" in
        *fail-*)
            if [ "$status" -eq 0 ]; then
                echo "FAIL $case: expected a failure, nix-instantiate succeeded" >&2
                failed+=("$case")
                rm -rf "$home" "$home.out" "$home.err"
                continue
            fi
            err="$(normalise <"$home.err")"
            {
                echo "status=$status"
                pos="$(printf '%s\n' "$err" | sed -n "s|^ *at @DIR@/$case\.nix:\([0-9]*:[0-9]*\):.*|\1|p" | head -n 1)"
                if [ -n "$pos" ]; then echo "pos=$pos"; fi
                echo "message=$(printf '%s\n' "$err" | grep -m 1 '^error:' || true)"
            } | write_or_check "$dir/$case.exp"
            ;;
        *)
            if [ "$status" -ne 0 ]; then
                echo "FAIL $case: nix-instantiate exited with $status:" >&2
                head -n 8 "$home.err" >&2
                failed+=("$case")
                rm -rf "$home" "$home.out" "$home.err"
                continue
            fi
            normalise <"$home.out" | write_or_check "$dir/$case.exp"
            if [[ "$case" != files-* ]]; then
                # Every .drv in the closures of the printed paths (roots without `!output`).
                drvs="$(sed 's/!.*//' "$home.out" | xargs -r nix-store -qR | grep '\.drv$' | sort -u || true)"
                for d in $drvs; do
                    printf '=== %s\n' "$d"
                    cat "$d"
                    printf '\n'
                done | write_or_check "$dir/$case.drvs.exp"
                # And what `nix show-derivation -r` prints for the printed paths.
                roots="$(sed 's/!.*//' "$home.out" | sort -u)"
                if [ -n "$roots" ]; then
                    # shellcheck disable=SC2086
                    nix --extra-experimental-features nix-command show-derivation -r $roots \
                        | write_or_check "$dir/$case.show.exp"
                fi
            fi
            ;;
    esac
    rm -rf "$home" "$home.out" "$home.err"
    if [ -n "$stale" ]; then
        failed+=("$case")
    elif [ -z "$check" ]; then
        echo "blessed $case"
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "bless-derivations: ${#failed[@]} case(s) failed: ${failed[*]}" >&2
    exit 1
fi
