//! Garbage-collector roots, garbage collection, verification and closures.
//!
//! Roots are the symlinks under `<root>/var/ntop/gcroots/` (recursively). A root that points
//! into the store protects that object; a root that points to another symlink (an
//! `auto/<hash>` root pointing at a `./result` link) protects what *that* link points to, and
//! is removed when the link is gone. Everything in the store not in the closure of the roots
//! under registered references is deleted: first made invalid in one transaction, then
//! renamed away under a temporary name, then removed, so that a crash never leaves a
//! half-deleted object under a valid-looking name.
//!
//! In a store shared with Nix, the roots are Nix's (`nixdb/roots.rs`): `gcroots/` and
//! `profiles/` with indirect `auto` roots, the temporary roots of live processes and the
//! store paths running processes use; and, as Nix's default `keep-derivations = true`
//! wants, the derivation that built a live path is live too. Names Nix uses for locks
//! (`<path>.lock`), and paths whose lock file exists (Nix is making them), are left alone.
//!
//! The collector holds the garbage-collector lock exclusively; every session that writes or
//! builds holds it shared until what it made is registered and rooted, so nothing a session
//! is still working with is collected.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use crate::disk::remove_tree;
use crate::error::{Error, Result};
use crate::hash::{Hash, HashAlgo};
use crate::local_store::LocalStore;
use crate::locks::LockKind;
use crate::nar;
use crate::nixdb::roots::{self, CollectorSocket};
use crate::nixdb::NixStoreConfig;
use crate::store_path::StorePath;

/// The closure of `paths` under registered references, the paths included.
pub fn closure(
    store: &LocalStore,
    paths: impl IntoIterator<Item = StorePath>,
) -> Result<BTreeSet<StorePath>> {
    let db = store.db()?;
    let mut seen = BTreeSet::new();
    let mut todo: Vec<StorePath> = paths.into_iter().collect();
    while let Some(p) = todo.pop() {
        if !seen.insert(p.clone()) {
            continue;
        }
        let refs = db.references(&p)?;
        todo.extend(refs.into_iter().filter(|r| !seen.contains(r)));
    }
    Ok(seen)
}

/// Registers the symlink `link` (a `./result`, an `--add-root`) as an indirect root: the
/// object it points to is live for as long as the link is.
pub fn add_indirect_root(store: &LocalStore, link: &Path) -> Result<()> {
    let auto = store.gc_roots_dir().join("auto");
    fs::create_dir_all(&auto).map_err(|e| Error::io("creating", &auto, e))?;
    let bytes = link.as_os_str().as_encoded_bytes();
    // Nix names the root by the SHA-1 of the link's path (`addIndirectRoot`), so the same
    // link made by Nix and by ntop is one root.
    let hash = match store.nix_config() {
        Some(_) => Hash::of(HashAlgo::Sha1, bytes).to_nix32(),
        None => Hash::sha256(bytes).to_nix32(),
    };
    let root = auto.join(&hash[..32]);
    let _ = fs::remove_file(&root);
    std::os::unix::fs::symlink(link, &root).map_err(|e| Error::io("registering root", &root, e))
}

/// What a collection did.
#[derive(Debug, Default)]
pub struct GcReport {
    pub deleted: Vec<StorePath>,
    pub bytes_freed: u64,
    pub roots: BTreeSet<StorePath>,
}

/// Deletes every store object not reachable from a root.
pub fn collect_garbage(store: &LocalStore) -> Result<GcReport> {
    let _lock = store.lock_gc(LockKind::Exclusive)?;
    // Nix's clients that want to add a root meanwhile wait for the lock (see `roots.rs`).
    let _socket = store.nix_config().map(CollectorSocket::bind).transpose()?;
    let db = store.db()?;
    let objects = list_objects(store)?;
    let (roots, live) = match store.nix_config() {
        Some(config) => {
            let roots = nix_roots(store, config, &objects)?;
            let mut live = closure(store, roots.iter().cloned())?;
            keep_derivers(store, &mut live)?;
            (roots, live)
        }
        None => {
            let roots = find_roots(store)?;
            let live = closure(store, roots.iter().cloned())?;
            (roots, live)
        }
    };
    let mut report = GcReport {
        roots,
        ..GcReport::default()
    };
    let dead: Vec<StorePath> = objects
        .into_iter()
        .filter(|p| !live.contains(p))
        .filter(|p| match store.nix_config() {
            // Nix's lock files, and what Nix is making under one.
            Some(config) => {
                !p.name().ends_with(".lock")
                    && fs::symlink_metadata(config.path_lock(&p.to_string())).is_err()
            }
            None => true,
        })
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
        let trash = store.temp_path(&format!("gc-{path}"));
        fs::rename(&physical, &trash).map_err(|e| Error::io("moving away", &physical, e))?;
        remove_tree(&trash).map_err(|e| Error::io("deleting", &trash, e))?;
        report.bytes_freed += size;
        report.deleted.push(path);
    }
    Ok(report)
}

/// The roots of a store shared with Nix: permanent, temporary and runtime roots, each
/// naming a printed path or an object's file.
fn nix_roots(
    store: &LocalStore,
    config: &NixStoreConfig,
    objects: &[StorePath],
) -> Result<BTreeSet<StorePath>> {
    let dir = store.store_dir();
    let physical = store.objects_dir();
    let mut named = roots::permanent_roots(config);
    named.extend(roots::temp_roots(config, dir)?);
    let mut roots = BTreeSet::new();
    for name in &named {
        if let Ok((path, _)) = dir.split(name) {
            roots.insert(path);
        } else if let Ok(rest) = Path::new(name).strip_prefix(&physical) {
            let base = rest
                .components()
                .next()
                .and_then(|c| c.as_os_str().to_str());
            if let Some(Ok(p)) = base.map(StorePath::from_base_name) {
                roots.insert(p);
            }
        }
    }
    // What running processes use, named by either directory.
    let prefixes = [
        format!("{}/", dir.as_str()).into_bytes(),
        format!("{}/", physical.display()).into_bytes(),
    ];
    let mut hashes = BTreeSet::new();
    for text in roots::runtime_root_texts() {
        roots::hash_parts_after(&text, &prefixes, &mut hashes);
    }
    roots.extend(
        objects
            .iter()
            .filter(|p| hashes.contains(&p.hash_part()))
            .cloned(),
    );
    Ok(roots)
}

/// Adds to `live` the derivers of its paths and their closures, until nothing changes
/// (Nix's `keep-derivations`, true by default).
fn keep_derivers(store: &LocalStore, live: &mut BTreeSet<StorePath>) -> Result<()> {
    let db = store.db()?;
    let mut todo: Vec<StorePath> = live.iter().cloned().collect();
    while let Some(path) = todo.pop() {
        let Some(deriver) = db.query_path_info(&path)?.and_then(|i| i.deriver) else {
            continue;
        };
        if live.contains(&deriver) || !db.is_valid(&deriver)? {
            continue;
        }
        for p in closure(store, [deriver])? {
            if live.insert(p.clone()) {
                todo.push(p);
            }
        }
    }
    Ok(())
}

/// The store objects the roots protect; stale `auto` roots are removed.
fn find_roots(store: &LocalStore) -> Result<BTreeSet<StorePath>> {
    let objects = store.objects_dir();
    let mut roots = BTreeSet::new();
    let mut todo = vec![store.gc_roots_dir()];
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

/// Every object in the store directory (valid or not).
fn list_objects(store: &LocalStore) -> Result<Vec<StorePath>> {
    let dir = store.objects_dir();
    let entries = match fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("reading", &dir, e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("reading", &dir, e))?;
        if let Some(name) = entry.file_name().to_str() {
            if let Ok(p) = StorePath::from_base_name(name) {
                out.push(p);
            }
        }
    }
    Ok(out)
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
    /// A registered reference that is not valid (the database's closure is broken).
    DanglingReference {
        path: StorePath,
        reference: StorePath,
    },
}

impl VerifyProblem {
    /// The problem with its paths printed in the store directory, ready to report.
    pub fn describe(&self, dir: &crate::StoreDir) -> Described {
        let (code, message) = match self {
            VerifyProblem::Missing(path) => (
                "store::verify_missing",
                format!("path '{}' is valid but missing", dir.print(path)),
            ),
            VerifyProblem::HashMismatch {
                path,
                expected,
                actual,
            } => (
                "store::verify_hash_mismatch",
                format!(
                    "path '{}' was modified! expected hash '{expected}', got '{actual}'",
                    dir.print(path)
                ),
            ),
            VerifyProblem::DanglingReference { path, reference } => (
                "store::verify_dangling_reference",
                format!(
                    "path '{}' refers to '{}', which is not valid",
                    dir.print(path),
                    dir.print(reference)
                ),
            ),
        };
        Described { code, message }
    }
}

/// A [`VerifyProblem`] described for a report.
#[derive(Debug)]
pub struct Described {
    code: &'static str,
    message: String,
}

impl std::fmt::Display for Described {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl crate::Coded for Described {
    fn code(&self) -> &'static str {
        self.code
    }
}

/// Re-hashes every valid path and compares with the database; checks that every reference
/// of a valid path is valid. Returns how many paths were checked and the problems.
pub fn verify_store(store: &LocalStore) -> Result<(usize, Vec<VerifyProblem>)> {
    let db = store.db()?;
    let mut problems = Vec::new();
    let paths = db.valid_paths()?;
    let valid: BTreeSet<&StorePath> = paths.iter().collect();
    for path in &paths {
        let physical = store.physical_path(path);
        if fs::symlink_metadata(&physical).is_err() {
            problems.push(VerifyProblem::Missing(path.clone()));
            continue;
        }
        let Some(info) = db.query_path_info(path)? else {
            continue;
        };
        for reference in &info.references {
            if !valid.contains(reference) {
                problems.push(VerifyProblem::DanglingReference {
                    path: path.clone(),
                    reference: reference.clone(),
                });
            }
        }
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
