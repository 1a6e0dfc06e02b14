#!/usr/bin/env bash
# Runs nixpkgs' lib/fileset/tests.sh with ntop as nix-instantiate and prints how many test
# cases ran and failed. The script stops at its first failure; a patched copy (made here, in
# a temporary directory, from the checkout given) records each failure and goes on, and
# counts the top-level calls of its check functions as cases.
#
#   scripts/fileset-tests.sh [NIXPKGS_LIB_CHECKOUT] [NTOP_BINARY]
#
# Defaults: /work/nixpkgs-lib and target/release/ntop. The store is a throwaway one whose
# logical directory is its real one (the tests `find` inside the store paths they get).
set -uo pipefail
checkout=${1:-/work/nixpkgs-lib}
ntop=$(realpath "${2:-target/release/ntop}")
tests=$checkout/lib/fileset/tests.sh
[[ -f $tests ]] || { echo "no $tests" >&2; exit 2; }
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/home" "$work/store/store"
ln -s "$ntop" "$work/bin/nix-instantiate"
sed -e 's/^set -euo pipefail$/set -uo pipefail/' \
    -e 's/^    exit 1$/    echo "${BASH_LINENO[$lineIndex]}" >> "$FAILS"; return 1/' \
    "$tests" > "$work/tests.sh"
for f in expectEqual expectStorePath expectFailure expectTrace checkFileset checkSource checkGitTracked; do
    sed -i "s/^$f() {\$/&\n    [[ \${FUNCNAME[1]} == main ]] \&\& echo \"\${BASH_LINENO[0]}\" >> \"\$CASES\"/" "$work/tests.sh"
done
export FAILS=$work/fails CASES=$work/cases
touch "$FAILS" "$CASES"
export TEST_LIB=$checkout/lib PATH=$work/bin:$PATH HOME=$work/home
export XDG_CACHE_HOME=$work/home/cache NTOP_STORE=$work/store NIX_STORE_DIR=$work/store/store
unset NIX_CONFIG NIX_REMOTE
bash "$work/tests.sh" > "$work/out" 2> "$work/err"
rc=$?
cases=$(sort -un "$CASES" | wc -l)
failed=$(sort -un "$FAILS" | wc -l)
grep "failed:" "$work/err" | sed "s/^test case at [^:]*:/patched line /" | sort -u -t: -k1,1 >&2
echo "exit $rc: $cases test cases (lines of the patched copy), $failed failed"
