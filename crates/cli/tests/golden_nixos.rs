//! The mini-NixOS golden suite: every case under `nix-fixtures/nixos` (option values, `.drv`
//! and output paths of top levels and their parts) as the reference Nix 2.8 computed them by
//! evaluating our bundle (`scripts/bless-nixos.sh`); ntop must print the same.
//!
//! The `seed-*` cases read the project's seed through `-I seed=…` (`../shared/seed` beside the
//! repository, as in CI, or `$NTOP_SEED_DIR`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

#[test]
fn golden_nixos() {
    let root = repo();
    let dir = root.join("nix-fixtures/nixos");
    let seed = std::env::var_os("NTOP_SEED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/seed"));
    let mut cases: Vec<String> = std::fs::read_dir(&dir)
        .expect("reading nix-fixtures/nixos")
        .filter_map(|e| {
            e.ok()?
                .file_name()
                .to_str()?
                .strip_suffix(".nix")
                .map(str::to_owned)
        })
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    for case in &cases {
        let home = std::env::temp_dir().join(format!("ntop-nixos-{}-{case}", std::process::id()));
        let _ = std::fs::create_dir_all(&home);
        let out = Command::new(env!("CARGO_BIN_EXE_ntop"))
            .args([
                "instantiate",
                "--eval",
                "--strict",
                "--json",
                "--color",
                "never",
            ])
            .args(["-I", &format!("seed={}", seed.display())])
            .arg(dir.join(format!("{case}.nix")))
            .current_dir(&dir)
            .env_remove("NIX_PATH")
            .env("HOME", &home)
            .output()
            .expect("running ntop");
        let _ = std::fs::remove_dir_all(&home);
        let expected =
            std::fs::read_to_string(dir.join(format!("{case}.exp"))).expect("reading .exp");
        let got = String::from_utf8_lossy(&out.stdout);
        // The bless script ends each .exp with a newline; Nix 2.8 prints JSON without one.
        if !out.status.success() || got.trim_end() != expected.trim_end() {
            failures.push(format!(
                "=== {case}\n--- expected\n{expected}\n--- got\n{got}\n--- stderr\n{}",
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .take(12)
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\ngolden_nixos: {} of {} case(s) failed",
        failures.join("\n"),
        failures.len(),
        cases.len()
    );
}
