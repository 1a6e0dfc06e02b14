//! Building `<nix/fetchurl.nix>`'s derivation (`builder = "builtin:fetchurl"`) from a
//! `file://` URL: a plain file, an executable one, a NAR unpacked (plain and `.xz`) — each
//! with the output path and NAR that `nix-build` 2.8.0 makes of the same expression in a
//! throwaway store, computed by running it here (`NIX_STORE_DIR`/`NIX_STATE_DIR` in a scratch
//! directory, `sandbox = false`: in Nix 2.8's sandbox a `file://` URL outside `sandbox-paths`
//! cannot be read at all). ntop builds them without the sandbox, in the sandbox, and as an
//! unprivileged user; a missing file and a wrong hash fail with Nix's messages and exit
//! statuses (1: a fixed output's failed builder is a transient failure in Nix; 102: hash
//! mismatch) and leave nothing in the store.
//!
//! Skipped, saying why, when nix-build (the reference Nix 2.8) is not installed.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::remove;

const NOBODY: u32 = 65534;

const EXPR: &str = r#"{ url, sha256, unpack ? false, executable ? false }:
import <nix/fetchurl.nix> { inherit url sha256; unpack = unpack == "1"; executable = executable == "1"; }
"#;

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc_geteuid() == 0 }
}

extern "C" {
    #[link_name = "geteuid"]
    fn libc_geteuid() -> u32;
}

fn have_nix() -> bool {
    let ok = Command::new("nix-build")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: nix-build (the reference Nix 2.8) is not installed");
    }
    ok
}

/// A scratch directory (world-readable, so that the unprivileged user reads the inputs) with
/// the expression and the files to fetch.
struct Work {
    dir: PathBuf,
}

/// One fetch: its arguments (`url`, `sha256`, flags) as `--argstr` pairs.
struct Case {
    name: &'static str,
    file: &'static str,
    unpack: bool,
    executable: bool,
}

const CASES: [Case; 4] = [
    Case {
        name: "flat",
        file: "hello.txt",
        unpack: false,
        executable: false,
    },
    Case {
        name: "executable",
        file: "script.sh",
        unpack: false,
        executable: true,
    },
    Case {
        name: "unpack",
        file: "tree.nar",
        unpack: true,
        executable: false,
    },
    Case {
        name: "unpack-xz",
        file: "tree.nar.xz",
        unpack: true,
        executable: false,
    },
];

/// What a build gave: exit status, stderr, and (on success) the printed output path and its
/// NAR (`nix-store --dump` of the object on disk).
struct Built {
    status: Option<i32>,
    stderr: String,
    path: String,
    nar: Vec<u8>,
}

impl Work {
    fn new(label: &str) -> Work {
        let dir =
            std::env::temp_dir().join(format!("ntop-fetchurl-{label}-{}", std::process::id()));
        remove(&dir);
        std::fs::create_dir_all(dir.join("in/tree/sub")).expect("scratch directory");
        std::fs::write(dir.join("fetch.nix"), EXPR).expect("fetch.nix");
        std::fs::write(dir.join("in/hello.txt"), "hello\n").expect("hello.txt");
        // Executable at the source: a flat fetch must not keep the bit.
        std::fs::write(dir.join("in/script.sh"), "#!/bin/sh\necho hi\n").expect("script");
        set_mode(&dir.join("in/script.sh"), 0o755);
        std::fs::write(dir.join("in/tree/a"), "a\n").expect("tree");
        std::fs::write(dir.join("in/tree/sub/run"), "#!/bin/sh\n").expect("tree");
        set_mode(&dir.join("in/tree/sub/run"), 0o755);
        std::os::unix::fs::symlink("sub/run", dir.join("in/tree/link")).expect("symlink");
        let nar = Command::new("nix-store")
            .arg("--dump")
            .arg(dir.join("in/tree"))
            .output()
            .expect("nix-store --dump");
        assert!(nar.status.success(), "nix-store --dump");
        std::fs::write(dir.join("in/tree.nar"), &nar.stdout).expect("tree.nar");
        let xz = Command::new("xz")
            .args(["-k", "-9"])
            .arg(dir.join("in/tree.nar"))
            .status()
            .expect("xz");
        assert!(xz.success(), "xz");
        for d in [
            &dir,
            &dir.join("in"),
            &dir.join("in/tree"),
            &dir.join("in/tree/sub"),
        ] {
            set_mode(d, 0o755);
        }
        Work { dir }
    }

    fn url(&self, file: &str) -> String {
        format!("file://{}", self.dir.join("in").join(file).display())
    }

    /// The `sha256` Nix expects of a case: of the file itself (flat), or of the NAR of what
    /// it becomes (`nix-hash`, the reference's own tool).
    fn sha256(&self, case: &Case) -> String {
        let (args, path): (&[&str], PathBuf) = match (case.unpack, case.executable) {
            (true, _) => (&["--type", "sha256", "--base32"], self.dir.join("in/tree")),
            (false, true) => (
                &["--type", "sha256", "--base32"],
                self.dir.join("in").join(case.file),
            ),
            (false, false) => (
                &["--type", "sha256", "--base32", "--flat"],
                self.dir.join("in").join(case.file),
            ),
        };
        if case.executable {
            // The NAR of the fetched file, executable whatever its source's mode.
            set_mode(&path, 0o755);
        }
        let out = Command::new("nix-hash")
            .args(args)
            .arg(&path)
            .output()
            .expect("nix-hash");
        assert!(out.status.success(), "nix-hash");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    fn args(&self, url: &str, sha256: &str, case: &Case) -> Vec<String> {
        let mut args = vec!["fetch.nix".to_owned()];
        for (name, value) in [
            ("url", url),
            ("sha256", sha256),
            ("unpack", if case.unpack { "1" } else { "" }),
            ("executable", if case.executable { "1" } else { "" }),
        ] {
            args.extend(["--argstr".to_owned(), name.to_owned(), value.to_owned()]);
        }
        args
    }

    /// The reference: nix-build in a store whose directory is `store` (state beside it).
    /// As root it builds as a build user of `nixbld`, chosen under a lock in its state
    /// directory, which differs between these tests: one at a time, so that no two take the
    /// same user (Nix kills every process of the user it takes).
    fn nix(&self, store: &Path, args: &[String]) -> Built {
        static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let root = store.parent().expect("store parent");
        std::fs::create_dir_all(self.dir.join("nix-conf")).expect("conf dir");
        let out = Command::new("nix-build")
            .args(args)
            .arg("--no-out-link")
            .current_dir(&self.dir)
            .env("NIX_STORE_DIR", store)
            .env("NIX_STATE_DIR", root.join("state"))
            .env("NIX_LOG_DIR", root.join("log"))
            .env("NIX_CONF_DIR", self.dir.join("nix-conf"))
            .env("NIX_CONFIG", "substituters =\nsandbox = false\n")
            .env("HOME", &self.dir)
            .env("XDG_CACHE_HOME", self.dir.join("cache"))
            .output()
            .expect("nix-build runs");
        built(out, |p| PathBuf::from(p))
    }

    /// `ntop build` with the store rooted at `root`, its logical directory `store_dir`.
    fn ntop(
        &self,
        ntop: &Path,
        root: &Path,
        store_dir: &Path,
        args: &[String],
        extra: &[&str],
        user: bool,
    ) -> Built {
        let mut c = Command::new(ntop);
        c.args(["build", "--color", "never", "--no-out-link"])
            .args(args)
            .arg("--store")
            .arg(root)
            .arg("--store-dir")
            .arg(store_dir)
            .args(extra)
            .current_dir(&self.dir)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", root)
            .env("TMPDIR", root)
            .env("NIX_CONF_DIR", root)
            .env("XDG_CACHE_HOME", root.join("cache"));
        if user && is_root() {
            // std drops the supplementary groups too when it changes the uid as root.
            c.uid(NOBODY).gid(NOBODY);
        }
        let out = c.output().expect("ntop runs");
        let physical = |printed: &str| {
            let rel = Path::new(printed)
                .strip_prefix(store_dir)
                .expect("under the store dir");
            root.join("store").join(rel)
        };
        built(out, physical)
    }
}

impl Drop for Work {
    fn drop(&mut self) {
        remove(&self.dir);
    }
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn built(out: Output, physical: impl Fn(&str) -> PathBuf) -> Built {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let path = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let nar = if out.status.success() {
        let dump = Command::new("nix-store")
            .arg("--dump")
            .arg(physical(&path))
            .output()
            .expect("nix-store --dump");
        assert!(dump.status.success(), "dump of {path}: {stderr}");
        dump.stdout
    } else {
        Vec::new()
    };
    Built {
        status: out.status.code(),
        stderr,
        path,
        nar,
    }
}

/// The objects in a store directory (locks and temporary files left aside).
fn objects(store: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(store)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('.') && !n.ends_with(".lock"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Every case's expected result from Nix, in a store at `<dir>/s/store`, which is then
/// removed so that ntop can build there at the logical directory itself.
fn expected(work: &Work) -> Vec<(Vec<String>, Built)> {
    let store = work.dir.join("s/store");
    let results = CASES
        .iter()
        .map(|case| {
            let args = work.args(&work.url(case.file), &work.sha256(case), case);
            let nix = work.nix(&store, &args);
            assert_eq!(
                nix.status,
                Some(0),
                "nix-build {}: {}",
                case.name,
                nix.stderr
            );
            (args, nix)
        })
        .collect();
    remove(&work.dir.join("s"));
    results
}

fn assert_same(case: &str, nix: &Built, ntop: &Built) {
    assert_eq!(ntop.status, Some(0), "ntop {case}: {}", ntop.stderr);
    assert_eq!(ntop.path, nix.path, "{case}: the output path of nix-build");
    assert!(ntop.nar == nix.nar, "{case}: the NAR of nix-build's output");
}

#[test]
fn builds_as_nix_without_and_in_the_sandbox() {
    if !have_nix() {
        return;
    }
    let work = Work::new("build");
    let ntop = Path::new(env!("CARGO_BIN_EXE_ntop"));
    let store_dir = work.dir.join("s/store");
    for (case, (args, nix)) in CASES.iter().zip(expected(&work)) {
        // At the logical directory, without the sandbox.
        let plain = work.ntop(
            ntop,
            &work.dir.join("s"),
            &store_dir,
            &args,
            &["--no-sandbox"],
            false,
        );
        assert_same(case.name, &nix, &plain);
        // Kept elsewhere, so built in the sandbox.
        let sandboxed = work.ntop(ntop, &work.dir.join("n"), &store_dir, &args, &[], false);
        assert_same(case.name, &nix, &sandboxed);
    }
    // What ntop registered is what is on disk.
    let verify = Command::new(ntop)
        .args(["store", "verify", "--color", "never", "--store"])
        .arg(work.dir.join("s"))
        .arg("--store-dir")
        .arg(&store_dir)
        .output()
        .expect("ntop store verify");
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
}

#[test]
fn builds_as_nix_as_an_unprivileged_user() {
    if !have_nix() {
        return;
    }
    let work = Work::new("nobody");
    // The binary where the user can run it (the checkout may be under /root).
    let ntop = work.dir.join("ntop");
    std::fs::copy(env!("CARGO_BIN_EXE_ntop"), &ntop).expect("copy of the binary");
    set_mode(&ntop, 0o755);
    let root = work.dir.join("s");
    let expected = expected(&work);
    std::fs::create_dir_all(root.join("store")).expect("store");
    if is_root() {
        for d in [&root, &root.join("store")] {
            std::os::unix::fs::chown(d, Some(NOBODY), Some(NOBODY)).expect("chown");
        }
    }
    for (case, (args, nix)) in CASES.iter().zip(expected) {
        let got = work.ntop(
            &ntop,
            &root,
            &root.join("store"),
            &args,
            &["--no-sandbox"],
            true,
        );
        assert_same(case.name, &nix, &got);
    }
}

#[test]
fn failed_fetches_fail_as_in_nix_and_leave_nothing() {
    if !have_nix() {
        return;
    }
    let work = Work::new("fail");
    let ntop = Path::new(env!("CARGO_BIN_EXE_ntop"));
    let flat = &CASES[0];
    let good = work.sha256(flat);
    let zeros = "0".repeat(52);
    let mut failures = vec![
        ("missing", work.args(&work.url("missing.txt"), &good, flat)),
        ("wrong hash", work.args(&work.url(flat.file), &zeros, flat)),
    ];
    if is_root() {
        // Root's builds run as build users (Nix 2.8's default `build-users-group` for root
        // is `nixbld`): a file only root may read is not read for them.
        std::fs::copy(
            work.dir.join("in/hello.txt"),
            work.dir.join("in/secret.txt"),
        )
        .expect("secret");
        set_mode(&work.dir.join("in/secret.txt"), 0o600);
        failures.push((
            "root's file",
            work.args(&work.url("secret.txt"), &good, flat),
        ));
    }
    for (label, args) in failures {
        let nix_store = work.dir.join("nix/store");
        let nix = work.nix(&nix_store, &args);
        let root = work.dir.join("n");
        let got = work.ntop(ntop, &root, &nix_store, &args, &[], false);
        assert_eq!(
            got.status, nix.status,
            "{label}: Nix's exit status\nNix: {}\nntop: {}",
            nix.stderr, got.stderr
        );
        assert_ne!(nix.status, Some(0), "{label}: Nix fails too");
        // Every line of Nix's error (the builder's own and the build's) is ntop's too.
        for line in nix.stderr.lines().filter_map(|l| {
            l.trim().strip_prefix("error: ").or_else(|| {
                let l = l.trim();
                (l.starts_with("specified:") || l.starts_with("got:")).then_some(l)
            })
        }) {
            assert!(
                got.stderr.contains(line),
                "{label}: Nix's {line:?} in ntop's errors:\n{}",
                got.stderr
            );
        }
        // Only the .drv is left: no output, valid or not.
        let left: Vec<String> = objects(&root.join("store"))
            .into_iter()
            .filter(|n| !n.ends_with(".drv"))
            .collect();
        assert!(left.is_empty(), "{label}: left in the store: {left:?}");
        remove(&root);
        remove(&work.dir.join("nix"));
    }
}
