//! Snapshots of rendered evaluation diagnostics (`nix-fixtures/diagnostics`): fixed width, no
//! colour, the fixture directory normalised. See that directory's README for how they are kept.

use std::path::Path;
use std::process::Command;

#[test]
fn rendered_evaluation_diagnostics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../nix-fixtures/diagnostics")
        .canonicalize()
        .unwrap();
    let mut cases: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
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
        let out = Command::new(env!("CARGO_BIN_EXE_ntop"))
            .args(["instantiate", "--eval", "--strict", "--color", "never"])
            .arg(format!("{case}.nix"))
            .current_dir(&dir)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{case} must fail");
        let got = String::from_utf8_lossy(&out.stderr).replace(&dir.display().to_string(), "@DIR@");
        let expected = std::fs::read_to_string(dir.join(format!("{case}.render.exp"))).unwrap();
        if got != expected {
            failures.push(format!(
                "=== {case}\n--- expected\n{expected}--- got\n{got}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
