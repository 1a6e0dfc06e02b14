//! What `ntop instantiate --eval` leaves in the store (issue 14), against Nix 2.8's
//! `nix-instantiate --eval` on the same files with a throwaway store (`--store
//! local?root=…`).
//!
//! Nix 2.8 decides this in two places, and the test holds ntop to both: `--eval` is
//! read-only unless `--read-write-mode` (and `--readonly-mode` wins over it), so
//! `builtins.toFile`, `builtins.path`, `filterSource` and interpolated paths (`"${./dir}"`)
//! are only computed — while the fetchers (`fetchTarball`, `builtins.fetchurl`, `fetchGit`)
//! add what they fetch in every mode, the downloaded archive included. Every object ntop
//! writes must be valid (registered) when the command returns, as Nix registers each object
//! it adds.
//!
//! The ntop commands run as an unprivileged user (uid 65534) when the test runs as root, in
//! a directory that user owns; Nix runs as the caller. Without `nix-instantiate` the
//! comparison is skipped with a message saying so.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

const NOBODY: u32 = 65534;

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { geteuid() == 0 }
}

extern "C" {
    fn geteuid() -> u32;
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {program} >/dev/null"))
        .status()
        .is_ok_and(|s| s.success())
}

fn sh(dir: &Path, script: &str) {
    let out = Command::new("/bin/sh")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .env("HOME", dir)
        .output()
        .expect("running sh");
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The inputs: a directory, a file, a gzipped tarball of one directory, a git repository
/// with one commit; the ntop binary copied where the unprivileged user can run it.
struct Work {
    dir: PathBuf,
    ntop: PathBuf,
    git: bool,
}

impl Work {
    fn new(label: &str) -> Work {
        let dir = common::scratch(&format!("eval-writes-{label}"));
        sh(
            &dir,
            "mkdir -p in/dir/sub tb/top && echo one > in/dir/f && echo two > in/dir/sub/g \
             && echo plain > in/plain.txt && echo x > tb/top/file \
             && tar -C tb -czf in/a.tar.gz top && rm -r tb",
        );
        let git = have("git");
        if git {
            // The repository is the unprivileged user's; git run by root (Nix) must accept it.
            std::fs::write(dir.join(".gitconfig"), "[safe]\n\tdirectory = *\n").expect("config");
            sh(
                &dir,
                "git init -q in/repo && cd in/repo && echo r > r.txt && git add r.txt \
                 && git -c user.name=t -c user.email=t@t commit -q -m one",
            );
        } else {
            eprintln!("fetchGit left out: git is not installed");
        }
        let ntop = dir.join("ntop");
        std::fs::copy(env!("CARGO_BIN_EXE_ntop"), &ntop).expect("copy of the binary");
        if is_root() {
            sh(&dir, &format!("chown -R {NOBODY}:{NOBODY} ."));
        }
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        Work { dir, ntop, git }
    }

    /// The expression: every way an evaluation adds to the store.
    fn expression(&self) -> String {
        let d = self.dir.display();
        let mut e = format!(
            "[ (builtins.toFile \"t\" \"text\") \"${{./in/dir}}\" \
             (builtins.path {{ path = ./in/dir; name = \"p\"; }}) \
             (builtins.filterSource (p: t: baseNameOf p != \"sub\") ./in/dir) \
             (builtins.fetchTarball \"file://{d}/in/a.tar.gz\") \
             (builtins.fetchurl \"file://{d}/in/plain.txt\")"
        );
        if self.git {
            e.push_str(" (builtins.fetchGit ./in/repo).outPath");
        }
        e.push_str(" ]");
        e
    }

    /// `ntop instantiate ARGS… --strict -E EXPR` with the store at `store-TAG`, as the
    /// unprivileged user when the test is root.
    fn ntop(&self, tag: &str, args: &[&str]) -> Output {
        let mut c = self.command(&self.ntop);
        c.arg("instantiate")
            .args(args)
            .args(["--strict", "-E", &self.expression()])
            .arg("--store")
            .arg(self.dir.join(format!("store-{tag}")));
        c.output().expect("running ntop instantiate")
    }

    /// `ntop path-info PATH` in the store at `store-TAG`.
    fn path_info(&self, tag: &str, path: &str) -> Output {
        let mut c = self.command(&self.ntop);
        c.args(["path-info", path, "--store"])
            .arg(self.dir.join(format!("store-{tag}")));
        c.output().expect("running ntop path-info")
    }

    fn command(&self, program: &Path) -> Command {
        let mut c = Command::new(program);
        c.current_dir(&self.dir)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", &self.dir)
            .env("TMPDIR", self.dir.join("tmp"))
            .env("XDG_CACHE_HOME", self.dir.join("cache"))
            .env("NIX_CONF_DIR", self.dir.join("etc-nix"));
        if is_root() {
            c.uid(NOBODY).gid(NOBODY);
        }
        c
    }

    /// Nix 2.8's `nix-instantiate ARGS… --strict -E EXPR` with the store under `nix-TAG`.
    fn nix(&self, tag: &str, args: &[&str]) -> Output {
        let root = self.dir.join(format!("nix-{tag}"));
        Command::new("nix-instantiate")
            .args(args)
            .args(["--strict", "-E", &self.expression()])
            .arg("--store")
            .arg(format!("local?root={}", root.display()))
            .current_dir(&self.dir)
            .env("HOME", &self.dir)
            .env("NIX_CONFIG", "substituters =\n")
            .env("XDG_CACHE_HOME", self.dir.join(format!("nix-cache-{tag}")))
            .output()
            .expect("running nix-instantiate")
    }
}

impl Drop for Work {
    fn drop(&mut self) {
        common::remove(&self.dir);
    }
}

/// The objects in a store's object directory (temporary and hidden entries left out).
fn objects(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn eval_writes_what_nix_2_8_writes_in_each_mode() {
    if !have("nix-instantiate") {
        eprintln!("skipped: nix-instantiate (Nix 2.8, the reference) is not installed");
        return;
    }
    let work = Work::new("modes");
    let modes: [(&str, &[&str]); 4] = [
        ("eval", &["--eval"]),
        ("rw", &["--eval", "--read-write-mode"]),
        ("ro", &["--eval", "--readonly-mode"]),
        ("rw-ro", &["--eval", "--read-write-mode", "--readonly-mode"]),
    ];
    let mut failures = Vec::new();
    for (tag, args) in modes {
        let nix = work.nix(tag, args);
        assert!(
            nix.status.success(),
            "nix-instantiate {args:?}: {}",
            text(&nix)
        );
        let ours = work.ntop(tag, args);
        assert!(ours.status.success(), "ntop {args:?}: {}", text(&ours));
        if ours.stdout != nix.stdout {
            failures.push(format!(
                "{args:?}: printed\n  ntop: {}\n  Nix:  {}",
                String::from_utf8_lossy(&ours.stdout).trim(),
                String::from_utf8_lossy(&nix.stdout).trim()
            ));
        }
        let expected = objects(&work.dir.join(format!("nix-{tag}/nix/store")));
        let written = objects(&work.dir.join(format!("store-{tag}/store")));
        if written != expected {
            failures.push(format!(
                "{args:?}: the store holds\n  ntop: {written:?}\n  Nix:  {expected:?}"
            ));
        }
        // Written means valid: each object is registered once the command has returned.
        for name in &written {
            let info = work.path_info(tag, &format!("/nix/store/{name}"));
            if !info.status.success() {
                failures.push(format!("{args:?}: {name} is not valid: {}", text(&info)));
            }
        }
    }
    // The modes differ: read-only ones keep only the fetched objects.
    let fetched_only = objects(&work.dir.join("nix-eval/nix/store"));
    let everything = objects(&work.dir.join("nix-rw/nix/store"));
    assert!(
        fetched_only.len() >= 3 && everything.len() > fetched_only.len(),
        "Nix 2.8 itself writes fetched objects in read-only mode and more in read-write mode: \
         {fetched_only:?} / {everything:?}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
