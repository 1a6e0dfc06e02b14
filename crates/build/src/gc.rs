//! Garbage collection, verification and closures.
//!
//! Roots are the symlinks under `<root>/var/ntop/gcroots/` (recursively). A root that points
//! into the store protects that object; a root that points to another symlink (an
//! `auto/<hash>` root pointing at a `./result` link) protects what *that* link points to, and
//! is removed when the link is gone. Everything in the store not in the closure of the roots
//! (following registered references, and the inputs of `.drv` files) is deleted: first made
//! invalid in one transaction, then renamed away under a temporary name, then removed, so
//! that a crash never leaves a half-deleted object under a valid-looking name.
//!
//! The collector holds `<root>/locks/gc.lock` exclusively; build sessions hold it shared,
//! so nothing is collected while something builds.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use ntop_store::{nar, Database, LocalStore, StorePath};

use crate::builder::remove_tree;
use crate::error::{BuildError, Result};
use crate::inputs::list_objects;
use crate::locks::{lock, LockKind};

/// The directory of garbage-collector roots.
pub fn gc_roots_dir(root: &Path) -> PathBuf {
    root.join("var/ntop/gcroots")
}

/// The closure of `paths` under registered references (and, for unregistered `.drv` files,
/// their inputs).
pub fn closure(
    store: &LocalStore,
    db: &Database,
    paths: impl IntoIterator<Item = StorePath>,
) -> Result<BTreeSet<StorePath>> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<StorePath> = paths.into_iter().collect();
    while let Some(p) = todo.pop() {
        if !seen.insert(p.clone()) {
            continue;
        }
        let refs = if db.is_valid(&p)? {
            db.references(&p)?
        } else if p.is_derivation() && store.is_present(&p) {
            store
                .read_derivation(&p)
                .map(|d| d.references())
                .unwrap_or_default()
        } else {
            BTreeSet::new()
        };
        todo.extend(refs.into_iter().filter(|r| !seen.contains(r)));
    }
    Ok(seen)
}

/// What a collection did.
#[derive(Debug, Default)]
pub struct GcReport {
    pub deleted: Vec<StorePath>,
    pub bytes_freed: u64,
    pub roots: BTreeSet<StorePath>,
}

/// Deletes every store object not reachable from a root.
pub fn collect_garbage(store: &LocalStore, db: &Database) -> Result<GcReport> {
    let _lock = lock(store.root(), "gc", LockKind::Exclusive)?;
    let roots = find_roots(store)?;
    let live = closure(store, db, roots.iter().cloned())?;
    let mut report = GcReport {
        roots,
        ..GcReport::default()
    };
    let dead: Vec<StorePath> = list_objects(store)?
        .into_iter()
        .filter(|p| !live.contains(p))
        .collect();
    let registered: Vec<StorePath> = dead
        .iter()
        .filter(|p| db.is_valid(p).unwrap_or(false))
        .cloned()
        .collect();
    db.invalidate(&registered)?;
    for path in dead {
        let physical = store.physical_path(&path);
        let size = nar::nar_hash(&physical).map_or(0, |(_, s)| s);
        let trash = store
            .root()
            .join("store")
            .join(format!(".tmp-gc-{}-{path}", std::process::id()));
        fs::rename(&physical, &trash).map_err(|e| BuildError::io("moving away", &physical, e))?;
        remove_tree(&trash).map_err(|e| BuildError::io("deleting", &trash, e))?;
        report.bytes_freed += size;
        report.deleted.push(path);
    }
    Ok(report)
}

/// The store objects the roots protect; stale `auto` roots are removed.
fn find_roots(store: &LocalStore) -> Result<BTreeSet<StorePath>> {
    let objects = store.root().join("store");
    let mut roots = BTreeSet::new();
    let mut todo = vec![gc_roots_dir(store.root())];
    while let Some(dir) = todo.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                todo.push(path);
                continue;
            }
            if !meta.file_type().is_symlink() {
                continue;
            }
            let Ok(mut target) = fs::read_link(&path) else {
                continue;
            };
            // An indirect root: a link to a link (`./result`) that points into the store.
            if !target.starts_with(&objects) {
                match fs::read_link(&target) {
                    Ok(next) => target = next,
                    Err(_) => {
                        let _ = fs::remove_file(&path);
                        continue;
                    }
                }
            }
            if let Ok(rest) = target.strip_prefix(&objects) {
                let base = rest
                    .components()
                    .next()
                    .and_then(|c| c.as_os_str().to_str());
                if let Some(Ok(p)) = base.map(StorePath::from_base_name) {
                    roots.insert(p);
                }
            }
        }
    }
    Ok(roots)
}

/// A discrepancy `ntop store verify` found.
#[derive(Debug)]
pub enum VerifyProblem {
    Missing(StorePath),
    HashMismatch {
        path: StorePath,
        expected: String,
        actual: String,
    },
}

/// Re-hashes every valid path and compares with the database.
pub fn verify_store(store: &LocalStore, db: &Database) -> Result<(usize, Vec<VerifyProblem>)> {
    let mut problems = Vec::new();
    let paths = db.valid_paths()?;
    for path in &paths {
        let physical = store.physical_path(path);
        if fs::symlink_metadata(&physical).is_err() {
            problems.push(VerifyProblem::Missing(path.clone()));
            continue;
        }
        let Some(info) = db.query_path_info(path)? else {
            continue;
        };
        let (hash, _) = nar::nar_hash(&physical)?;
        if hash != info.nar_hash {
            problems.push(VerifyProblem::HashMismatch {
                path: path.clone(),
                expected: info.nar_hash.to_sri(),
                actual: hash.to_sri(),
            });
        }
    }
    Ok((paths.len(), problems))
}
