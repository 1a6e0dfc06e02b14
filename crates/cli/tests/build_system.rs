//! End to end: `ntop build` of the bundled examples yields the system's output tree, in a
//! temporary store, with the sandbox (CI runs as root with namespaces).
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
