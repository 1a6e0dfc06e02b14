//! Memory running out is an error, not a crash: under an address-space limit, an evaluation
//! that needs more memory than it may have ends with "error: out of memory" and exit status
//! 1 — what `nix-instantiate` 2.8.0 prints under the same limit (its Boehm collector's "GC
//! Warning" line before it aside). The test runs Nix too, when it is installed, and compares
//! the status and the last line of standard error.
//!
//! Three ways to run out: one huge allocation (`genList` of 10⁹ elements), a string doubled
//! forty times (each `+` allocates the whole string: 1 TiB at the end), and many small
//! allocations growing to the limit (10⁸ strings); and, ntop's own, the evaluator's stack
//! growing past the limit.

use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, Output};

mod common;

/// The address-space limit (bytes): room for ntop's 256 MB main stack and mimalloc's first
/// segments, far less than any case needs.
const LIMIT: u64 = 1 << 30;

const HUGE_LIST: &str = "builtins.length (builtins.genList (x: x) 1000000000)";
const DEEP_STRING: &str = "let f = n: if n == 0 then \"x\" else let s = f (n - 1); in s + s; \
                           in builtins.stringLength (f 40)";
const MANY_SMALL: &str = "builtins.length (builtins.genList (x: toString x) 100000000)";

/// `command` with RLIMIT_AS at `LIMIT` and no core dumps.
fn limited(mut command: Command) -> Output {
    // SAFETY: setrlimit is async-signal-safe and touches only the child's own limits.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: LIMIT,
                rlim_max: LIMIT,
            };
            let none = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0
                || libc::setrlimit(libc::RLIMIT_CORE, &none) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    command.output().expect("running the command")
}

fn ntop(work: &Path, expr: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ntop"));
    cmd.args(["instantiate", "--eval", "--color", "never", "-E", expr])
        .arg("--store")
        .arg(work.join("store"))
        .env("HOME", work)
        .env("NIX_CONF_DIR", work)
        .env_remove("NIX_CONFIG")
        .env("XDG_CACHE_HOME", work.join("cache"));
    limited(cmd)
}

/// Nix 2.8's answer, if `nix-instantiate` is installed.
fn nix(work: &Path, expr: &str) -> Option<Output> {
    let mut cmd = Command::new("nix-instantiate");
    cmd.args(["--eval", "-E", expr])
        .arg("--store")
        .arg(format!("local?root={}", work.join("nix").display()))
        .env("HOME", work)
        .env("NIX_CONFIG", "substituters =\n")
        .env("XDG_CACHE_HOME", work.join("cache"));
    Command::new("nix-instantiate")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    Some(limited(cmd))
}

fn last_line(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()
        .unwrap_or("")
        .to_owned()
}

fn check(label: &str, expr: &str) {
    let work = common::scratch(&format!("oom-{label}"));
    let out = ntop(&work, expr);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.signal(), None, "killed by a signal: {stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr, "error: out of memory\n");
    assert!(out.stdout.is_empty(), "{:?}", out.stdout);
    if let Some(reference) = nix(&work, expr) {
        assert_eq!(reference.status.code(), Some(1), "Nix: {reference:?}");
        assert_eq!(last_line(&reference), last_line(&out));
    }
    common::remove(&work);
}

#[test]
fn one_huge_allocation_is_out_of_memory() {
    check("huge", HUGE_LIST);
}

#[test]
fn a_string_doubled_past_the_limit_is_out_of_memory() {
    check("string", DEEP_STRING);
}

#[test]
fn many_small_allocations_past_the_limit_are_out_of_memory() {
    check("small", MANY_SMALL);
}

/// Recursion allowed to go deeper than memory allows (`max-call-depth` raised past any
/// stack that fits): the evaluator's stack cannot grow any further, and that too is out of
/// memory, not a crash. (Nix 2.8's stack is fixed, so it reports "stack overflow" here: no
/// comparison.)
#[test]
fn stack_growth_past_the_limit_is_out_of_memory() {
    let work = common::scratch("oom-stack");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ntop"));
    cmd.args(["instantiate", "--eval", "--color", "never"])
        .args(["--option", "max-call-depth", "100000000"])
        .args(["-E", "let f = x: 1 + f x; in f 0"])
        .arg("--store")
        .arg(work.join("store"))
        .env("HOME", &work)
        .env("NIX_CONF_DIR", &work)
        .env_remove("NIX_CONFIG")
        .env("XDG_CACHE_HOME", work.join("cache"));
    let out = limited(cmd);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.signal(), None, "killed by a signal: {stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr, "error: out of memory\n");
    common::remove(&work);
}

/// Runaway recursion is reported at about Nix's depth, long before memory runs out: under the
/// same 1 GiB limit both say "stack overflow" with status 1 (ntop used 1.3 GB before its
/// default depth limit came down to Nix's, so it ran out of memory here). Recursion that Nix
/// 2.8 evaluates (50 000 calls deep; it overflows near 73 000) evaluates in ntop too.
#[test]
fn runaway_recursion_is_a_stack_overflow_within_the_limit() {
    let work = common::scratch("oom-runaway");
    for expr in ["let f = x: f (x + 1); in f 0", "let f = n: 1 + f n; in f 0"] {
        let out = ntop(&work, expr);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.signal(), None, "killed by a signal: {stderr}");
        assert_eq!(out.status.code(), Some(1), "{expr}: {stderr}");
        assert!(
            stderr.contains("stack overflow") && stderr.contains("possible infinite recursion"),
            "{expr}: {stderr}"
        );
        if let Some(reference) = nix(&work, expr) {
            assert_eq!(reference.status.code(), Some(1), "Nix: {reference:?}");
            assert_eq!(
                last_line(&reference),
                "error: stack overflow (possible infinite recursion)"
            );
        }
    }
    let deep = "let f = n: if n == 0 then 0 else 1 + f (n - 1); in f 50000";
    let out = ntop(&work, deep);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "50000\n");
    if let Some(reference) = nix(&work, deep) {
        assert_eq!(String::from_utf8_lossy(&reference.stdout), "50000\n");
    }
    common::remove(&work);
}

/// The limit leaves room for ordinary work: the same command with a small list succeeds.
#[test]
fn evaluation_within_the_limit_succeeds() {
    let work = common::scratch("oom-within");
    let out = ntop(
        &work,
        "builtins.length (builtins.genList (x: toString x) 100000)",
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "100000\n");
    common::remove(&work);
}
