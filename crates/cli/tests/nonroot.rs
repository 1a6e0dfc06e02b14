//! The README's first command as a normal user: building the bundled example, verifying and
//! collecting the store, and `ntop run` over the built tree, all as an unprivileged uid with the
//! store in that user's home (the sandbox entered through an unprivileged user namespace).
//!
//! CI runs as root, so the test drops to uid/gid 65534 (`nobody`) for every command; run as a
//! normal user it runs the commands as that user. It is skipped, saying why, only where the
//! machine cannot give an unprivileged user a user namespace.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOBODY: u32 = 65534;

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc_geteuid() == 0 }
}

extern "C" {
    #[link_name = "geteuid"]
    fn libc_geteuid() -> u32;
}

/// A throwaway home owned by the user the commands run as, with copies of the binary and the
/// examples (the checkout may sit where that user cannot read, e.g. under /root).
struct Home {
    dir: PathBuf,
    ntop: PathBuf,
}

impl Home {
    fn new() -> Home {
        let dir = std::env::temp_dir().join(format!("ntop-nonroot-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("examples")).expect("temporary home");
        let ntop = dir.join("ntop");
        std::fs::copy(env!("CARGO_BIN_EXE_ntop"), &ntop).expect("copy of the binary");
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        for e in std::fs::read_dir(&examples).expect("examples").flatten() {
            std::fs::copy(e.path(), dir.join("examples").join(e.file_name())).expect("example");
        }
        if is_root() {
            chown_tree(&dir);
        }
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        Home { dir, ntop }
    }

    /// A command as the unprivileged user, in the home, with nothing of the caller's store
    /// configuration.
    fn command(&self, program: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(program);
        c.args(args)
            .current_dir(&self.dir)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", &self.dir)
            .env("XDG_DATA_HOME", self.dir.join("data"))
            .env("XDG_CONFIG_HOME", self.dir.join("config"))
            .env("NIX_CONF_DIR", self.dir.join("etc-nix"))
            // The default order tries the Nix daemon and the Nix store first: point both at
            // nothing, so that the machine's own are never used and ntop's store is chosen.
            .env("NIX_DAEMON_SOCKET_PATH", self.dir.join("no-daemon/socket"))
            .env("NIX_STATE_DIR", self.dir.join("no-nix-state"));
        if is_root() {
            // std drops the supplementary groups too when it changes the uid as root.
            c.uid(NOBODY).gid(NOBODY);
        }
        c
    }

    fn ntop(&self, args: &[&str]) -> Output {
        self.command(&self.ntop, args).output().expect("ntop runs")
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        // The store's objects are read-only: make them writable to remove them.
        let _ = Command::new("chmod")
            .args(["-R", "u+w"])
            .arg(&self.dir)
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn chown_tree(dir: &Path) {
    std::os::unix::fs::chown(dir, Some(NOBODY), Some(NOBODY)).expect("chown");
    for e in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            chown_tree(&p);
        } else {
            std::os::unix::fs::chown(&p, Some(NOBODY), Some(NOBODY)).expect("chown");
        }
    }
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn a_normal_user_builds_verifies_collects_and_runs_the_example() {
    let home = Home::new();
    // A user namespace is what the sandbox and `ntop run` need; without one there is nothing
    // to test here.
    let userns = home
        .command(Path::new("unshare"), &["--user", "--map-root-user", "true"])
        .output();
    if !userns.as_ref().is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: an unprivileged user cannot create a user namespace here");
        return;
    }

    let build = home.ntop(&["build", "examples/container-host.nix"]);
    assert!(build.status.success(), "build: {}", text(&build));
    let printed = String::from_utf8_lossy(&build.stdout).trim().to_owned();
    assert!(
        printed.starts_with("/nix/store/"),
        "a logical path: {}",
        text(&build)
    );
    // The link points at the object where this store keeps it.
    let link = std::fs::read_link(home.dir.join("result")).expect("a result link");
    assert_eq!(
        link.file_name(),
        Path::new(&printed).file_name(),
        "result links the printed output"
    );
    let result = printed;
    // The store is in the user's home, not at /nix/store.
    assert!(
        home.dir.join("data/ntop").exists(),
        "the store lives under XDG_DATA_HOME"
    );

    let verify = home.ntop(&["store", "verify"]);
    assert!(verify.status.success(), "verify: {}", text(&verify));

    // The result is rooted: collecting garbage keeps it, and the store stays consistent.
    let gc = home.ntop(&["store", "gc"]);
    assert!(gc.status.success(), "gc: {}", text(&gc));
    let verify = home.ntop(&["store", "verify"]);
    assert!(
        verify.status.success(),
        "verify after gc: {}",
        text(&verify)
    );

    // Inside `ntop run` the store is at its logical directory: the system's `sw/bin` (links
    // into other store paths) lists the packages' programs.
    let sw_bin = format!("{result}/sw/bin");
    let run = home.ntop(&["run", "examples/container-host.nix", "--", "ls", &sw_bin]);
    assert!(run.status.success(), "run: {}", text(&run));
    let listed = String::from_utf8_lossy(&run.stdout);
    assert!(
        listed.lines().any(|l| l == "ssh"),
        "sw/bin lists the example's programs (openssh's ssh): {}",
        text(&run)
    );

    // The command keeps the user's identity and its exit status is the command's.
    let id = home.ntop(&[
        "run",
        "examples/container-host.nix",
        "--",
        "sh",
        "-c",
        "id -u; exit 3",
    ]);
    assert_eq!(id.status.code(), Some(3), "run's status: {}", text(&id));
    let expected_uid = if is_root() {
        NOBODY.to_string()
    } else {
        // SAFETY: as above.
        unsafe { libc_geteuid() }.to_string()
    };
    assert_eq!(
        String::from_utf8_lossy(&id.stdout).trim(),
        expected_uid,
        "{}",
        text(&id)
    );
}
