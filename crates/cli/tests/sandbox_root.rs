//! Builds that root runs do not run as root (issue 16): each takes a slot of build users
//! from the pool (`auto-allocate-uids`, `start-id`, `id-count`, as newer Nix), and its
//! builder runs as uid 1000 / gid 100 of a user namespace mapping that slot — the ids
//! Nix 2.8's sandbox shows its builders (`nix-build` 2.8.0 as root, `sandbox = true`, a
//! throwaway store: `id -u` 1000, `id -g` 100; the test runs it when it is installed and
//! compares) — with no capabilities, so it can neither remount nor write outside `$out` and
//! `$TMPDIR`. Without the sandbox it runs as the slot's host ids. Its outputs end up owned
//! by root, as before.
//!
//! These tests need root; run otherwise they say so and pass without checking anything —
//! except the one for a normal user's builder, which runs as uid 65534 under root and as the
//! caller otherwise.

use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{outputs_named, remove};

/// The pool's defaults, Nix's (`start-id`).
const START_ID: u32 = 872_415_232;

fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

macro_rules! needs_root {
    () => {
        if !is_root() {
            eprintln!("skipping: this test needs root (it checks what root's builders may do)");
            return;
        }
    };
}

fn scratch(label: &str) -> PathBuf {
    common::scratch(&format!("sbroot-{label}"))
}

fn write_drv(work: &Path, name: &str, script: &str) -> PathBuf {
    let file = work.join(format!("{name}.nix"));
    let text = format!(
        "derivation {{ name = \"{name}\"; system = builtins.currentSystem; \
         builder = \"/bin/sh\"; src = ./input; args = [ \"-c\" ''{script}'' ]; }}\n"
    );
    std::fs::create_dir_all(work.join("input")).expect("input dir");
    std::fs::write(work.join("input/file"), "input\n").expect("input file");
    std::fs::write(&file, text).expect("writing the expression");
    file
}

fn ntop(work: &Path, file: &Path, sandbox: bool, extra: &[&str]) -> Output {
    ntop_as(None, work, file, sandbox, extra)
}

/// `ntop build`, as `user` (uid and gid) when given.
fn ntop_as(user: Option<u32>, work: &Path, file: &Path, sandbox: bool, extra: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ntop"));
    if let Some(id) = user {
        // SAFETY: setgroups/setresgid/setresuid are async-signal-safe and change only the
        // child's own credentials.
        unsafe {
            cmd.pre_exec(move || {
                if libc::setgroups(0, std::ptr::null()) != 0
                    || libc::setresgid(id, id, id) != 0
                    || libc::setresuid(id, id, id) != 0
                {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    cmd.args(["build", "--color", "never", "--no-out-link"])
        .arg(file)
        .arg("--store")
        .arg(work.join("store"))
        .args(extra)
        .env("HOME", work)
        .env("TMPDIR", work.join("tmp"))
        .env("NIX_CONF_DIR", work)
        .env_remove("NIX_CONFIG")
        .env("XDG_CACHE_HOME", work.join("cache"));
    if !sandbox {
        cmd.arg("--store-dir")
            .arg(work.join("store/store"))
            .arg("--no-sandbox");
    }
    let out = cmd.output().expect("running ntop build");
    assert!(
        out.status.success(),
        "ntop build failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The one output named `name`, and the files the probe wrote into it.
fn output(work: &Path, name: &str) -> PathBuf {
    let outs = outputs_named(work, name);
    assert_eq!(outs.len(), 1, "{outs:?}");
    outs[0].clone()
}

/// The file `file` of the output directory `dir`, or (`""`) the output file `dir` itself.
fn read(dir: &Path, file: &str) -> String {
    let path = if file.is_empty() {
        dir.to_owned()
    } else {
        dir.join(file)
    };
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .trim()
        .to_owned()
}

/// Every file under `path` is root's.
fn assert_root_owned(path: &Path) {
    assert_owned_by(path, 0);
}

/// Every file under `path` is `id`'s (uid and gid).
fn assert_owned_by(path: &Path, id: u32) {
    let meta = std::fs::symlink_metadata(path).expect("output");
    assert_eq!((meta.uid(), meta.gid()), (id, id), "{}", path.display());
    if meta.is_dir() {
        for entry in std::fs::read_dir(path).expect("output dir").flatten() {
            assert_owned_by(&entry.path(), id);
        }
    }
}

/// Each probe writes `yes` or `no` into `$out/<name>`: whether the attempt succeeded.
const PROBES: &str = r#"
PATH=/usr/bin:/bin
mkdir $out
/usr/bin/id -u > $out/uid
/usr/bin/id -g > $out/gid
/usr/bin/id -G > $out/groups
cat /proc/self/uid_map > $out/uid_map
try() { name=$1; shift; if "$@" 2>/dev/null; then echo yes; else echo no; fi > $out/$name; }
try remount /bin/mount -o remount,rw /usr
try nested_remount /usr/bin/unshare -rm /bin/mount -o remount,rw /usr
try usr /usr/bin/touch /usr/ntop-probe
try input /usr/bin/touch $src/ntop-probe
try db /usr/bin/touch "$DB"
try tmp /usr/bin/touch $TMPDIR/ntop-probe
grep CapEff /proc/self/status > $out/caps
grep NoNewPrivs /proc/self/status > $out/nnp
"#;

fn probe_script(db: &Path) -> String {
    format!("DB={}\n{PROBES}", db.display())
}

/// The store's database (on the host): what a builder must not be able to write.
fn database(work: &Path) -> PathBuf {
    let found = walk(&work.join("store"))
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "sqlite"));
    found.unwrap_or_else(|| work.join("store/var/ntop/db/db.sqlite"))
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) && !path.ends_with("store/store") {
                found.extend(walk(&path));
            } else {
                found.push(path);
            }
        }
    }
    found
}

/// What Nix 2.8 as root reports for `id -u` and `id -g` in its sandbox, if it is installed.
fn nix_sandbox_ids(work: &Path) -> Option<String> {
    let file = work.join("nix-ids.nix");
    std::fs::write(
        &file,
        "derivation { name = \"ids\"; system = builtins.currentSystem; builder = \"/bin/sh\"; \
         args = [ \"-c\" \"echo ids: $(/usr/bin/id -u) $(/usr/bin/id -g); echo > $out\" ]; }\n",
    )
    .expect("writing the expression");
    let host_dirs: Vec<&str> = ["/bin", "/usr", "/lib", "/lib64"]
        .into_iter()
        .filter(|d| Path::new(d).exists())
        .collect();
    let out = Command::new("nix-build")
        .arg("--no-out-link")
        .arg(&file)
        .arg("--store")
        .arg(format!("local?root={}", work.join("nix").display()))
        .env("HOME", work)
        .env(
            "NIX_CONFIG",
            format!(
                "substituters =\nsandbox = true\nbuild-users-group =\nsandbox-paths = {}\n",
                host_dirs.join(" ")
            ),
        )
        .output()
        .ok()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr.lines().find_map(|l| l.strip_prefix("ids: "))?;
    Some(line.trim().to_owned())
}

#[test]
fn a_root_run_sandboxed_builder_is_an_unprivileged_build_user() {
    needs_root!();
    let work = scratch("sandbox");
    // The store exists (and has its database) once something was instantiated.
    let warmup = write_drv(&work, "warmup", "echo > $out");
    ntop(&work, &warmup, true, &[]);
    let db = database(&work);
    assert!(db.exists(), "no database found under {}", work.display());
    let file = write_drv(&work, "probe", &probe_script(&db));
    ntop(&work, &file, true, &[]);
    let out = output(&work, "probe");
    assert_eq!(read(&out, "uid"), "1000");
    assert_eq!(read(&out, "gid"), "100");
    assert_eq!(read(&out, "groups"), "100");
    if let Some(nix) = nix_sandbox_ids(&work) {
        eprintln!("Nix 2.8's sandbox: id -u, id -g = {nix}");
        assert_eq!(nix, format!("{} {}", read(&out, "uid"), read(&out, "gid")));
    }
    // The slot: 65536 ids from a multiple of the slot size above `start-id`.
    let map: Vec<u64> = read(&out, "uid_map")
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert_eq!(map.len(), 3, "{map:?}");
    assert_eq!((map[0], map[2]), (0, 65536));
    assert!(map[1] >= u64::from(START_ID) && (map[1] - u64::from(START_ID)).is_multiple_of(65536));
    for probe in ["remount", "nested_remount", "usr", "input", "db"] {
        assert_eq!(read(&out, probe), "no", "the builder could {probe}");
    }
    assert_eq!(read(&out, "tmp"), "yes");
    assert_eq!(read(&out, "caps"), "CapEff:\t0000000000000000");
    assert_eq!(read(&out, "nnp"), "NoNewPrivs:\t1");
    assert!(!Path::new("/usr/ntop-probe").exists());
    assert!(!work.join("input/ntop-probe").exists());
    assert_root_owned(&out);
    verify(&work);
    remove(&work);
}

#[test]
fn a_root_run_builder_without_the_sandbox_runs_as_the_slot_s_host_ids() {
    needs_root!();
    let work = scratch("nosandbox");
    let warmup = write_drv(&work, "warmup", "echo > $out");
    ntop(&work, &warmup, false, &[]);
    let db = database(&work);
    let file = write_drv(&work, "probe", &probe_script(&db));
    ntop(&work, &file, false, &[]);
    let out = output(&work, "probe");
    let uid: u32 = read(&out, "uid").parse().expect("a uid");
    let gid: u32 = read(&out, "gid").parse().expect("a gid");
    assert!(
        uid >= START_ID + 1000 && (uid - START_ID - 1000).is_multiple_of(65536),
        "{uid}"
    );
    assert_eq!(gid, uid - 900);
    for probe in ["remount", "usr", "input", "db"] {
        assert_eq!(read(&out, probe), "no", "the builder could {probe}");
    }
    assert_eq!(read(&out, "tmp"), "yes");
    assert_eq!(read(&out, "caps"), "CapEff:\t0000000000000000");
    assert!(!Path::new("/usr/ntop-probe").exists());
    assert_root_owned(&out);
    verify(&work);
    remove(&work);
}

/// A normal user's sandboxed builder (run as uid 65534 when the test runs as root; as the
/// caller otherwise) is the caller mapped to root in its own user namespace, no build users
/// involved: it cannot remount or write the host's `/usr`, its input or the store's
/// database either, and its output is the caller's.
#[test]
fn a_normal_user_s_sandboxed_builder_cannot_write_outside_its_output() {
    const NOBODY: u32 = 65534;
    let work = scratch("normal");
    // SAFETY: geteuid cannot fail.
    let (user, owner) = if is_root() {
        (Some(NOBODY), NOBODY)
    } else {
        (None, unsafe { libc::geteuid() })
    };
    let warmup = write_drv(&work, "warmup", "echo > $out");
    if user.is_some() {
        let status = Command::new("chown")
            .args(["-R", &format!("{NOBODY}:{NOBODY}")])
            .arg(&work)
            .status()
            .expect("running chown");
        assert!(status.success());
    }
    ntop_as(user, &work, &warmup, true, &[]);
    let db = database(&work);
    assert!(db.exists(), "no database found under {}", work.display());
    let file = write_drv(&work, "probe", &probe_script(&db));
    ntop_as(user, &work, &file, true, &[]);
    let out = output(&work, "probe");
    assert_eq!(read(&out, "uid"), "0");
    for probe in ["remount", "nested_remount", "usr", "input", "db"] {
        assert_eq!(read(&out, probe), "no", "the builder could {probe}");
    }
    assert_eq!(read(&out, "tmp"), "yes");
    assert!(!Path::new("/usr/ntop-probe").exists());
    assert!(!work.join("input/ntop-probe").exists());
    assert_owned_by(&out, owner);
    remove(&work);
}

/// `auto-allocate-uids = false` keeps the behaviour before build users: root inside.
#[test]
fn auto_allocate_uids_false_builds_as_root() {
    needs_root!();
    let work = scratch("noalloc");
    let file = write_drv(&work, "asroot", "/usr/bin/id -u > $out");
    ntop(
        &work,
        &file,
        true,
        &["--option", "auto-allocate-uids", "false"],
    );
    assert_eq!(read(&output(&work, "asroot"), ""), "0");
    remove(&work);
}

/// Two builds running at once hold different slots.
#[test]
fn concurrent_builds_get_different_slots() {
    needs_root!();
    let work = scratch("slots");
    let file = work.join("two.nix");
    std::fs::write(
        &file,
        "let d = n: derivation { name = \"slot-${n}\"; system = builtins.currentSystem; \
         builder = \"/bin/sh\"; args = [ \"-c\" \"/bin/sleep 2; /bin/cat /proc/self/uid_map > $out\" ]; }; \
         in [ (d \"a\") (d \"b\") ]\n",
    )
    .expect("writing the expression");
    ntop(&work, &file, true, &["-j", "2"]);
    let a = read(&output(&work, "slot-a"), "");
    let b = read(&output(&work, "slot-b"), "");
    assert_ne!(a, b, "both builds used the same ids");
    remove(&work);
}

fn verify(work: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_ntop"))
        .args(["store", "verify", "--store"])
        .arg(work.join("store"))
        .env("HOME", work)
        .env("NIX_CONF_DIR", work)
        .env_remove("NIX_CONFIG")
        .output()
        .expect("running ntop store verify");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
