//! End to end: `ntop build` of the bundled examples yields the system's output tree, in a
//! temporary store, with the sandbox (CI runs as root with namespaces); it runs as one
//! process, reports evaluation and build errors as diagnostics (`--error-format json`),
//! builds and links only the output selected, and a garbage collection started while it
//! evaluates cannot take what it writes; a killed evaluation leaves the store consistent.
//!
//! Expected shapes follow the seed's `top-level.nix` (`../shared/seed`): a container has no
//! kernel, initrd, firmware or kernel parameters; children become `fine-tune/child-N`;
//! `activate`, `init` and `bin/switch-to-configuration` have their `@…@` names substituted.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// Builds an example in a fresh store and returns (store root, result link).
fn build(example: &str) -> (PathBuf, PathBuf) {
    let work = std::env::temp_dir().join(format!(
        "ntop-build-system-{}-{example}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).expect("temp dir");
    let store = work.join("store");
    let result = work.join("result");
    let out = Command::new(env!("CARGO_BIN_EXE_ntop"))
        .args(["build", "--color", "never"])
        .arg(repo().join("examples").join(example))
        .arg("--store")
        .arg(&store)
        .arg("-o")
        .arg(&result)
        .env("HOME", &work)
        .env("XDG_CACHE_HOME", work.join("cache"))
        .output()
        .expect("running ntop build");
    assert!(
        out.status.success(),
        "ntop build {example} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (store, result)
}

/// The physical location of a logical store path found in a link or file.
fn physical(store: &Path, logical: &str) -> PathBuf {
    let rest = logical.strip_prefix("/nix/store/").expect("a store path");
    store.join("store").join(rest)
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("reading {}: {e}", p.display()))
}

#[test]
fn container_system_tree() {
    let (store, result) = build("container.nix");
    for absent in [
        "kernel",
        "initrd",
        "firmware",
        "kernel-modules",
        "kernel-params",
    ] {
        assert!(
            std::fs::symlink_metadata(result.join(absent)).is_err(),
            "a container has no {absent}"
        );
    }
    for present in [
        "activate",
        "init",
        "etc",
        "sw",
        "systemd",
        "nixos-version",
        "init-interface-version",
        "bin/switch-to-configuration",
    ] {
        assert!(
            std::fs::symlink_metadata(result.join(present)).is_ok(),
            "missing {present}"
        );
    }
    let activate = read(&result.join("activate"));
    assert!(!activate.contains("@out@"), "activate still holds @out@");
    let switch = read(&result.join("bin/switch-to-configuration"));
    assert!(
        !switch.contains("@out@") && !switch.contains("@perl@"),
        "switch-to-configuration not substituted"
    );
    let init = read(&result.join("init"));
    assert!(!init.contains("@systemConfig@"), "init not substituted");
    assert_eq!(read(&result.join("init-interface-version")), "systemd 2");
    let _ = std::fs::remove_dir_all(store.parent().expect("work dir"));
}

#[test]
fn machine_with_children_tree() {
    let (store, result) = build("machine-with-children.nix");
    let kernel = std::fs::read_link(result.join("kernel")).expect("a machine has a kernel");
    assert!(kernel.to_string_lossy().ends_with("/bzImage"));
    assert!(
        physical(&store, &kernel.to_string_lossy()).exists(),
        "the kernel is in the store"
    );
    for child in ["fine-tune/child-1", "fine-tune/child-2"] {
        let target =
            std::fs::read_link(result.join(child)).unwrap_or_else(|_| panic!("{child} missing"));
        let tree = physical(&store, &target.to_string_lossy());
        assert!(tree.join("activate").exists(), "{child} is a whole system");
    }
    let rescue = physical(
        &store,
        &std::fs::read_link(result.join("fine-tune/child-1"))
            .unwrap()
            .to_string_lossy(),
    );
    assert_eq!(read(&rescue.join("configuration-name")), "Rescue");
    let _ = std::fs::remove_dir_all(store.parent().expect("work dir"));
}

/// A fresh scratch directory.
fn scratch(label: &str) -> PathBuf {
    let work = std::env::temp_dir().join(format!("ntop-build-{label}-{}", std::process::id()));
    remove(&work);
    std::fs::create_dir_all(&work).expect("temp dir");
    work
}

fn remove(work: &Path) {
    if !work.exists() {
        return;
    }
    let _ = Command::new("chmod")
        .arg("-R")
        .arg("u+w")
        .arg(work)
        .status();
    let _ = std::fs::remove_dir_all(work);
}

fn ntop(work: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ntop"));
    cmd.env("HOME", work)
        .env("XDG_CACHE_HOME", work.join("cache"))
        .env_remove("NIX_PATH")
        .env("NTOP_STORE", work.join(".local/share/ntop"))
        .current_dir(work);
    cmd
}

/// `ntop build` evaluates and builds in one process: `strace -f` sees the ntop binary
/// executed once (the builders' own programs are the only other executions).
#[test]
fn build_runs_as_one_process() {
    let work = scratch("one-process");
    let trace = work.join("execve.trace");
    let ntop_bin = Path::new(env!("CARGO_BIN_EXE_ntop"))
        .canonicalize()
        .expect("the binary");
    let out = Command::new("strace")
        .args(["-f", "-e", "trace=execve", "-o"])
        .arg(&trace)
        .arg(&ntop_bin)
        .args(["build", "--color", "never"])
        .arg(repo().join("examples/container-host.nix"))
        .arg("--store")
        .arg(work.join("store"))
        .arg("-o")
        .arg(work.join("result"))
        .env("HOME", &work)
        .env("XDG_CACHE_HOME", work.join("cache"))
        .output()
        .expect("strace is needed for this test (.ci/run installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let trace = std::fs::read_to_string(&trace).expect("the trace");
    let execs: Vec<&str> = trace
        .lines()
        .filter(|l| l.contains("execve(\"") && !l.contains("= -1"))
        .collect();
    let of_ntop: Vec<&&str> = execs
        .iter()
        .filter(|l| l.contains(&format!("execve(\"{}\"", ntop_bin.display())))
        .collect();
    assert_eq!(
        of_ntop.len(),
        1,
        "ntop executed itself again:\n{}",
        execs.join("\n")
    );
    // The builders did run (so the trace followed the process's children).
    assert!(execs.len() > 1, "{}", execs.join("\n"));
    assert!(work.join("result/activate").exists());
    remove(&work);
}

/// A file with a two-output derivation and a failing one.
const OUTPUTS: &str = r#"
let
  sh = name: script: extra: derivation ({
    inherit name;
    system = builtins.currentSystem;
    builder = "/bin/sh";
    args = [ "-c" script ];
  } // extra);
in {
  multi = sh "multi" "echo out > $out; echo dev > $dev" { outputs = [ "out" "dev" ]; };
  failing = sh "failing" "echo doomed; exit 3" { };
  broken = throw "no such package";
}
"#;

/// `-A multi.dev` builds and links `dev` only; `-A multi` the first output only (as
/// nix-build); a `.drv` path with `!out` that output.
#[test]
fn only_the_selected_output_is_linked() {
    let work = scratch("outputs");
    std::fs::write(work.join("outputs.nix"), OUTPUTS).expect("write");
    let store = work.join("store");
    let build = |attr: &str, link: &str| {
        let out = ntop(&work)
            .args(["build", "outputs.nix", "-A", attr, "-o", link, "--store"])
            .arg(&store)
            .output()
            .expect("ntop build");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let printed = build("multi.dev", "r1");
    assert_eq!(printed.lines().count(), 1, "{printed}");
    assert!(printed.trim_end().ends_with("-multi-dev"), "{printed}");
    assert_eq!(
        std::fs::read_to_string(work.join("r1-dev")).expect("r1-dev"),
        "dev\n"
    );
    assert!(
        std::fs::symlink_metadata(work.join("r1")).is_err(),
        "out was linked"
    );
    let printed = build("multi", "r2");
    assert!(printed.trim_end().ends_with("-multi"), "{printed}");
    assert_eq!(
        std::fs::read_to_string(work.join("r2")).expect("r2"),
        "out\n"
    );
    assert!(
        std::fs::symlink_metadata(work.join("r2-dev")).is_err(),
        "dev was linked"
    );
    remove(&work);
}

/// `--error-format json` holds for evaluation errors and build failures alike, with their
/// codes, and the exit statuses are Nix's (1; 100 for a failed build).
#[test]
fn build_errors_are_diagnostics() {
    let work = scratch("errors");
    std::fs::write(work.join("outputs.nix"), OUTPUTS).expect("write");
    let run = |attr: &str| {
        ntop(&work)
            .args(["build", "outputs.nix", "-A", attr, "--error-format", "json"])
            .arg("--store")
            .arg(work.join("store"))
            .output()
            .expect("ntop build")
    };
    let json = |out: &std::process::Output| -> Vec<serde_json::Value> {
        String::from_utf8_lossy(&out.stderr)
            .lines()
            .filter(|l| l.starts_with('{'))
            .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
            .collect()
    };
    let out = run("broken");
    assert_eq!(out.status.code(), Some(1));
    let diags = json(&out);
    assert_eq!(diags.len(), 1, "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(diags[0]["code"], "eval::throw");
    assert_eq!(diags[0]["message"], "no such package");
    let out = run("failing");
    assert_eq!(
        out.status.code(),
        Some(100),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let diags = json(&out);
    assert_eq!(diags.len(), 1, "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(diags[0]["code"], "build::builder_failed");
    let notes = diags[0]["notes"].to_string();
    assert!(
        notes.contains("> doomed"),
        "the log's tail is a note: {notes}"
    );
    remove(&work);
}

/// A collection started while `ntop build` evaluates waits for the session: the source the
/// evaluation wrote (unregistered, unrooted while it evaluates) survives, the build succeeds,
/// and the store verifies.
#[test]
fn gc_during_evaluation_cannot_remove_what_it_writes() {
    let work = scratch("gc");
    // `args` (with the source) is evaluated before `slow`: attributes go in name order.
    std::fs::write(
        work.join("slow.nix"),
        r#"
let src = builtins.toFile "gc-input" "kept\n";
in derivation {
  name = "gc-test";
  system = builtins.currentSystem;
  builder = "/bin/sh";
  args = [ "-c" "cat ${src} > $out" ];
  PATH = "/bin:/usr/bin";
  slow = builtins.foldl' (a: b: a + b) 0 (builtins.genList (x: x) 3000000);
}
"#,
    )
    .expect("write");
    let store = work.join("store");
    let build = ntop(&work)
        .args(["build", "slow.nix", "-o", "result", "--store"])
        .arg(&store)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("ntop build");
    // Wait until the evaluation has written the source.
    let objects = store.join("store");
    let started = std::time::Instant::now();
    let written = loop {
        let found = std::fs::read_dir(&objects)
            .map(|rd| {
                rd.flatten().any(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    // In place, not being written under a temporary name.
                    name.ends_with("-gc-input") && !name.starts_with('.')
                })
            })
            .unwrap_or(false);
        if found || started.elapsed() > std::time::Duration::from_secs(60) {
            break found;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    assert!(written, "the evaluation never wrote its source");
    let gc = ntop(&work)
        .args(["store", "gc", "--store"])
        .arg(&store)
        .output()
        .expect("ntop store gc");
    let build = build.wait_with_output().expect("ntop build");
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    assert!(
        gc.status.success(),
        "{}",
        String::from_utf8_lossy(&gc.stderr)
    );
    assert_eq!(read(&work.join("result")), "kept\n");
    let verify = ntop(&work)
        .args(["store", "verify", "--store"])
        .arg(&store)
        .output()
        .expect("ntop store verify");
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    remove(&work);
}

/// `ntop instantiate` killed at any moment leaves a store that verifies: nothing is
/// registered before it is durable, and what was registered is complete.
#[test]
fn killed_instantiate_leaves_a_consistent_store() {
    let work = scratch("kill");
    let store = work.join("store");
    let graph = repo().join("nix-fixtures/bench/drv-graph-1000.nix");
    let verify = || {
        let out = ntop(&work)
            .args(["store", "verify", "--store"])
            .arg(&store)
            .output()
            .expect("ntop store verify");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    for delay_ms in [20, 60, 150, 400] {
        let mut child = ntop(&work)
            .arg("instantiate")
            .arg(&graph)
            .arg("--store")
            .arg(&store)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("ntop instantiate");
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        verify();
    }
    // To completion: everything it wrote is registered (2000 outputs' derivations and their
    // sources) and verifies.
    let out = ntop(&work)
        .arg("instantiate")
        .arg(&graph)
        .arg("--store")
        .arg(&store)
        .output()
        .expect("ntop instantiate");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = verify();
    let checked: usize = report
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(checked >= 1001, "{report}");
    remove(&work);
}
