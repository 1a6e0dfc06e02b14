#!/usr/bin/env bash
# Writes the expected outputs of the language golden cases (nix-fixtures/lang/<case>.exp and,
# where wanted, <case>.stderr.exp) with the reference Nix, nix-instantiate 2.8. With --check it
# writes nothing and reports every case whose expectation is out of date.
#
#   scripts/bless-lang.sh [--check] [--dir DIR] [CASE...]
#
# A case is nix-fixtures/lang/CASE.nix (helper files live in subdirectories and are no cases).
# --dir DIR blesses another fixture directory in the same format instead (for instance
# nix-fixtures/builtins); its subdirectories are not blessed either.
# It is evaluated exactly as crates/driver/tests/golden (lang::CASE) runs `ntop instantiate`:
#
#   cwd   = nix-fixtures/lang (its canonical absolute path, DIR below)
#   env   = NIX_PATH unset, HOME a fresh empty directory, TZ=UTC
#   (nix-instantiate raises its own stack to 64 MiB; the deep-* cases need a hard stack limit
#   of at least that, which is the usual `unlimited`)
#   argv  = nix-instantiate ARGS, where ARGS are the words of CASE.flags (default
#           `--eval --strict @FILE@`), split on whitespace; a single-quoted word may hold
#           whitespace and is taken literally. @FILE@ becomes DIR/CASE.nix, @DIR@ becomes DIR.
#
# Output, with every occurrence of DIR replaced by @DIR@:
#   - success cases: CASE.exp is the standard output; CASE.stderr.exp the standard error, written
#     only when it already exists or CASE starts with `trace-`.
#   - eval-fail-* and parse-fail-* cases: CASE.exp holds `status=N`, then `pos=LINE:COL` (the
#     first `at DIR/CASE.nix:LINE:COL` in the standard error, if Nix reported one), then
#     `message=` and the first standard-error line starting with `error:`, kept for humans only.
# A success case that fails, or a failing case that succeeds, is refused: it is a wrong case.
#
# A directory holding a file `.no-bless` is refused (its first line says why): its expected
# outputs were written from the Nix manual or release notes for behaviour Nix 2.8 lacks
# (nix-fixtures/builtins/manual), and blessing them would record 2.8's failures instead.
#
# Set FORCE=1 to bless with a nix-instantiate other than 2.8.x.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd -P)"
dir="$repo/nix-fixtures/lang"
check=""
cases=()

while [ "$#" -gt 0 ]; do
    case "$1" in
        --check) check=1; shift ;;
        --dir)
            if [ "$#" -lt 2 ] || [ ! -d "$2" ]; then
                echo "bless-lang: --dir needs an existing directory" >&2; exit 2
            fi
            dir="$(cd "$2" && pwd -P)"; shift 2 ;;
        -h|--help) sed -n '2,33p' "$0"; exit 0 ;;
        -*) echo "bless-lang: unknown option $1" >&2; exit 2 ;;
        *) cases+=("$(basename "${1%.nix}")"); shift ;;
    esac
done

if [ -e "$dir/.no-bless" ]; then
    echo "bless-lang: $dir is not blessed: $(head -n 1 "$dir/.no-bless")" >&2
    exit 2
fi

version="$(nix-instantiate --version)"
case "$version" in
    *" 2.8."*) ;;
    *)
        if [ "${FORCE:-}" != 1 ]; then
            echo "bless-lang: the oracle is Nix 2.8.x, found '$version' (FORCE=1 to override)" >&2
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
        cases+=("$(basename "$file" .nix)")
    done
fi

# split_flags TEXT: sets the array `words` to TEXT's words (whitespace-separated; a single-quoted
# stretch is literal and may hold whitespace; quotes and text next to each other join).
split_flags() {
    local text="$1" word="" in_word="" quoted="" ch i
    words=()
    for ((i = 0; i < ${#text}; i++)); do
        ch="${text:i:1}"
        if [ -n "$quoted" ]; then
            if [ "$ch" = "'" ]; then quoted=""; else word+="$ch"; fi
        elif [ "$ch" = "'" ]; then
            quoted=1; in_word=1
        elif [[ "$ch" =~ [[:space:]] ]]; then
            if [ -n "$in_word" ]; then words+=("$word"); fi
            word=""; in_word=""
        else
            word+="$ch"; in_word=1
        fi
    done
    if [ -n "$quoted" ]; then
        echo "bless-lang: unterminated quote in flags: $text" >&2
        return 1
    fi
    if [ -n "$in_word" ]; then words+=("$word"); fi
}

# normalise: DIR -> @DIR@ on stdin.
normalise() {
    local d="$dir" out
    out="$(cat; printf x)"
    out="${out%x}"
    printf '%s' "${out//"$d"/@DIR@}"
}

# write_or_check FILE CONTENT
write_or_check() {
    local file="$1" content="$2"
    if [ -n "$check" ]; then
        if [ "$content" != "$(cat "$file" 2>/dev/null; printf x)" ]; then
            echo "STALE $(basename "$file")" >&2
            diff <(cat "$file" 2>/dev/null) <(printf '%s' "${content%x}") | head -20 >&2 || true
            stale=1
        fi
    else
        printf '%s' "${content%x}" > "$file"
    fi
}

failed=()
for case in "${cases[@]}"; do
    file="$dir/$case.nix"
    if [ ! -f "$file" ]; then
        echo "bless-lang: no case $case" >&2
        failed+=("$case")
        continue
    fi
    flags="--eval --strict @FILE@"
    if [ -f "$dir/$case.flags" ]; then flags="$(cat "$dir/$case.flags")"; fi
    split_flags "$flags"
    args=()
    for w in "${words[@]}"; do
        w="${w//@FILE@/$file}"
        args+=("${w//@DIR@/$dir}")
    done

    home="$(mktemp -d)"
    status=0
    (cd "$dir" && HOME="$home" nix-instantiate "${args[@]}") \
        >"$home.out" 2>"$home.err" </dev/null || status=$?
    out="$(normalise <"$home.out"; printf x)"
    err="$(normalise <"$home.err"; printf x)"
    rm -rf "$home" "$home.out" "$home.err"

    stale=""
    case "$case" in
        eval-fail-*|parse-fail-*)
            if [ "$status" -eq 0 ]; then
                echo "FAIL $case: expected a failure, nix-instantiate succeeded" >&2
                failed+=("$case")
                continue
            fi
            exp="status=$status"$'\n'
            pos="$(printf '%s' "${err%x}" | sed -n "s|^ *at @DIR@/$case\.nix:\([0-9]*:[0-9]*\):.*|\1|p" | head -n 1)"
            if [ -n "$pos" ]; then exp+="pos=$pos"$'\n'; fi
            message="$(printf '%s' "${err%x}" | grep -m 1 '^error:' || true)"
            exp+="message=$message"$'\n'
            write_or_check "$dir/$case.exp" "${exp}x"
            ;;
        *)
            if [ "$status" -ne 0 ]; then
                echo "FAIL $case: nix-instantiate exited with $status:" >&2
                printf '%s' "${err%x}" | head -n 8 >&2
                failed+=("$case")
                continue
            fi
            write_or_check "$dir/$case.exp" "$out"
            if [ -f "$dir/$case.stderr.exp" ] || [[ "$case" == trace-* ]]; then
                write_or_check "$dir/$case.stderr.exp" "$err"
            fi
            ;;
    esac
    if [ -n "$stale" ]; then
        failed+=("$case")
    elif [ -z "$check" ]; then
        echo "blessed $case"
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "bless-lang: ${#failed[@]} case(s) failed: ${failed[*]}" >&2
    exit 1
fi
