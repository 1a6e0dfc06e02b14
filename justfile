# ntop's developer front door. `just --list` shows the recipes.

# Run every test (what CI runs).
test:
    cargo test --workspace --release

# Formatting and lints, as CI expects them.
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings

# Regenerate the language golden files from the reference Nix (nix-instantiate 2.8).
bless-lang *CASES:
    scripts/bless-lang.sh {{CASES}}

# Time ntop against nix-instantiate on the same inputs and print the ratios.
bench:
    scripts/bench.sh
