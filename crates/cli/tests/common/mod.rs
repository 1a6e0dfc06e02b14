//! Helpers shared by the tests that build in a throwaway store (`hardening.rs`,
//! `build_limits.rs`): a scratch directory with a store, its removal, and the outputs in it.

#![allow(dead_code)] // each test binary uses what it needs

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh directory for one test, with `tmp/` and a store at `store/` (objects in
/// `store/store`).
pub fn scratch(label: &str) -> PathBuf {
    let work = std::env::temp_dir().join(format!("ntop-{label}-{}", std::process::id()));
    remove(&work);
    std::fs::create_dir_all(work.join("tmp")).expect("temp dir");
    std::fs::create_dir_all(work.join("store/store")).expect("store dir");
    work
}

/// Removes a scratch directory, read-only store objects included.
pub fn remove(work: &Path) {
    if work.exists() {
        let _ = Command::new("chmod")
            .arg("-R")
            .arg("u+w")
            .arg(work)
            .status();
        let _ = std::fs::remove_dir_all(work);
    }
}

/// The store objects named `*-<name>` (outputs, not `.drv` files).
pub fn outputs_named(work: &Path, name: &str) -> Vec<PathBuf> {
    let suffix = format!("-{name}");
    std::fs::read_dir(work.join("store/store"))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.to_string_lossy().ends_with(&suffix))
                .collect()
        })
        .unwrap_or_default()
}
