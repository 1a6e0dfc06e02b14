//! The fetchers' work outside the evaluator: unpacking archives (`fetchTarball`,
//! `fetchTree { type = "tarball"; }`) and copying trees of local git repositories
//! (`fetchGit`) into the store. ntop has no network access: only local files and
//! repositories are fetched.
//!
//! - `archive.rs` — the archive formats, recognised by their first bytes as libarchive does;
//! - `extract.rs` — the one writer of unpacked entries, and what it refuses;
//! - `git.rs` — revisions and dirty working trees of local repositories.
//!
//! Everything is unpacked into a temporary directory in the store's object directory, which
//! is removed (without following a symlink, `ntop_store::remove_tree`) whether or not the
//! fetch succeeded.

mod archive;
mod extract;
mod git;

use std::path::PathBuf;

use ntop_store::{nar::FileKind, remove_tree, StorePath};

/// Which entries of a tree go into the store object (as the store's NAR dump takes it).
pub type Filter<'f> = &'f mut dyn FnMut(&std::path::Path, FileKind) -> ntop_store::Result<bool>;

/// Adds the tree at a path, through a filter, as the object of the given name (NAR-hashed),
/// in whichever store the session uses (ntop's own, or a daemon's).
pub type AddTree<'a> =
    &'a mut dyn FnMut(&std::path::Path, &str, Filter<'_>) -> Result<StorePath, String>;

pub use git::fetch_git;

/// Unpacks an archive whose single top-level entry becomes the object `name` (Nix's rule
/// for tarballs); returns its path and NAR hash. At most `limit` bytes of file contents are
/// written (0: no limit). `tmp` is the scratch directory, removed afterwards.
pub fn unpack_archive(
    tmp: PathBuf,
    add: AddTree<'_>,
    archive: &std::path::Path,
    name: &str,
    limit: u64,
) -> Result<(StorePath, ntop_store::Hash), String> {
    let result = (|| {
        std::fs::create_dir_all(&tmp).map_err(|e| format!("creating '{}': {e}", tmp.display()))?;
        archive::unpack(archive, &tmp, limit).map_err(|e| e.to_string())?;
        let mut members: Vec<PathBuf> = std::fs::read_dir(&tmp)
            .map_err(|e| e.to_string())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        if members.len() != 1 {
            return Err(format!(
                "tarball '{}' contains an unexpected number of top-level files",
                archive.display()
            ));
        }
        let top = members.remove(0);
        let (nar_hash, _) = ntop_store::nar::nar_hash(&top).map_err(|e| e.to_string())?;
        let path = add(&top, name, &mut |_, _| Ok(true))?;
        Ok((path, nar_hash))
    })();
    let _ = remove_tree(&tmp);
    result
}
