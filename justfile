# ntop's developer front door. `just --list` shows the recipes.

# Run every test (what CI runs).
test:
    cargo test --workspace --release

# The golden cases, in process, one test each; FILTER selects (`lang::`, `modules::option`).
golden FILTER="":
    cargo test --release -p ntop-driver --test golden -- {{FILTER}}

# The architecture invariants (docs/architecture.md).
invariants:
    cargo test --release -p ntop-driver --test invariants

# Formatting and lints, as CI runs them.
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings

# Regenerate every golden file from the reference Nix (nix-instantiate 2.8, a nixpkgs lib at
# $NIXPKGS for the module fixtures). Each script takes case names, and --check to compare only.
bless: bless-lang bless-builtins bless-derivations bless-modules bless-nixos

bless-lang *CASES:
    scripts/bless-lang.sh {{CASES}}

bless-builtins *CASES:
    scripts/bless-lang.sh --dir nix-fixtures/builtins {{CASES}}

bless-derivations *CASES:
    scripts/bless-derivations.sh {{CASES}}

bless-modules *CASES:
    scripts/bless-modules.sh {{CASES}}

bless-nixos *CASES:
    scripts/bless-nixos.sh {{CASES}}

# Time ntop against nix-instantiate on the same inputs and print the ratios.
bench:
    scripts/bench.sh

# Fuzz parsing and evaluation (needs cargo-fuzz; stable toolchains via RUSTC_BOOTSTRAP).
fuzz SECONDS="600":
    cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run parse_eval -s none -- -fork=1 -max_total_time={{SECONDS}} -rss_limit_mb=3000 -timeout=10

# Rewrite the rendered-diagnostic and explain snapshots from the current ntop; review the diff.
snapshot-diagnostics:
    NTOP_UPDATE_SNAPSHOTS=1 cargo test --release -p ntop-cli --test diagnostics
