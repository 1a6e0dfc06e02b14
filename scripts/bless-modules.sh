#!/usr/bin/env bash
# Writes the expected outputs of the module-system fixtures (nix-fixtures/modules/<case>.exp)
# with the reference Nix (nix-instantiate 2.8) and the REAL nixpkgs lib; with --check-bundle it
# runs every case again against our lib (bundle/lib) and reports every difference.
#
#   scripts/bless-modules.sh [--check | --check-bundle] [--nixpkgs DIR] [CASE...]
#
# A case is nix-fixtures/modules/CASE.nix, an expression starting `let lib = import <nixpkgs/lib>;`
# (helper modules live in subdirectories and are no cases). It is evaluated as
#
#   cwd   = nix-fixtures/modules (DIR below)
#   env   = NIX_PATH unset, HOME a fresh empty directory, TZ=UTC, LC_ALL=C
#   argv  = nix-instantiate -I nixpkgs=ROOT ARGS, ARGS being the words of CASE.flags (default
#           `--eval --strict --json @FILE@`); @FILE@ becomes DIR/CASE.nix, @DIR@ becomes DIR.
#
# ROOT is the tree holding `lib/`: NIXPKGS (default $NIXPKGS, else /tmp/nixpkgs) when blessing
# and with --check, our bundle/ with --check-bundle. In all output DIR is replaced by @DIR@
# and ROOT by @NIXPKGS@.
#
#   - success cases: CASE.exp is the standard output. For warn-* cases the standard error
#     (warnings, traces) is kept too, in CASE.stderr.exp.
#   - eval-fail-* cases: CASE.exp holds `status=N`, one `fact=TEXT` line per distinct quoted
#     item of the error message (`TEXT' or `TEXT`: option names, files, types), then
#     `message:` and the error message itself, for humans.
#
# --check compares the real lib's output with the .exp files (are they up to date?).
# --check-bundle requires from our lib: on success cases, byte-identical output (and standard
# error for warn-* cases); on eval-fail-* cases, a failure whose message contains every fact.
# Both write nothing and exit 1 if any case differs, after reporting all of them.
#
# Set FORCE=1 to run with a nix-instantiate other than 2.8.x.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd -P)"
dir="$repo/nix-fixtures/modules"
nixpkgs="${NIXPKGS:-/tmp/nixpkgs}"
mode=bless
cases=()

while [ "$#" -gt 0 ]; do
    case "$1" in
        --check) mode=check; shift ;;
        --check-bundle) mode=bundle; shift ;;
        --nixpkgs) nixpkgs="$2"; shift 2 ;;
        -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
        -*) echo "bless-modules: unknown option $1" >&2; exit 2 ;;
        *) cases+=("$(basename "${1%.nix}")"); shift ;;
    esac
done

version="$(nix-instantiate --version)"
case "$version" in
    *" 2.8."*) ;;
    *)
        if [ "${FORCE:-}" != 1 ]; then
            echo "bless-modules: the oracle is Nix 2.8.x, found '$version' (FORCE=1 to override)" >&2
            exit 2
        fi
        ;;
esac

if [ "$mode" = bundle ]; then
    root="$repo/bundle"
else
    root="$(cd "$nixpkgs" && pwd -P)"
fi
if [ ! -f "$root/lib/default.nix" ]; then
    echo "bless-modules: no lib/default.nix under $root" >&2
    exit 2
fi

export NIX_CONFIG=$'substituters =\nsandbox = false'
export TZ=UTC
export LC_ALL=C
unset NIX_PATH

if [ "${#cases[@]}" -eq 0 ]; then
    for file in "$dir"/*.nix; do
        cases+=("$(basename "$file" .nix)")
    done
fi

# normalise: DIR -> @DIR@, ROOT -> @NIXPKGS@ on stdin.
normalise() {
    local out
    out="$(cat; printf x)"
    out="${out%x}"
    out="${out//"$dir"/@DIR@}"
    printf '%s' "${out//"$root"/@NIXPKGS@}"
}

# facts_of TEXT: the distinct items quoted as `item' or `item` in TEXT, one per line.
facts_of() {
    printf '%s' "$1" | perl -ne 'while (/`([^`\x27\n]*)[\x27`]/g) { print "$1\n" if length $1 && !$seen{$1}++ }'
}

# error_message TEXT: the standard error from the first `error:` line on, without Nix's hint
# about --show-trace.
error_message() {
    printf '%s' "$1" | sed -n '/^error:/,$p' | grep -v "^(use '--show-trace' to show detailed location information)\$" || true
}

failed=()
for case in "${cases[@]}"; do
    file="$dir/$case.nix"
    if [ ! -f "$file" ]; then
        echo "bless-modules: no case $case" >&2
        failed+=("$case")
        continue
    fi
    flags="--eval --strict --json @FILE@"
    if [ -f "$dir/$case.flags" ]; then flags="$(cat "$dir/$case.flags")"; fi
    args=()
    for w in $flags; do
        w="${w//@FILE@/$file}"
        args+=("${w//@DIR@/$dir}")
    done

    home="$(mktemp -d)"
    status=0
    (cd "$dir" && HOME="$home" nix-instantiate -I "nixpkgs=$root" "${args[@]}") \
        >"$home.out" 2>"$home.err" </dev/null || status=$?
    out="$(normalise <"$home.out"; printf x)"
    out="${out%x}"
    err="$(normalise <"$home.err"; printf x)"
    err="${err%x}"
    rm -rf "$home" "$home.out" "$home.err"

    exp_file="$dir/$case.exp"
    case "$case" in
        eval-fail-*)
            if [ "$status" -eq 0 ]; then
                echo "FAIL $case: expected a failure, evaluation succeeded" >&2
                failed+=("$case")
                continue
            fi
            message="$(error_message "$err")"
            if [ "$mode" = bundle ]; then
                missing=()
                while IFS= read -r fact; do
                    case "$fact" in fact=*) ;; *) continue ;; esac
                    fact="${fact#fact=}"
                    if [[ "$message" != *"$fact"* ]]; then missing+=("$fact"); fi
                done <"$exp_file"
                if [ "${#missing[@]}" -gt 0 ]; then
                    echo "FAIL $case: the error lacks: ${missing[*]}" >&2
                    printf '%s\n' "$message" | head -n 12 | sed 's/^/    /' >&2
                    failed+=("$case")
                else
                    echo "ok   $case"
                fi
                continue
            fi
            exp="status=$status"$'\n'
            while IFS= read -r fact; do
                [ -n "$fact" ] && exp+="fact=$fact"$'\n'
            done < <(facts_of "$message")
            exp+="message:"$'\n'"$message"$'\n'
            ;;
        *)
            if [ "$status" -ne 0 ]; then
                echo "FAIL $case: nix-instantiate exited with $status:" >&2
                printf '%s\n' "$err" | head -n 12 | sed 's/^/    /' >&2
                failed+=("$case")
                continue
            fi
            exp="$out"
            ;;
    esac

    stale=""
    if [ "$mode" = bless ]; then
        printf '%s' "$exp" >"$exp_file"
        if [[ "$case" == warn-* ]]; then printf '%s' "$err" >"$dir/$case.stderr.exp"; fi
        echo "blessed $case"
        continue
    fi
    current="$(cat "$exp_file" 2>/dev/null; printf x)"
    if [ "$exp" != "${current%x}" ]; then
        echo "FAIL $case: output differs from $case.exp" >&2
        diff <(cat "$exp_file" 2>/dev/null) <(printf '%s' "$exp") | head -n 20 | sed 's/^/    /' >&2 || true
        stale=1
    fi
    current="$(cat "$dir/$case.stderr.exp" 2>/dev/null; printf x)"
    if [[ "$case" == warn-* ]] && [ "$err" != "${current%x}" ]; then
        echo "FAIL $case: standard error differs from $case.stderr.exp" >&2
        diff <(cat "$dir/$case.stderr.exp" 2>/dev/null) <(printf '%s' "$err") | head -n 20 | sed 's/^/    /' >&2 || true
        stale=1
    fi
    if [ -n "$stale" ]; then failed+=("$case"); else echo "ok   $case"; fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "bless-modules: ${#failed[@]} of ${#cases[@]} case(s) failed: ${failed[*]}" >&2
    exit 1
fi
echo "bless-modules: all ${#cases[@]} case(s) ok"
