//! `timeout` and `max-silent-time`: a builder running too long, or too quietly, is killed
//! and its build fails as in Nix 2.8. The expected messages and exit status are what
//! `nix-build` 2.8.0 printed for the same derivations (`--timeout 1`, `--max-silent-time 1`,
//! `sandbox = false`, a throwaway store):
//!
//! ```text
//! error: building of '/…/store/…-slow2.drv!out' from .drv file timed out after 1 seconds
//! error: building of '/…/store/…-quiet2.drv!out' from .drv file timed out after 1 seconds of silence
//! ```
//!
//! both with exit status 101 (Nix's `Worker::exitStatus`: 100 for a failed build, + 1 for a
//! timeout).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

mod common;
use common::{outputs_named, remove};

fn scratch(label: &str) -> PathBuf {
    common::scratch(&format!("limits-{label}"))
}

/// Builds a derivation running `script` with `flags`, without the sandbox, in `work`'s store.
fn build(work: &Path, name: &str, script: &str, flags: &[&str]) -> (Output, Duration) {
    let file = work.join(format!("{name}.nix"));
    std::fs::write(
        &file,
        format!(
            "derivation {{ name = \"{name}\"; system = builtins.currentSystem; \
             builder = \"/bin/sh\"; args = [ \"-c\" ''{script}'' ]; }}\n"
        ),
    )
    .expect("writing the expression");
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_ntop"))
        .args(["build", "--color", "never", "--no-out-link", "--no-sandbox"])
        .arg(&file)
        .arg("--store")
        .arg(work.join("store"))
        .arg("--store-dir")
        .arg(work.join("store/store"))
        .args(flags)
        .env("HOME", work)
        .env("TMPDIR", work.join("tmp"))
        .env("NIX_CONF_DIR", work)
        .env_remove("NIX_CONFIG")
        .env("XDG_CACHE_HOME", work.join("cache"))
        .output()
        .expect("running ntop build");
    (out, started.elapsed())
}

fn assert_timed_out(out: &Output, took: Duration, name: &str, suffix: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(101), "{stderr}");
    let expected = format!("-{name}.drv!out' from .drv file timed out after 1 seconds{suffix}");
    let line = stderr
        .lines()
        .find(|l| l.contains(&expected))
        .unwrap_or_else(|| panic!("no line with {expected:?}:\n{stderr}"));
    assert!(line.contains("building of '"), "{line}");
    if suffix.is_empty() {
        assert!(!line.contains("of silence"), "{line}");
    }
    // Killed at the limit, not when the builder would have finished (after 5 s).
    assert!(took < Duration::from_secs(4), "took {took:?}");
}

#[test]
fn a_builder_running_past_the_timeout_is_killed() {
    let work = scratch("timeout");
    let (out, took) = build(
        &work,
        "slow",
        "/bin/sleep 5; echo done > $out",
        &["--timeout", "1"],
    );
    assert_timed_out(&out, took, "slow", "");
    assert_eq!(outputs_named(&work, "slow"), Vec::<PathBuf>::new());
    remove(&work);
}

#[test]
fn a_builder_silent_past_max_silent_time_is_killed() {
    let work = scratch("silent");
    let (out, took) = build(
        &work,
        "quiet",
        "echo hi; /bin/sleep 5; echo done > $out",
        &["--max-silent-time", "1"],
    );
    assert_timed_out(&out, took, "quiet", " of silence");
    assert_eq!(outputs_named(&work, "quiet"), Vec::<PathBuf>::new());
    remove(&work);
}

/// Output resets the silence clock: a builder that speaks every half second runs to its end
/// under `max-silent-time = 1`, and one that finishes within `timeout` is not touched.
#[test]
fn builders_within_their_limits_finish() {
    let work = scratch("within");
    let (out, _) = build(
        &work,
        "chatty",
        "for i in 1 2 3 4; do echo $i; /bin/sleep 0.5; done; echo done > $out",
        &["--max-silent-time", "1", "--timeout", "30"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(outputs_named(&work, "chatty").len(), 1);
    remove(&work);
}

/// nixpkgs' `lib/tests/modules.sh` evaluates with `nix-instantiate --timeout 1 --eval-only`:
/// the setting concerns builds, and evaluation goes on as Nix's does.
#[test]
fn the_timeout_setting_leaves_evaluation_alone() {
    let work = scratch("eval");
    let out = Command::new(env!("CARGO_BIN_EXE_ntop"))
        .args([
            "instantiate",
            "--timeout",
            "1",
            "--eval-only",
            "-E",
            "1 + 1",
        ])
        .arg("--store")
        .arg(work.join("store"))
        .env("HOME", &work)
        .env("NIX_CONF_DIR", &work)
        .env_remove("NIX_CONFIG")
        .output()
        .expect("running ntop instantiate");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "2\n");
    remove(&work);
}

/// `build-memory-limit` and `build-max-processes` are ntop's own settings (no Nix has them;
/// `docs/builder.md`): a builder over its limit fails as a failed builder does in Nix —
/// status 100, "builder for '…' failed with exit code N" — here with the limits it ran
/// under named, and leaves no output.
fn assert_failed_under(out: &Output, name: &str, limit: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(100), "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.contains(&format!("-{name}.drv' failed with exit code")))
        .unwrap_or_else(|| panic!("no failure line for {name}:\n{stderr}"));
    assert!(line.contains(&format!("(it ran under {limit}")), "{line}");
}

/// Allocates `mb` megabytes in one piece (Python: an interpreter whose failure to allocate
/// is a clean `MemoryError`, status 1).
fn allocate(mb: u32) -> String {
    format!("/usr/bin/python3 -c 'bytearray({mb} * 1024 * 1024)' && echo done > $out")
}

#[test]
fn a_builder_over_its_memory_limit_fails_and_leaves_nothing() {
    if !Path::new("/usr/bin/python3").exists() {
        eprintln!("skipping: needs /usr/bin/python3");
        return;
    }
    let work = scratch("memory");
    let limit = ["--option", "build-memory-limit", "300000000"];
    let (out, _) = build(&work, "greedy", &allocate(400), &limit);
    assert_failed_under(
        &out,
        "greedy",
        "build-memory-limit = 300000000 (bytes of address space per process)",
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("MemoryError"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(outputs_named(&work, "greedy"), Vec::<PathBuf>::new());
    // Within the limit, the same builder succeeds.
    let (out, _) = build(&work, "modest", &allocate(20), &limit);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(outputs_named(&work, "modest").len(), 1);
    remove(&work);
}

#[test]
fn a_builder_over_its_process_limit_fails_and_leaves_nothing() {
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        // RLIMIT_NPROC counts every process of a non-root caller, not only the build's.
        eprintln!("skipping: the process limit is the build's own only for root's builds");
        return;
    }
    let work = scratch("procs");
    let limit = ["--option", "build-max-processes", "4"];
    // Within the limit: the shell and two children.
    let (out, _) = build(
        &work,
        "calm",
        "set -e; for i in 1 2; do /bin/sleep 0.2 & done; wait; echo done > $out",
        &limit,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(outputs_named(&work, "calm").len(), 1);
    let (out, _) = build(
        &work,
        "forky",
        "set -e; for i in 1 2 3 4 5 6 7 8; do /bin/sleep 1 & done; wait; echo done > $out",
        &limit,
    );
    assert_failed_under(&out, "forky", "build-max-processes = 4");
    assert_eq!(outputs_named(&work, "forky"), Vec::<PathBuf>::new());
    remove(&work);
}
