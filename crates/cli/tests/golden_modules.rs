//! The module-system golden suite: every case under `nix-fixtures/modules` is evaluated by
//! `ntop instantiate` with the bundled lib as `<nixpkgs>` and compared with what the reference
//! Nix 2.8 printed for the same case with the *real* nixpkgs lib (`scripts/bless-modules.sh`).
//!
//! Success cases must print exactly the same output. `eval-fail-*` cases must fail, and the
//! message must contain every fact (option name, file, type) that Nix's message quotes — the
//! `fact=` lines of the `.exp`. `NTOP_GOLDEN_FILTER=substring` runs a subset.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

#[test]
fn golden_modules() {
    let root = repo();
    let dir = root.join("nix-fixtures/modules");
    let bundle = root.join("bundle");
    let filter = std::env::var("NTOP_GOLDEN_FILTER").unwrap_or_default();
    let mut cases: Vec<String> = std::fs::read_dir(&dir)
        .expect("reading nix-fixtures/modules")
        .filter_map(|e| {
            e.ok()?
                .file_name()
                .to_str()?
                .strip_suffix(".nix")
                .map(str::to_owned)
        })
        .filter(|n| n.contains(filter.as_str()))
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no module cases match {filter:?}");

    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..std::thread::available_parallelism().map_or(2, |n| n.get()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(case) = cases.get(i) else { break };
                if let Err(why) = check(&dir, &bundle, case) {
                    failures
                        .lock()
                        .expect("lock")
                        .push(format!("=== {case}\n{why}"));
                }
            });
        }
    });
    let mut failures = failures.into_inner().expect("lock");
    failures.sort();
    assert!(
        failures.is_empty(),
        "{}\ngolden_modules: {} of {} case(s) failed",
        failures.join("\n"),
        failures.len(),
        cases.len()
    );
}

fn check(dir: &Path, bundle: &Path, case: &str) -> Result<(), String> {
    let flags = std::fs::read_to_string(dir.join(format!("{case}.flags")))
        .unwrap_or_else(|_| "--eval --strict --json @FILE@".into());
    let file = dir.join(format!("{case}.nix"));
    let args: Vec<String> = flags
        .split_whitespace()
        .map(|w| {
            w.replace("@FILE@", &file.display().to_string())
                .replace("@DIR@", &dir.display().to_string())
        })
        .collect();
    let home = std::env::temp_dir().join(format!("ntop-modules-{}-{case}", std::process::id()));
    let _ = std::fs::create_dir_all(&home);
    let out = Command::new(env!("CARGO_BIN_EXE_ntop"))
        .arg("instantiate")
        .args(["-I", &format!("nixpkgs={}", bundle.display())])
        .args(&args)
        .args(["--color", "never"])
        .current_dir(dir)
        .env_remove("NIX_PATH")
        .env("HOME", &home)
        .env("TZ", "UTC")
        .output()
        .map_err(|e| format!("cannot run ntop: {e}"))?;
    let _ = std::fs::remove_dir_all(&home);
    let normalise = |s: &[u8]| {
        String::from_utf8_lossy(s)
            .replace(&dir.display().to_string(), "@DIR@")
            .replace(&bundle.display().to_string(), "@NIXPKGS@")
    };
    let (stdout, stderr) = (normalise(&out.stdout), normalise(&out.stderr));
    let expected = std::fs::read_to_string(dir.join(format!("{case}.exp")))
        .map_err(|e| format!("no .exp: {e}"))?;
    if case.starts_with("eval-fail-") {
        if out.status.success() {
            return Err(format!("expected a failure, got success:\n{stdout}"));
        }
        let missing: Vec<&str> = expected
            .lines()
            .filter_map(|l| l.strip_prefix("fact="))
            .filter(|fact| !stderr.contains(fact))
            .collect();
        if !missing.is_empty() {
            return Err(format!("the error lacks {missing:?}:\n{stderr}"));
        }
        return Ok(());
    }
    if !out.status.success() {
        return Err(format!(
            "failed:\n{}",
            stderr.lines().take(15).collect::<Vec<_>>().join("\n")
        ));
    }
    if stdout != expected {
        return Err(format!(
            "stdout differs\n--- expected\n{expected}\n--- got\n{stdout}"
        ));
    }
    Ok(())
}
