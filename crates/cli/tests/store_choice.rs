//! Which store a command uses (issue 15, point 4): `--store`, else the `store` setting, else
//! `NIX_REMOTE`, else `auto`: a Nix daemon whose socket accepts, else a writable local Nix
//! store, else ntop's own store (docs/store.md; the daemon itself in `daemon.rs`). A directory — absolute, `./…`, `~/…`, or
//! any value with a `/` and no `://`, as Nix 2.8 reads it — is a store's root; anything
//! else is an error that names what is supported, and nothing is created. Nix 2.8's own
//! message for a store it cannot open is "don't know how to open Nix store 'foo'" (checked
//! with `nix-instantiate --store foo --eval -E 1`); ntop says the same and what it can open.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn ntop() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ntop"))
}

/// A fresh working directory for one test, also the home directory of its commands.
fn work(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ntop-store-choice-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

/// `ntop ARGS` in `dir`, with `dir` as home and no store chosen by the environment.
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(ntop());
    cmd.current_dir(dir)
        .args(args)
        .args(["--color", "never"])
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("xdg"))
        .env("XDG_CONFIG_HOME", dir.join("xdg-config"))
        .env("NIX_CONF_DIR", dir.join("etc-nix"))
        // The default order's first two choices point at nothing: the machine's own daemon
        // and /nix/store are never reached.
        .env("NIX_DAEMON_SOCKET_PATH", dir.join("no-daemon/socket"))
        .env("NIX_STATE_DIR", dir.join("no-nix-state"))
        .env_remove("NTOP_STORE")
        .env_remove("NIX_REMOTE")
        .env_remove("NIX_CONFIG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("ntop runs")
}

/// The entries of a directory, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

const DRV: &str = r#"derivation { name = "a"; builder = "/bin/sh"; system = "x86_64-linux"; }"#;

fn assert_refused(out: &Output, spec: &str, source: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "don't know how to open Nix store '{spec}' (from {source})"
        )),
        "{stderr}"
    );
    // It names what ntop supports.
    assert!(
        stderr.contains(
            "a directory (an absolute path, or one starting with './', '../' or '~/'), 'auto'"
        ) && stderr.contains("a store shared with Nix ('local', 'local?root=DIR')"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Every value that names no directory and no store shared with Nix (`local…`, tested in
/// `nix_store.rs`) is refused, by every kind of command, and nothing is
/// created for it (before, `--store daemon` made a directory named `daemon`).
#[test]
fn unknown_store_values_are_errors_naming_what_is_supported() {
    let dir = work("unknown");
    for spec in [
        "ssh://builder",
        "ssh-ng://builder",
        "https://cache.nixos.org",
        "file:///tmp/cache",
        "mystore",
    ] {
        let out = run(&dir, &["instantiate", "-E", DRV, "--store", spec], &[]);
        assert_refused(&out, spec, "--store");
        let out = run(&dir, &["eval", "-E", "1", "--store", spec], &[]);
        assert_refused(&out, spec, "--store");
        let out = run(&dir, &["store", "verify", "--store", spec], &[]);
        assert_refused(&out, spec, "--store");
    }
    let out = run(&dir, &["build", "-E", DRV, "--store", "mystore"], &[]);
    assert_refused(&out, "mystore", "--store");
    // Nothing was created beside the test's own directories.
    let made: Vec<String> = entries(&dir)
        .into_iter()
        .filter(|n| !n.starts_with("xdg") && n != "etc-nix")
        .collect();
    assert!(made.is_empty(), "created {made:?}");
    assert!(
        !dir.join("xdg/ntop").exists(),
        "the default store was opened"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `NIX_REMOTE` and the `store` setting choose the store as in Nix, and are refused the same
/// way; `--store` wins over both.
#[test]
fn nix_remote_and_the_store_setting_choose_the_store() {
    let dir = work("sources");
    let out = run(&dir, &["eval", "-E", "1"], &[("NIX_REMOTE", "mystore")]);
    assert_refused(&out, "mystore", "NIX_REMOTE");
    let out = run(
        &dir,
        &["eval", "-E", "1"],
        &[("NIX_CONFIG", "store = ssh://builder")],
    );
    assert_refused(&out, "ssh://builder", "the 'store' setting of NIX_CONFIG");
    let out = run(
        &dir,
        &["eval", "-E", "1", "--option", "store", "ssh-ng://sock"],
        &[("NIX_REMOTE", "./remote")],
    );
    assert_refused(
        &out,
        "ssh-ng://sock",
        "the 'store' setting of the command line",
    );
    let out = run(&dir, &["store", "gc"], &[("NIX_REMOTE", "mystore")]);
    assert_refused(&out, "mystore", "NIX_REMOTE");

    // A directory from each source is where the derivation is written.
    let written = |root: &Path| !entries(&root.join("store")).is_empty();
    let out = run(
        &dir,
        &["instantiate", "-E", DRV],
        &[("NIX_REMOTE", "./from-remote")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(written(&dir.join("from-remote")));
    let out = run(
        &dir,
        &["instantiate", "-E", DRV],
        &[
            ("NIX_CONFIG", "store = ./from-setting"),
            ("NIX_REMOTE", "daemon"),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(written(&dir.join("from-setting")));
    let out = run(
        &dir,
        &["instantiate", "-E", DRV, "--store", "./from-flag"],
        &[("NIX_CONFIG", "store = daemon"), ("NIX_REMOTE", "daemon")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(written(&dir.join("from-flag")));
    // `auto` is ntop's own store.
    let out = run(&dir, &["instantiate", "-E", DRV, "--store", "auto"], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(written(&dir.join("xdg/ntop")));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Paths still mean a directory store: absolute, `./…`, `../…`, `~/…` and, as in Nix, any
/// relative path with a `/`.
#[test]
fn paths_mean_a_directory_store() {
    let dir = work("paths");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let absolute = dir.join("absolute");
    let cases: Vec<(String, PathBuf, PathBuf)> = vec![
        (
            absolute.display().to_string(),
            dir.clone(),
            absolute.clone(),
        ),
        ("./dot".into(), dir.clone(), dir.join("dot")),
        ("../up".into(), dir.join("sub"), dir.join("up")),
        ("~/home".into(), dir.clone(), dir.join("home")),
        ("nested/store".into(), dir.clone(), dir.join("nested/store")),
    ];
    for (spec, cwd, root) in cases {
        let out = run(&cwd, &["instantiate", "-E", DRV, "--store", &spec], &[]);
        assert!(
            out.status.success(),
            "{spec}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let drvs = entries(&root.join("store"));
        assert!(
            drvs.iter().any(|n| n.ends_with("-a.drv")),
            "{spec}: {} holds {drvs:?}",
            root.display()
        );
        let out = run(&cwd, &["store", "verify", "--store", &spec], &[]);
        assert!(
            out.status.success(),
            "{spec}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// With `--error-format json` the refusal is a diagnostic with its code.
#[test]
fn unknown_store_is_a_json_diagnostic() {
    let dir = work("json");
    let out = run(
        &dir,
        &[
            "eval",
            "-E",
            "1",
            "--store",
            "mystore",
            "--error-format",
            "json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr.lines().next().unwrap_or("");
    let v: serde_json::Value =
        serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {stderr}"));
    assert_eq!(v["code"], "driver::unknown_store");
    assert_eq!(v["severity"], "error");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--store daemon` with no daemon listening is an error naming the socket; nothing is
/// created and no other store is used.
#[test]
fn a_named_daemon_that_is_not_there_is_an_error() {
    let dir = work("no-daemon");
    let socket = dir.join("no-daemon/socket");
    for (args, env) in [
        (vec!["instantiate", "-E", DRV, "--store", "daemon"], vec![]),
        // (`eval` goes on without a store, warning that it cannot open it.)
        (
            vec!["instantiate", "-E", DRV],
            vec![("NIX_REMOTE", "daemon")],
        ),
        (vec!["build", "-E", DRV, "--store"], vec![]),
    ] {
        let mut args = args.clone();
        let uri = format!("unix://{}", socket.display());
        if args.last() == Some(&"--store") {
            args.push(&uri);
        }
        let out = run(&dir, &args, &env);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "cannot connect to the Nix daemon at '{}'",
                socket.display()
            )),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    assert!(
        !dir.join("xdg/ntop").exists(),
        "ntop's own store was opened"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The default order (`docs/store.md`): a daemon socket that accepts a connection is the
/// store — here a listener that accepts and hangs up, so the handshake fails naming it —
/// while a stale socket file (nothing listening) falls through to ntop's own store.
#[test]
fn the_default_is_a_daemon_only_when_its_socket_accepts() {
    let dir = work("auto-daemon");
    let socket = dir.join("socket");
    let socket_env = socket.display().to_string();
    // A stale socket: bound, then its listener gone.
    drop(std::os::unix::net::UnixListener::bind(&socket).expect("a socket"));
    assert!(socket.exists());
    let out = run(
        &dir,
        &["instantiate", "-E", DRV],
        &[("NIX_DAEMON_SOCKET_PATH", &socket_env)],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !entries(&dir.join("xdg/ntop/store")).is_empty(),
        "the derivation is in ntop's own store"
    );

    // A socket that accepts.
    std::fs::remove_file(&socket).unwrap();
    let listener = std::os::unix::net::UnixListener::bind(&socket).expect("a socket");
    // The probes, then the session's connection: each accepted and closed at once, for as
    // long as the test process lives.
    std::thread::spawn(move || {
        while let Ok((stream, _)) = listener.accept() {
            drop(stream);
        }
    });
    let out = run(
        &dir,
        &["instantiate", "-E", DRV],
        &[("NIX_DAEMON_SOCKET_PATH", &socket_env)],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "cannot talk to the Nix daemon at '{}'",
            socket.display()
        )),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
