//! The golden-fixture runner shared by the suites under `nix-fixtures/` that follow the `lang/`
//! format (`golden_lang`, `golden_builtins`): every case of a directory is run through
//! `ntop instantiate` and compared with what the reference `nix-instantiate` 2.8 printed for it.
//!
//! The expectations come only from the reference Nix, through `scripts/bless-lang.sh`; this
//! runner never writes them (there is deliberately no `UPDATE_EXPECT`). The format is described
//! in `nix-fixtures/README.md`. Every mismatch is collected and reported in one failure.
//!
//! `NTOP_GOLDEN_FILTER=substring` runs only the cases whose name contains the substring.

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A case that runs longer than this is killed and reported.
const CASE_TIMEOUT: Duration = Duration::from_secs(120);
/// How many lines of each side a stdout mismatch shows around the first difference.
const DIFF_CONTEXT: usize = 3;
/// The longest line a report shows in full.
const MAX_LINE: usize = 300;

/// Runs every case directly in `dir` and reports every mismatch at once; `suite` names the run
/// in messages.
pub fn run_fixture_dir(dir: &Path, suite: &str) {
    let filter = std::env::var("NTOP_GOLDEN_FILTER").unwrap_or_default();
    let cases: Vec<String> = case_names(dir)
        .into_iter()
        .filter(|name| name.contains(filter.as_str()))
        .collect();
    assert!(
        !cases.is_empty(),
        "no golden cases in {} match NTOP_GOLDEN_FILTER={filter:?}",
        dir.display()
    );

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
                if let Err(report) = check_case(dir, name) {
                    failures.lock().unwrap().push((name.clone(), report));
                }
            });
        }
    });

    let mut failures = failures.into_inner().unwrap();
    if failures.is_empty() {
        eprintln!("{suite}: {} case(s) passed", cases.len());
        return;
    }
    failures.sort();
    let mut report = String::new();
    for (name, why) in &failures {
        let _ = writeln!(report, "=== {name}\n{}", why.trim_end());
    }
    let names: Vec<&str> = failures.iter().map(|(n, _)| n.as_str()).collect();
    panic!(
        "{report}\n{suite}: {} of {} case(s) failed: {}",
        failures.len(),
        cases.len(),
        names.join(" ")
    );
}

/// What a case's `.exp` promises.
enum Expectation {
    /// The exact standard output (bytes: Nix prints strings' bytes raw, and a case may hold
    /// invalid UTF-8 on purpose), and the standard error where a `.stderr.exp` exists.
    Success {
        stdout: Vec<u8>,
        stderr: Option<String>,
    },
    /// A failure, and where in the case file Nix located it (`LINE:COL`), if it did.
    Failure { pos: Option<String> },
}

fn check_case(dir: &Path, name: &str) -> Result<(), String> {
    let expected = read_expectation(dir, name)?;
    let args = case_args(dir, name)?;
    let run = run_ntop(dir, &args)?;
    let stdout_bytes = normalise_bytes(&run.stdout, dir);
    // For messages only; comparisons use the bytes.
    let stdout = String::from_utf8_lossy(&stdout_bytes).into_owned();
    let stderr = normalise(&strip_ansi(&run.stderr), dir);
    let argv = format!("ntop instantiate {}", args.join(" "));

    match expected {
        Expectation::Success {
            stdout: exp_out,
            stderr: exp_err,
        } => {
            let mut why = String::new();
            if run.status != Some(0) {
                let _ = writeln!(
                    why,
                    "expected success, got {}\nstderr:\n{}",
                    describe_status(run.status),
                    excerpt(&stderr, 12)
                );
            } else if stdout_bytes != exp_out {
                let exp_text = String::from_utf8_lossy(&exp_out);
                let _ = writeln!(why, "stdout differs\n{}", short_diff(&exp_text, &stdout));
                if exp_text == stdout {
                    let _ = writeln!(why, "(the difference is in bytes that are not UTF-8)");
                }
            }
            if let Some(exp_err) = exp_err {
                if stderr != exp_err {
                    let _ = writeln!(why, "stderr differs\n{}", short_diff(&exp_err, &stderr));
                }
            }
            if why.is_empty() {
                Ok(())
            } else {
                Err(format!("$ {argv}\n{why}"))
            }
        }
        Expectation::Failure { pos } => {
            if run.status == Some(0) {
                return Err(format!(
                    "$ {argv}\nexpected a failure, ntop succeeded\nstdout:\n{}",
                    excerpt(&stdout, 12)
                ));
            }
            if run.status.is_none() {
                return Err(format!(
                    "$ {argv}\nexpected a failure, got {}\nstderr:\n{}",
                    describe_status(run.status),
                    excerpt(&stderr, 12)
                ));
            }
            if let Some(pos) = pos {
                let wanted = format!("{name}.nix:{pos}");
                if !stderr.contains(&wanted) {
                    return Err(format!(
                        "$ {argv}\nthe error does not mention {wanted}\nstderr:\n{}",
                        excerpt(&stderr, 12)
                    ));
                }
            }
            Ok(())
        }
    }
}

/// `nix-fixtures/<area>`, canonical.
pub fn fixture_dir(area: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../nix-fixtures")
        .join(area);
    dir.canonicalize()
        .unwrap_or_else(|e| panic!("fixture directory {}: {e}", dir.display()))
}

/// The cases: the `.nix` files directly in the fixture directory, sorted by name.
fn case_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            if !path.is_file() {
                return None;
            }
            let name = path.file_name()?.to_str()?;
            name.strip_suffix(".nix").map(str::to_owned)
        })
        .collect();
    names.sort();
    names
}

fn is_failure_case(name: &str) -> bool {
    name.starts_with("eval-fail-") || name.starts_with("parse-fail-")
}

/// `<case>.ntop.exp` records a deliberate difference from Nix 2.8: `#` lines say why (at least
/// one is required), then either `status=`/`pos=` lines (ntop fails where Nix did not) or the
/// expected standard output. The reference `.exp` stays beside it as the record of what Nix does.
fn read_deliberate_difference(dir: &Path, name: &str) -> Result<Option<Expectation>, String> {
    let path = dir.join(format!("{name}.ntop.exp"));
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let reasons = text.lines().take_while(|l| l.starts_with('#')).count();
    if reasons == 0 {
        return Err(format!(
            "{}: a deliberate difference must say why in `#` lines",
            path.display()
        ));
    }
    let body: Vec<&str> = text.lines().skip(reasons).collect();
    if body.iter().any(|l| l.starts_with("status=")) {
        let pos = body
            .iter()
            .find_map(|l| l.strip_prefix("pos="))
            .map(str::to_owned);
        return Ok(Some(Expectation::Failure { pos }));
    }
    let mut stdout = body.join("\n");
    stdout.push('\n');
    Ok(Some(Expectation::Success {
        stdout: stdout.into_bytes(),
        stderr: None,
    }))
}

fn read_expectation(dir: &Path, name: &str) -> Result<Expectation, String> {
    if let Some(e) = read_deliberate_difference(dir, name)? {
        return Ok(e);
    }
    let exp_path = dir.join(format!("{name}.exp"));
    let exp = std::fs::read(&exp_path).map_err(|e| {
        format!(
            "cannot read {}: {e} (bless it with scripts/bless-lang.sh)",
            exp_path.display()
        )
    })?;
    if !is_failure_case(name) {
        let stderr_path = dir.join(format!("{name}.stderr.exp"));
        let stderr = stderr_path
            .exists()
            .then(|| read_lossy(&stderr_path))
            .transpose()
            .map_err(|e| format!("cannot read {}: {e}", stderr_path.display()))?;
        return Ok(Expectation::Success {
            stdout: exp,
            stderr,
        });
    }
    let exp = String::from_utf8_lossy(&exp);
    let mut saw_status = false;
    let mut pos = None;
    for line in exp.lines() {
        if let Some(status) = line.strip_prefix("status=") {
            saw_status = status.parse::<i32>().is_ok_and(|s| s != 0);
        } else if let Some(p) = line.strip_prefix("pos=") {
            pos = Some(p.to_owned());
        }
    }
    if !saw_status {
        return Err(format!(
            "{}: no non-zero `status=` line",
            exp_path.display()
        ));
    }
    Ok(Expectation::Failure { pos })
}

/// A file's text; bytes that are not UTF-8 become U+FFFD, as they do in captured standard
/// error (messages are compared as text).
fn read_lossy(path: &Path) -> std::io::Result<String> {
    Ok(String::from_utf8_lossy(&std::fs::read(path)?).into_owned())
}

/// The case's arguments: the words of `<case>.flags` (default `--eval --strict @FILE@`) with
/// `@FILE@` and `@DIR@` replaced.
fn case_args(dir: &Path, name: &str) -> Result<Vec<String>, String> {
    let flags_path = dir.join(format!("{name}.flags"));
    let flags = if flags_path.exists() {
        std::fs::read_to_string(&flags_path)
            .map_err(|e| format!("cannot read {}: {e}", flags_path.display()))?
    } else {
        "--eval --strict @FILE@".to_owned()
    };
    let dir_str = dir.to_str().ok_or("the fixture directory is not UTF-8")?;
    let file = format!("{dir_str}/{name}.nix");
    let words = split_flags(&flags).map_err(|e| format!("{}: {e}", flags_path.display()))?;
    Ok(words
        .into_iter()
        .map(|w| w.replace("@FILE@", &file).replace("@DIR@", dir_str))
        .collect())
}

/// Splits on whitespace; a single-quoted stretch is literal and may hold whitespace; quoted and
/// unquoted text next to each other form one word. (The same rule as `scripts/bless-lang.sh`.)
pub fn split_flags(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quoted = false;
    for ch in text.chars() {
        if quoted {
            if ch == '\'' {
                quoted = false;
            } else {
                word.push(ch);
            }
        } else if ch == '\'' {
            quoted = true;
            in_word = true;
        } else if ch.is_whitespace() {
            if in_word {
                words.push(std::mem::take(&mut word));
            }
            in_word = false;
        } else {
            word.push(ch);
            in_word = true;
        }
    }
    if quoted {
        return Err("unterminated single quote".to_owned());
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

struct Run {
    /// `None` when the process was killed (by a signal or the timeout).
    status: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

fn run_ntop(dir: &Path, args: &[String]) -> Result<Run, String> {
    let home = fresh_home()?;
    let mut child = Command::new(env!("CARGO_BIN_EXE_ntop"))
        .arg("instantiate")
        .args(args)
        .current_dir(dir)
        .env_remove("NIX_PATH")
        .env("HOME", &home)
        .env("TZ", "UTC")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start ntop: {e}"))?;

    let mut out_pipe = child.stdout.take().expect("piped stdout");
    let mut err_pipe = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out_pipe.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err_pipe.read_to_end(&mut buf);
        buf
    });

    let started = Instant::now();
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > CASE_TIMEOUT => {
                let _ = child.kill();
                timed_out = true;
                break child.wait().map_err(|e| format!("waiting for ntop: {e}"))?;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(format!("waiting for ntop: {e}")),
        }
    };
    let stdout = out_reader.join().unwrap_or_default();
    let mut stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    let _ = std::fs::remove_dir_all(&home);
    if timed_out {
        let _ = write!(stderr, "\n[killed after {}s]", CASE_TIMEOUT.as_secs());
    }
    Ok(Run {
        status: if timed_out { None } else { status.code() },
        stdout,
        stderr,
    })
}

/// A new empty directory to serve as the case's `HOME`.
fn fresh_home() -> Result<PathBuf, String> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let home = std::env::temp_dir().join(format!("ntop-golden-home-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).map_err(|e| format!("creating {}: {e}", home.display()))?;
    Ok(home)
}

fn normalise(text: &str, dir: &Path) -> String {
    text.replace(dir.to_str().unwrap_or("\0"), "@DIR@")
}

/// `normalise` over raw bytes.
fn normalise_bytes(bytes: &[u8], dir: &Path) -> Vec<u8> {
    let needle = dir.as_os_str().as_encoded_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while !needle.is_empty() {
        match rest.windows(needle.len()).position(|w| w == needle) {
            Some(i) => {
                out.extend_from_slice(&rest[..i]);
                out.extend_from_slice(b"@DIR@");
                rest = &rest[i + needle.len()..];
            }
            None => break,
        }
    }
    out.extend_from_slice(rest);
    out
}

/// Removes ANSI escape sequences (`ESC [ … letter`), should ntop colour its diagnostics.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(ch) = chars.next() {
        if ch == '\u{1b}' {
            if chars.clone().next() == Some('[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(ch);
    }
    out
}

fn describe_status(status: Option<i32>) -> String {
    match status {
        Some(code) => format!("exit status {code}"),
        None => "a killed process (signal or timeout)".to_owned(),
    }
}

/// A short account of how `got` differs from `expected`: the first differing line with a few
/// lines of context from each side.
fn short_diff(expected: &str, got: &str) -> String {
    let exp: Vec<&str> = expected.split_inclusive('\n').collect();
    let got_lines: Vec<&str> = got.split_inclusive('\n').collect();
    let first = exp
        .iter()
        .zip(&got_lines)
        .position(|(a, b)| a != b)
        .unwrap_or(exp.len().min(got_lines.len()));
    let from = first.saturating_sub(DIFF_CONTEXT);
    let mut out = format!("first difference at line {}\n", first + 1);
    for (label, lines) in [("expected", &exp), ("got", &got_lines)] {
        let _ = writeln!(out, "--- {label} ({} line(s)):", lines.len());
        for line in lines.iter().skip(from).take(2 * DIFF_CONTEXT + 1) {
            let _ = writeln!(out, "  {}", shorten(&format!("{line:?}")));
        }
    }
    out
}

fn excerpt(text: &str, max_lines: usize) -> String {
    let mut out = String::new();
    for line in text.lines().take(max_lines) {
        let _ = writeln!(out, "  {}", shorten(line));
    }
    if text.lines().count() > max_lines {
        out.push_str("  …\n");
    }
    out
}

fn shorten(line: &str) -> String {
    if line.chars().count() <= MAX_LINE {
        return line.to_owned();
    }
    let head: String = line.chars().take(MAX_LINE).collect();
    format!("{head}… ({} chars)", line.chars().count())
}
