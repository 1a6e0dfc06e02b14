//! End-to-end checks of the command line that the golden suites do not cover.

use std::path::PathBuf;
use std::process::Command;

fn ntop() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ntop"))
}

/// Invoked through a symlink named `nix-instantiate`, ntop behaves as `ntop instantiate`, so
/// that scripts calling nix-instantiate can use it unchanged.
#[test]
fn behaves_as_nix_instantiate_under_that_name() {
    let dir = std::env::temp_dir().join(format!("ntop-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("nix-instantiate");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(ntop(), &link).unwrap();
    let out = Command::new(&link)
        .env("NTOP_STORE", std::env::temp_dir().join("ntop-tests-store"))
        .args(["--eval", "--strict", "-E", "{ b = [ 1 2 ]; a = \"x\"; }"])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The Nix manual's printing of a set: attributes sorted, `{ a = "x"; b = [ 1 2 ]; }`.
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{ a = \"x\"; b = [ 1 2 ]; }\n"
    );
}

/// Errors go to stderr with a position and a non-zero exit, never a panic or backtrace.
#[test]
fn errors_have_positions_and_no_backtrace() {
    let out = Command::new(ntop())
        .env("NTOP_STORE", std::env::temp_dir().join("ntop-tests-store"))
        .args([
            "instantiate",
            "--eval",
            "--color",
            "never",
            "-E",
            "let x = 1; in x + \"a\"",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot add a string to an integer"),
        "{stderr}"
    );
    // Nix 2.8 reports the offending operand: `at «string»:1:19`.
    assert!(stderr.contains("«string»:1:19"), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );
}

/// `--error-format json` prints one JSON object per diagnostic with its code and span.
#[test]
fn json_diagnostics() {
    let out = Command::new(ntop())
        .env("NTOP_STORE", std::env::temp_dir().join("ntop-tests-store"))
        .args([
            "instantiate",
            "--eval",
            "--error-format",
            "json",
            "-E",
            "{ a = 1; }.b",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let line = String::from_utf8_lossy(&out.stderr);
    let v: serde_json::Value =
        serde_json::from_str(line.lines().next().unwrap_or("")).expect("one JSON object per line");
    assert_eq!(v["code"], "eval::missing_attribute");
    assert_eq!(v["span"]["line_start"], 1);
    assert_eq!(v["span"]["column_start"], 1);
}

/// `--show-trace` keeps the innermost frames and collapses a recursion's repeated frames into
/// one line with a count, instead of printing the same frame over and over.
#[test]
fn show_trace_collapses_repeated_frames() {
    let out = Command::new(ntop())
        .env("NTOP_STORE", std::env::temp_dir().join("ntop-tests-store"))
        .args([
            "instantiate",
            "--eval",
            "--show-trace",
            "--color",
            "never",
            "-E",
            "let f = n: if n == 0 then throw \"bottom\" else f (n - 1); in f 5",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // f is called six times: the first call (from the top) and five recursive ones, which
    // share one call site.
    assert!(
        stderr.contains("… the frame above repeats 4 more times"),
        "{stderr}"
    );
    assert_eq!(
        stderr
            .matches("while calling function 'f' at «string»:1:47")
            .count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("while calling function 'f' at «string»:1:61"),
        "{stderr}"
    );
}

/// `ntop explain` on a path that names no option fails, naming the closest option (the
/// reports themselves are snapshots in `nix-fixtures/explain`, see tests/diagnostics.rs).
#[test]
fn explain_suggests_a_close_option() {
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../nix-fixtures/explain");
    let out = Command::new(ntop())
        .env("NTOP_STORE", std::env::temp_dir().join("ntop-tests-store"))
        .args(["explain", "--color", "never"])
        .arg(fixtures.join("priorities.nix"))
        .arg("services.openssh.port")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the configuration has no option `services.openssh.port'"),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `services.openssh.ports'?"),
        "{stderr}"
    );
}

/// The store commands report through the one renderer: `--error-format json` gives their
/// diagnostics as JSON, with their codes, and the exit status 1.
#[test]
fn store_commands_report_json_diagnostics() {
    let dir = std::env::temp_dir().join(format!("ntop-cli-store-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let missing = "/nix/store/00000000000000000000000000000000-missing";
    let run = |args: &[&str]| {
        let out = Command::new(ntop())
            .env("NTOP_STORE", std::env::temp_dir().join("ntop-tests-store"))
            .args(args)
            .arg("--store")
            .arg(dir.join("store"))
            .args(["--error-format", "json"])
            .env("HOME", &dir)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let v: serde_json::Value = serde_json::from_str(stderr.lines().next().unwrap_or(""))
            .unwrap_or_else(|_| panic!("not JSON: {stderr}"));
        (
            out.status.code(),
            v["code"].as_str().unwrap_or("").to_owned(),
        )
    };
    assert_eq!(
        run(&["path-info", missing]),
        (Some(1), "driver::not_valid".into())
    );
    assert_eq!(
        run(&["log", missing]),
        (Some(1), "driver::no_deriver".into())
    );
    assert_eq!(
        run(&[
            "show-derivation",
            "/nix/store/00000000000000000000000000000000-x.drv"
        ]),
        (Some(1), "store::io".into())
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The allocator is told to skip its exit-time walk over the heap (`alloc::configure`), as a
/// default that mimalloc's own environment variable still overrides. mimalloc prints its
/// statistics (`MIMALLOC_SHOW_STATS`) from that exit hook, so they appear exactly when the hook
/// runs: this fails if the option number does not name `destroy_on_exit`.
#[test]
fn allocator_skips_its_exit_walk_unless_told_otherwise() {
    let run = |destroy: Option<&str>| {
        let mut cmd = Command::new(ntop());
        cmd.args(["instantiate", "--eval", "-E", "1"])
            .env("NTOP_STORE", std::env::temp_dir().join("ntop-tests-store"))
            .env("MIMALLOC_SHOW_STATS", "1");
        if let Some(v) = destroy {
            cmd.env("MIMALLOC_DESTROY_ON_EXIT", v);
        } else {
            cmd.env_remove("MIMALLOC_DESTROY_ON_EXIT");
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stderr).contains("peak rss")
    };
    assert!(!run(None), "the exit hook ran although ntop disabled it");
    assert!(
        run(Some("0")),
        "MIMALLOC_DESTROY_ON_EXIT=0 no longer restores the exit hook"
    );
}

/// An evaluation keeps the memory it frees for its own reuse rather than handing it back to
/// the kernel and faulting it in again (`alloc::configure`): building and dropping a large set
/// once made mimalloc purge hundreds of times (and the kernel zero each page again), which
/// its statistics count (printed from the exit hook, re-enabled here).
#[test]
fn allocator_keeps_freed_memory_for_reuse() {
    let out = Command::new(ntop())
        .args([
            "instantiate",
            "--eval",
            "-E",
            "builtins.length (builtins.attrNames (builtins.listToAttrs \
             (builtins.genList (i: { name = toString i; value = i; }) 300000)))",
        ])
        .env("NTOP_STORE", std::env::temp_dir().join("ntop-tests-store"))
        .env("MIMALLOC_SHOW_STATS", "1")
        .env("MIMALLOC_DESTROY_ON_EXIT", "0")
        .env_remove("MIMALLOC_PURGE_DELAY")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "300000");
    let stats = String::from_utf8_lossy(&out.stderr);
    let purges = stats
        .lines()
        .find_map(|l| l.trim().strip_prefix("purges"))
        .unwrap_or_else(|| panic!("no purge count in mimalloc's statistics:\n{stats}"));
    assert_eq!(purges.trim_start_matches([' ', ':']).trim(), "0", "{stats}");
}
