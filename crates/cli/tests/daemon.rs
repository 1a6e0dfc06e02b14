//! ntop as a client of Nix 2.8's `nix-daemon` (issue 15, points 3 and 4): each test starts its
//! own daemon on a socket in a temporary directory, with a throwaway store (`NIX_STORE_DIR`,
//! `NIX_STATE_DIR` there), runs ntop and the reference `nix-instantiate` / `nix-build` against
//! it as an unprivileged user (uid 65534 when the tests run as root), compares the `.drv` and
//! output paths, and checks the daemon's store with `nix-store --verify --check-contents`.
//! The daemon is killed when the test ends, also when it fails (`Daemon`'s `Drop`). Every
//! command is bounded in time (`timeout`). Skipped, saying so, where `nix-daemon` is missing.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const NOBODY: u32 = 65534;
/// No command of these tests takes more than this (seconds).
const BOUND: &str = "300";

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { geteuid() == 0 }
}

extern "C" {
    fn geteuid() -> u32;
}

fn installed(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A `nix-daemon` of its own: store at `dir/store`, state at `dir/state`, socket at
/// `dir/socket`, and a home for the client (`dir/home`, owned by the client's user) holding
/// a copy of the ntop binary.
struct Daemon {
    dir: PathBuf,
    child: Child,
}

impl Daemon {
    fn start(label: &str) -> Option<Daemon> {
        for program in ["nix-daemon", "nix-build", "timeout"] {
            if !installed(program) {
                eprintln!("skipped: `{program}` is not installed (apt-get install nix-bin)");
                return None;
            }
        }
        let dir = std::env::temp_dir().join(format!("ntop-daemon-{label}-{}", std::process::id()));
        remove_tree(&dir);
        for sub in ["state", "log", "etc", "home/etc-nix"] {
            std::fs::create_dir_all(dir.join(sub)).expect("the test's directories");
        }
        std::fs::copy(env!("CARGO_BIN_EXE_ntop"), dir.join("home/ntop")).expect("the binary");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        if is_root() {
            chown_tree(&dir.join("home"));
        }
        let child = Command::new("nix-daemon")
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            // The daemon's own store is the local one: left to `auto`, a daemon whose state
            // directory it cannot write finds its own socket and connects to itself.
            .env("NIX_REMOTE", "local")
            .env("NIX_STORE_DIR", dir.join("store"))
            .env("NIX_STATE_DIR", dir.join("state"))
            .env("NIX_LOG_DIR", dir.join("log"))
            .env("NIX_CONF_DIR", dir.join("etc"))
            .env("NIX_DAEMON_SOCKET_PATH", dir.join("socket"))
            .env(
                "NIX_CONFIG",
                "substituters =\nsandbox = false\nbuild-users-group =\n",
            )
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("daemon.log")).expect("the daemon's log"))
            .spawn()
            .expect("nix-daemon starts");
        let daemon = Daemon { dir, child };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::os::unix::net::UnixStream::connect(daemon.socket()).is_err() {
            assert!(Instant::now() < deadline, "nix-daemon never listened");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(daemon)
    }

    fn socket(&self) -> PathBuf {
        self.dir.join("socket")
    }

    fn uri(&self) -> String {
        format!("unix://{}", self.socket().display())
    }

    fn store(&self) -> String {
        self.dir.join("store").display().to_string()
    }

    fn home(&self) -> PathBuf {
        self.dir.join("home")
    }

    /// `program ARGS` as the client's user in its home: nothing of the caller's store
    /// configuration, paths computed for the daemon's store directory.
    fn client(&self, program: &Path, args: &[&str]) -> Command {
        let home = self.home();
        let mut c = Command::new("timeout");
        c.arg(BOUND)
            .arg(program)
            .args(args)
            .current_dir(&home)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("NIX_CONF_DIR", home.join("etc-nix"))
            .env("NIX_STORE_DIR", self.store())
            // Nothing reaches the machine's own daemon or /nix/store.
            .env("NIX_STATE_DIR", home.join("no-nix-state"))
            .env("NIX_CONFIG", "substituters =\n")
            .stdin(Stdio::null());
        if is_root() {
            c.uid(NOBODY).gid(NOBODY);
        }
        c
    }

    fn ntop(&self, args: &[&str]) -> Command {
        self.client(&self.home().join("ntop"), args)
    }

    /// A reference Nix command, through this daemon.
    fn nix(&self, program: &str, args: &[&str]) -> Command {
        let mut c = self.client(Path::new(program), args);
        c.env("NIX_REMOTE", self.uri());
        c
    }

    /// A reference Nix command on the daemon's store directly, as the daemon's user.
    fn local_nix(&self, program: &str, args: &[&str]) -> Output {
        Command::new("timeout")
            .arg(BOUND)
            .arg(program)
            .args(args)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", self.dir.join("state"))
            .env("NIX_REMOTE", "local")
            .env("NIX_STORE_DIR", self.store())
            .env("NIX_STATE_DIR", self.dir.join("state"))
            .env("NIX_LOG_DIR", self.dir.join("log"))
            .env("NIX_CONF_DIR", self.dir.join("etc"))
            .env("NIX_CONFIG", "substituters =\n")
            .output()
            .expect("nix runs")
    }

    fn assert_verifies(&self) {
        let out = self.local_nix("nix-store", &["--verify", "--check-contents"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "nix-store --verify: {}", text(&out));
        for bad in ["error", "warning", "corrupt", "modified", "invalid"] {
            assert!(!stderr.contains(bad), "nix-store --verify: {stderr}");
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        // The workers end with their clients' connections; the listener is ours to stop.
        let _ = self.child.kill();
        let _ = self.child.wait();
        remove_tree(&self.dir);
    }
}

fn remove_tree(dir: &Path) {
    if dir.exists() {
        let _ = Command::new("chmod").arg("-R").arg("u+w").arg(dir).status();
        let _ = std::fs::remove_dir_all(dir);
    }
}

fn chown_tree(dir: &Path) {
    std::os::unix::fs::chown(dir, Some(NOBODY), Some(NOBODY)).expect("chown");
    for e in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let p = e.path();
        if p.is_dir() && !p.is_symlink() {
            chown_tree(&p);
        } else {
            std::os::unix::fs::lchown(&p, Some(NOBODY), Some(NOBODY)).expect("chown");
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

/// Runs the command; its standard output's last line when it succeeds.
fn ok(mut c: Command, what: &str) -> String {
    let out = c.output().expect("the command runs");
    assert!(out.status.success(), "{what}: {}", text(&out));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or("")
        .to_owned()
}

/// Writes a file in the client's home, owned by the client's user.
fn write(daemon: &Daemon, name: &str, contents: &str) {
    let path = daemon.home().join(name);
    std::fs::write(&path, contents).expect("a file in the home");
    if is_root() {
        std::os::unix::fs::chown(&path, Some(NOBODY), Some(NOBODY)).expect("chown");
    }
}

/// Two derivations (one an input of the other), a source file, `builtins.toFile`.
const SMALL: &str = r#"
let
  dep = derivation {
    name = "dep"; system = builtins.currentSystem; builder = "/bin/sh";
    args = [ "-c" "echo building dep; echo dep > $out" ];
  };
in derivation {
  name = "top"; system = builtins.currentSystem; builder = "/bin/sh";
  src = ./small.nix;
  note = builtins.toFile "note" "a text object";
  args = [ "-c" "read x < ${dep}; read y < $note; echo \"$x $y\" > $out" ];
}
"#;

#[test]
fn a_normal_user_instantiates_and_builds_through_the_daemon() {
    let Some(d) = Daemon::start("small") else {
        return;
    };
    write(&d, "small.nix", SMALL);
    let uri = d.uri();
    let drv = ok(
        d.ntop(&["instantiate", "--store", &uri, "small.nix"]),
        "ntop instantiate",
    );
    let nix_drv = ok(d.nix("nix-instantiate", &["small.nix"]), "nix-instantiate");
    assert_eq!(drv, nix_drv, "the same .drv as nix-instantiate");
    assert!(drv.starts_with(&d.store()), "{drv}");

    let out = ok(
        d.ntop(&["build", "--store", &uri, "small.nix"]),
        "ntop build",
    );
    let result = d.home().join("result");
    assert_eq!(
        std::fs::read_link(&result).expect("./result").to_str(),
        Some(out.as_str()),
        "./result points at the output"
    );
    assert_eq!(
        std::fs::read_to_string(&out).expect("the output"),
        "dep a text object\n"
    );
    let nix_out = ok(
        d.nix("nix-build", &["small.nix", "-o", "nix-result"]),
        "nix-build",
    );
    assert_eq!(out, nix_out, "the same output as nix-build");

    // `./result` is an indirect root the daemon knows: Nix lists it, and its collector keeps
    // the output.
    let roots = d.local_nix("nix-store", &["--gc", "--print-roots"]);
    let roots = String::from_utf8_lossy(&roots.stdout).into_owned();
    assert!(
        roots.contains(&format!("{} -> {out}", result.display())),
        "roots: {roots}"
    );
    // `--add-root` on instantiate is one too.
    let rooted = ok(
        d.ntop(&[
            "instantiate",
            "--store",
            &uri,
            "small.nix",
            "--add-root",
            "drv-root",
            "--indirect",
        ]),
        "ntop instantiate --add-root",
    );
    let drv_root = d.home().join("drv-root");
    assert_eq!(rooted, drv_root.display().to_string());
    let roots = d.local_nix("nix-store", &["--gc", "--print-roots"]);
    let roots = String::from_utf8_lossy(&roots.stdout).into_owned();
    assert!(
        roots.contains(&format!("{} -> {drv}", drv_root.display())),
        "roots: {roots}"
    );
    let gc = d.local_nix("nix-collect-garbage", &[]);
    assert!(gc.status.success(), "{}", text(&gc));
    assert!(
        Path::new(&out).exists(),
        "the collector kept the rooted output"
    );
    d.assert_verifies();
}

/// The README's example, a mini-NixOS system: ntop and nix-build agree on its `.drv` and
/// its top level, built by the daemon.
#[test]
fn the_example_system_builds_through_the_daemon() {
    let Some(d) = Daemon::start("example") else {
        return;
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let copy = Command::new("cp")
        .arg("-r")
        .arg(repo.join("bundle"))
        .arg(repo.join("examples"))
        .arg(d.home())
        .status()
        .expect("cp");
    assert!(copy.success());
    if is_root() {
        chown_tree(&d.home());
    }
    let expr = "(import ./bundle/nixos/lib/eval-config.nix \
                { modules = [ ./examples/container-host.nix ]; }).config.system.build.toplevel";
    let uri = d.uri();
    let drv = ok(
        d.ntop(&["instantiate", "--store", &uri, "-E", expr]),
        "ntop instantiate",
    );
    let nix_drv = ok(d.nix("nix-instantiate", &["-E", expr]), "nix-instantiate");
    assert_eq!(drv, nix_drv);
    let out = ok(
        d.ntop(&["build", "--store", &uri, "examples/container-host.nix"]),
        "ntop build",
    );
    let nix_out = ok(
        d.nix("nix-build", &["-E", expr, "-o", "nix-result"]),
        "nix-build",
    );
    assert_eq!(out, nix_out);
    assert!(Path::new(&out).join("sw/bin").is_dir(), "{out}");
    d.assert_verifies();
}

/// With nothing naming a store, a daemon whose socket accepts is the store; `NIX_REMOTE`
/// and the `store` setting name it as in Nix.
#[test]
fn the_daemon_is_chosen_by_default_and_by_name() {
    let Some(d) = Daemon::start("default") else {
        return;
    };
    write(&d, "small.nix", SMALL);
    let nix_drv = ok(d.nix("nix-instantiate", &["small.nix"]), "nix-instantiate");
    let socket = d.socket().display().to_string();
    let cases: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("default", vec![("NIX_DAEMON_SOCKET_PATH", socket.clone())]),
        (
            "NIX_REMOTE=daemon",
            vec![
                ("NIX_DAEMON_SOCKET_PATH", socket.clone()),
                ("NIX_REMOTE", "daemon".to_owned()),
            ],
        ),
        ("NIX_REMOTE=unix://", vec![("NIX_REMOTE", d.uri())]),
        (
            "store setting",
            vec![("NIX_CONFIG", format!("store = {}\n", d.uri()))],
        ),
    ];
    for (what, env) in cases {
        let mut c = d.ntop(&["instantiate", "small.nix"]);
        for (k, v) in env {
            c.env(k, v);
        }
        let drv = ok(c, what);
        assert_eq!(drv, nix_drv, "{what}");
    }
    assert!(
        !d.home().join("data/ntop").exists(),
        "ntop's own store was not used"
    );
}

/// What the daemon backend does not offer fails, naming the daemon's store, and never acts
/// on another store.
#[test]
fn store_commands_refuse_the_daemon_store() {
    let Some(d) = Daemon::start("unsupported") else {
        return;
    };
    let uri = d.uri();
    for args in [vec!["store", "gc"], vec!["store", "verify"]] {
        let mut all = args.clone();
        all.extend(["--store", &uri, "--color", "never"]);
        let out = d.ntop(&all).output().expect("ntop runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out));
        assert!(
            stderr.contains("the Nix daemon's store")
                && stderr.contains(&d.socket().display().to_string()),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    assert!(!d.home().join("data/ntop").exists());
}

/// A failed build through the daemon is a failure of `ntop build`, with the builder's
/// output shown and nothing linked.
#[test]
fn a_failed_build_through_the_daemon_reports_its_log() {
    let Some(d) = Daemon::start("failure") else {
        return;
    };
    write(
        &d,
        "fail.nix",
        r#"derivation {
          name = "fails"; system = builtins.currentSystem; builder = "/bin/sh";
          args = [ "-c" "echo the builder says oops; exit 3" ];
        }"#,
    );
    let uri = d.uri();
    let out = d
        .ntop(&["build", "--store", &uri, "fail.nix", "--color", "never"])
        .output()
        .expect("ntop runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(stderr.contains("the builder says oops"), "{stderr}");
    assert!(stderr.contains("fails.drv"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!d.home().join("result").exists());
    d.assert_verifies();
}
