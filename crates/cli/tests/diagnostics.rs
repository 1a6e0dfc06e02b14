//! Snapshots of rendered diagnostics (`nix-fixtures/diagnostics`) and of `ntop explain`
//! (`nix-fixtures/explain`): fixed width, no colour, the fixture directory and the unpacked
//! bundle normalised. See those directories' READMEs for how they are kept; with
//! `NTOP_UPDATE_SNAPSHOTS=1` the test rewrites them instead (`just snapshot-diagnostics`), to
//! be reviewed by hand before committing.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../nix-fixtures")
        .join(name)
        .canonicalize()
        .unwrap()
}

/// The cases of a directory: the stems of its files ending in `suffix`.
fn cases(dir: &Path, suffix: &str) -> Vec<String> {
    let mut cases: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            e.ok()?
                .file_name()
                .to_str()?
                .strip_suffix(suffix)
                .map(str::to_owned)
        })
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no cases in {}", dir.display());
    cases
}

/// `dir` as `@DIR@`, the unpacked bundle (`…/ntop/bundle-HASH`) as `@BUNDLE@`.
fn normalise(text: &str, dir: &Path) -> String {
    let text = text.replace(&dir.display().to_string(), "@DIR@");
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("/ntop/bundle-") {
        let start = rest[..i]
            .rfind(|c: char| c.is_whitespace() || matches!(c, '[' | '`' | '\'' | '"'))
            .map_or(0, |j| j + 1);
        let after = i + "/ntop/bundle-".len();
        let end = rest[after..].find('/').map_or(rest.len(), |j| after + j);
        out.push_str(&rest[..start]);
        out.push_str("@BUNDLE@");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Compares `got` with the snapshot at `path`, or rewrites it when asked to.
fn compare(path: &Path, got: &str, failures: &mut Vec<String>) {
    if std::env::var_os("NTOP_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, got).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if got != expected {
        failures.push(format!(
            "=== {}\n--- expected\n{expected}--- got\n{got}",
            path.display()
        ));
    }
}

#[test]
fn rendered_evaluation_diagnostics() {
    let dir = fixture_dir("diagnostics");
    let mut failures = Vec::new();
    for case in cases(&dir, ".nix") {
        let out = Command::new(env!("CARGO_BIN_EXE_ntop"))
            .env("NTOP_STORE", std::env::temp_dir().join("ntop-tests-store"))
            .args(["instantiate", "--eval", "--strict", "--color", "never"])
            .arg(format!("{case}.nix"))
            .current_dir(&dir)
            .env_remove("NIX_PATH")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{case} must fail");
        let got = normalise(&without_bundle_note(&out.stderr), &dir);
        compare(&dir.join(format!("{case}.render.exp")), &got, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `ntop explain MODULE OPTION` for each `CASE.explain` (holding `MODULE OPTION`), against
/// `CASE.explain.exp`: the report, or for an option that does not exist the exit status and
/// the error.
#[test]
fn explain_reports() {
    let dir = fixture_dir("explain");
    let mut failures = Vec::new();
    for case in cases(&dir, ".explain") {
        let request = std::fs::read_to_string(dir.join(format!("{case}.explain"))).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_ntop"))
            .env("NTOP_STORE", std::env::temp_dir().join("ntop-tests-store"))
            .args(["explain", "--color", "never"])
            .args(request.split_whitespace())
            .current_dir(&dir)
            .env_remove("NIX_PATH")
            .output()
            .unwrap();
        // A path that names no option is a snapshot of the error (and its exit status).
        let got = if out.status.success() {
            normalise(&String::from_utf8_lossy(&out.stdout), &dir)
        } else {
            format!(
                "exit status {}\n{}",
                out.status.code().unwrap_or(-1),
                normalise(&String::from_utf8_lossy(&out.stderr), &dir)
            )
        };
        compare(
            &dir.join(format!("{case}.explain.exp")),
            &got,
            &mut failures,
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A module error in `--error-format json`: the documented shape, with one secondary label
/// per definition at the place it is written (modules/host-a.nix:3:3 and host-b.nix:4:5).
#[test]
fn module_error_as_json_names_every_definition() {
    let dir = fixture_dir("diagnostics");
    let out = Command::new(env!("CARGO_BIN_EXE_ntop"))
        .env("NTOP_STORE", std::env::temp_dir().join("ntop-tests-store"))
        .args([
            "instantiate",
            "--eval",
            "--strict",
            "--error-format",
            "json",
        ])
        .arg("module-conflict.nix")
        .current_dir(&dir)
        .env_remove("NIX_PATH")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = without_bundle_note(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one object per diagnostic: {stderr}");
    let v: serde_json::Value = serde_json::from_str(lines[0]).expect("a JSON object");
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let mut documented = vec![
        "severity", "code", "message", "file", "span", "label", "labels", "notes", "help",
    ];
    documented.sort();
    let mut keys = keys.clone();
    keys.sort();
    assert_eq!(keys, documented);
    assert_eq!(v["code"], "eval::throw");
    assert!(v["message"]
        .as_str()
        .unwrap()
        .starts_with("The option `networking.hostName' has conflicting definition values"));
    let places: Vec<String> = v["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let s = &l["span"];
            format!(
                "{}:{}:{}",
                s["file"]
                    .as_str()
                    .unwrap()
                    .replace(&dir.display().to_string(), "@DIR@"),
                s["line_start"],
                s["column_start"]
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            "@DIR@/modules/host-b.nix:4:5",
            "@DIR@/modules/host-a.nix:3:3"
        ]
    );
}

/// Standard error without the one note ntop prints when `<nixpkgs>` is its bundled package
/// set (these cases use the bundle on purpose; the note is not a diagnostic).
fn without_bundle_note(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter(|l| !l.starts_with("ntop: the search path names no 'nixpkgs'"))
        .map(|l| format!("{l}\n"))
        .collect()
}
