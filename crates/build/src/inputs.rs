//! Input paths: making the evaluator's objects valid, and input closures.
//!
//! The evaluator writes sources, `toFile` texts and `.drv` files into the store atomically
//! but does not register them (for it, presence is validity). Before a build uses such a
//! path, [`ensure_valid`] registers it: a `.drv` file's references are its inputs; any other
//! object's are found by scanning it for the hash parts of every object in the store. Its
//! references are registered first, so the database's closure invariant holds.

use std::collections::{BTreeSet, HashMap};
use std::fs;

use ntop_store::{nar, Database, LocalStore, PathInfo, StorePath};

use crate::error::{BuildError, Result};
use crate::refs::scan_references;

/// Makes `path` (and everything it refers to) valid, registering objects that are present in
/// the store but unknown to the database.
pub fn ensure_valid(store: &LocalStore, db: &Database, path: &StorePath) -> Result<()> {
    if db.is_valid(path)? {
        return Ok(());
    }
    let mut all_objects: Option<Vec<StorePath>> = None;
    let mut refs: HashMap<StorePath, BTreeSet<StorePath>> = HashMap::new();
    let mut stack = vec![(path.clone(), false)];
    while let Some((p, expanded)) = stack.pop() {
        if db.is_valid(&p)? {
            continue;
        }
        let physical = store.physical_path(&p);
        if !expanded {
            if fs::symlink_metadata(&physical).is_err() {
                return Err(BuildError::Store(ntop_store::Error::Io {
                    action: "finding store path",
                    path: physical,
                    source: std::io::Error::from(std::io::ErrorKind::NotFound),
                }));
            }
            let found = if p.is_derivation() {
                store.read_derivation(&p)?.references()
            } else {
                let objects = match &all_objects {
                    Some(o) => o,
                    None => all_objects.insert(list_objects(store)?),
                };
                scan_references(&physical, objects.iter())?
            };
            stack.push((p.clone(), true));
            for r in &found {
                if *r != p {
                    stack.push((r.clone(), false));
                }
            }
            refs.insert(p, found);
        } else {
            let (nar_hash, nar_size) = nar::nar_hash(&physical)?;
            db.register(&[PathInfo {
                references: refs.remove(&p).unwrap_or_default(),
                path: p,
                nar_hash,
                nar_size,
                deriver: None,
                registration_time: 0,
                ca: None,
            }])?;
        }
    }
    Ok(())
}

/// Every object in the store directory (valid or not).
pub fn list_objects(store: &LocalStore) -> Result<Vec<StorePath>> {
    let dir = store.root().join("store");
    let entries = match fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(BuildError::io("reading", &dir, e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| BuildError::io("reading", &dir, e))?;
        if let Some(name) = entry.file_name().to_str() {
            if let Ok(p) = StorePath::from_base_name(name) {
                out.push(p);
            }
        }
    }
    Ok(out)
}
