//! The derivation golden suite: every case under `nix-fixtures/derivations` is run through
//! `ntop instantiate --store TMP` and compared with what the reference `nix-instantiate` 2.8
//! printed and wrote for it: the printed `.drv` paths, and the exact bytes of every `.drv` file
//! of their closures, read from the temporary store's files, and what `ntop show-derivation -r`
//! prints for them.
//!
//! Expectations come only from the reference Nix, through `scripts/bless-derivations.sh`, which
//! also documents the format. Every mismatch is collected and reported in one failure.
//! `NTOP_GOLDEN_FILTER=substring` runs only the cases whose name contains the substring.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

#[test]
fn golden_derivations() {
    let dir = fixture_dir();
    let filter = std::env::var("NTOP_GOLDEN_FILTER").unwrap_or_default();
    let cases: Vec<String> = case_names(&dir)
        .into_iter()
        .filter(|name| name.contains(filter.as_str()))
        .collect();
    assert!(!cases.is_empty(), "no derivation cases match {filter:?}");

    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::<(String, String)>::new());
    let workers = std::thread::available_parallelism()
        .map_or(4, |n| n.get())
        .min(16);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(name) = cases.get(i) else { break };
                if let Err(report) = check_case(&dir, name) {
                    failures.lock().unwrap().push((name.clone(), report));
                }
            });
        }
    });

    let mut failures = failures.into_inner().unwrap();
    if failures.is_empty() {
        eprintln!("golden_derivations: {} case(s) passed", cases.len());
        return;
    }
    failures.sort();
    let mut report = String::new();
    for (name, why) in &failures {
        let _ = writeln!(report, "=== {name}\n{}", why.trim_end());
    }
    let names: Vec<&str> = failures.iter().map(|(n, _)| n.as_str()).collect();
    panic!(
        "{report}\ngolden_derivations: {} of {} case(s) failed: {}",
        failures.len(),
        cases.len(),
        names.join(" ")
    );
}

fn fixture_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../nix-fixtures/derivations");
    dir.canonicalize()
        .unwrap_or_else(|e| panic!("fixture directory {}: {e}", dir.display()))
}

fn case_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let name = path.file_name()?.to_str()?.strip_suffix(".nix")?.to_owned();
            (path.is_file() && name != "lib").then_some(name)
        })
        .collect();
    names.sort();
    names
}

/// A fresh empty directory (a temporary store or `HOME`).
fn temp_dir(label: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("ntop-drv-{label}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creating a temporary directory");
    dir
}

fn check_case(dir: &Path, name: &str) -> Result<(), String> {
    let exp_path = dir.join(format!("{name}.exp"));
    let expected = std::fs::read_to_string(&exp_path).map_err(|e| {
        format!(
            "cannot read {}: {e} (run scripts/bless-derivations.sh {name})",
            exp_path.display()
        )
    })?;
    let mut args: Vec<String> = match std::fs::read_to_string(dir.join(format!("{name}.flags"))) {
        Ok(flags) => flags
            .split_whitespace()
            .map(|w| {
                w.replace(
                    "@FILE@",
                    &dir.join(format!("{name}.nix")).display().to_string(),
                )
                .replace("@DIR@", &dir.display().to_string())
            })
            .collect(),
        Err(_) => vec![format!("{name}.nix")],
    };
    if name.starts_with("files-") {
        args.splice(0..0, ["--eval".to_owned(), "--strict".to_owned()]);
    }
    let store = temp_dir("store");
    let home = temp_dir("home");
    let output = Command::new(env!("CARGO_BIN_EXE_ntop"))
        .arg("instantiate")
        .arg("--store")
        .arg(&store)
        .args(&args)
        .current_dir(dir)
        .env_remove("NIX_PATH")
        .env_remove("NTOP_STORE")
        .env("HOME", &home)
        .env("TZ", "UTC")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot start ntop: {e}"))?;
    let result = compare(dir, name, &expected, &store, &output);
    let _ = make_writable(&store);
    let _ = std::fs::remove_dir_all(&store);
    let _ = std::fs::remove_dir_all(&home);
    result.map_err(|why| format!("$ ntop instantiate --store TMP {}\n{why}", args.join(" ")))
}

fn compare(
    dir: &Path,
    name: &str,
    expected: &str,
    store: &Path,
    output: &std::process::Output,
) -> Result<(), String> {
    let stdout =
        String::from_utf8_lossy(&output.stdout).replace(&dir.display().to_string(), "@DIR@");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let status = output.status.code();
    if name.contains("fail-") {
        if status == Some(0) {
            return Err(format!(
                "expected a failure, ntop succeeded\nstdout:\n{stdout}"
            ));
        }
        if status.is_none() {
            return Err(format!("ntop was killed\nstderr:\n{stderr}"));
        }
        if let Some(pos) = expected.lines().find_map(|l| l.strip_prefix("pos=")) {
            let wanted = format!("{name}.nix:{pos}");
            if !stderr.contains(&wanted) {
                return Err(format!(
                    "the error does not mention {wanted}\nstderr:\n{stderr}"
                ));
            }
        }
        return Ok(());
    }
    if status != Some(0) {
        return Err(format!(
            "expected success, got {status:?}\nstderr:\n{stderr}"
        ));
    }
    if stdout != expected {
        return Err(format!(
            "stdout differs\n--- expected\n{expected}--- got\n{stdout}"
        ));
    }
    if name.starts_with("files-") {
        return Ok(());
    }
    let drvs_path = dir.join(format!("{name}.drvs.exp"));
    let drvs = std::fs::read(&drvs_path)
        .map_err(|e| format!("cannot read {}: {e}", drvs_path.display()))?;
    let mut why = String::new();
    for (path, text) in split_drvs(&drvs)? {
        let base = path.rsplit('/').next().unwrap_or(&path);
        let file = store.join("store").join(base);
        match std::fs::read(&file) {
            Ok(got) if got == text => {}
            Ok(got) => {
                let _ = writeln!(
                    why,
                    "{path} differs\n--- expected\n{}\n--- got\n{}",
                    String::from_utf8_lossy(&text),
                    String::from_utf8_lossy(&got)
                );
            }
            Err(e) => {
                let _ = writeln!(why, "{path} was not written: {e}");
            }
        }
    }
    let show_path = dir.join(format!("{name}.show.exp"));
    if let Ok(show) = std::fs::read(&show_path) {
        let mut roots: Vec<&str> = stdout
            .lines()
            .map(|l| l.split('!').next().unwrap_or(l))
            .collect();
        roots.sort_unstable();
        roots.dedup();
        let out = Command::new(env!("CARGO_BIN_EXE_ntop"))
            .arg("show-derivation")
            .arg("--store")
            .arg(store)
            .arg("-r")
            .args(&roots)
            .output()
            .map_err(|e| format!("cannot start ntop show-derivation: {e}"))?;
        if out.stdout != show {
            let _ = writeln!(
                why,
                "ntop show-derivation -r differs\n--- expected\n{}\n--- got\n{}{}",
                String::from_utf8_lossy(&show),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    if why.is_empty() {
        Ok(())
    } else {
        Err(why)
    }
}

/// The `=== PATH` blocks of a `.drvs.exp` file: each path and the bytes of its `.drv` file.
fn split_drvs(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let header_end = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or("a .drvs.exp header without a newline")?;
        let header = std::str::from_utf8(&rest[..header_end]).map_err(|e| e.to_string())?;
        let path = header
            .strip_prefix("=== ")
            .ok_or_else(|| format!("bad .drvs.exp header {header:?}"))?
            .to_owned();
        rest = &rest[header_end + 1..];
        // The text runs to the newline before the next header (a .drv has no newline itself
        // outside its strings, where newlines are escaped).
        let end = find(rest, b"\n=== ").map_or(rest.len().saturating_sub(1), |i| i);
        out.push((path, rest[..end].to_vec()));
        rest = rest.get(end + 1..).unwrap_or_default();
    }
    Ok(out)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Store objects are read-only; make them removable.
fn make_writable(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::symlink_metadata(dir)?;
    if meta.is_dir() {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))?;
        for entry in std::fs::read_dir(dir)? {
            make_writable(&entry?.path())?;
        }
    }
    Ok(())
}
