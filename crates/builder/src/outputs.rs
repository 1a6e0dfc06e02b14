//! What happens to a build's outputs once the builder has exited successfully:
//!
//! 1. every declared output must exist;
//! 2. sandboxed outputs are renamed from the sandbox's store directory into the store —
//!    *before* they are made read-only: moving a directory to another parent rewrites its
//!    `..` entry, which needs write permission on the directory itself, and only root is
//!    exempt from that (an output the builder made read-only is made writable for the
//!    move, as Nix's `movePath` does);
//! 3. its metadata is normalised in place: owned by the store's owner (a build user's files
//!    are given back to it; a file of anyone else — a hard link to a foreign file — is
//!    refused, as Nix refuses it), mtime 1, files 0444 or 0555, directories 0555 — so no
//!    setuid, setgid or write bits remain;
//! 4. its NAR is hashed and, in the same pass, scanned for the hash parts of the input
//!    closure and of the derivation's own outputs;
//! 5. a fixed output is checked against its declared hash (flat: the file's contents;
//!    recursive: the NAR) and may refer to nothing;
//! 6. the outputs are made durable, then registered in the database in one transaction.
//!
//! Until step 6 completes no output is valid; an object present in the store but not
//! registered is garbage that the next build of it removes (the scheduler removes the
//! outputs of a build that fails in any of these steps).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use ntop_store::{
    canonicalise_metadata, nar, remove_tree, sync_path, Derivation, DerivationOutput, Hash,
    HashAlgo, HashEncoding, Hasher, IngestionMethod, LocalStore, PathInfo, StorePath,
};

use crate::builder::Workspace;
use crate::error::{BuildError, Result};
use crate::refs::RefScanner;

pub struct Finish<'a> {
    pub store: &'a LocalStore,
    pub drv_path: &'a StorePath,
    pub drv: &'a Derivation,
    pub outputs: &'a BTreeMap<String, StorePath>,
    pub workspace: &'a Workspace,
    /// The input closure: the candidates for references besides the outputs themselves.
    pub closure: &'a BTreeSet<StorePath>,
}

pub fn finish(f: &Finish<'_>) -> Result<()> {
    let store_dir = f.store.store_dir();
    let drv_printed = store_dir.print(f.drv_path);
    let mut candidates: Vec<&StorePath> = f.closure.iter().collect();
    candidates.extend(f.outputs.values());
    let mut placed = Vec::new();
    for (name, path) in f.outputs {
        let missing = || BuildError::MissingOutput {
            drv: drv_printed.clone(),
            output: name.clone(),
            path: store_dir.print(path),
        };
        let place = f.workspace.scratch.get(name).ok_or_else(missing)?;
        let meta = fs::symlink_metadata(place).map_err(|_| missing())?;
        let dest = f.store.physical_path(path);
        if *place != dest {
            // We hold the output's lock and it is not valid: whatever is there is garbage.
            remove_tree(&dest).map_err(|e| BuildError::io("removing stale output", &dest, e))?;
            move_path(place, &dest, &meta)?;
        }
        placed.push((name, path, dest));
    }
    let mut infos = Vec::new();
    for (name, path, place) in &placed {
        let (name, path, place) = (*name, *path, place.as_path());
        if let Some(slot) = &f.workspace.slot {
            take_ownership(place, slot.host_uid())?;
        }
        canonicalise_metadata(place)?;
        let mut sink = Tee {
            hasher: Hasher::new(HashAlgo::Sha256),
            scanner: RefScanner::new(candidates.iter().copied()),
        };
        nar::dump_all(place, &mut sink)?;
        let Tee { hasher, scanner } = sink;
        let nar_size = hasher.bytes_written();
        let nar_hash = hasher.finish();
        let references = scanner.found();
        let mut ca = None;
        if let Some(DerivationOutput::CaFixed { method, hash }) = f.drv.outputs.get(name) {
            check_fixed(
                place,
                *method,
                hash,
                &nar_hash,
                &drv_printed,
                &store_dir.print(path),
            )?;
            if !references.is_empty() {
                return Err(BuildError::FixedOutputReferences {
                    drv: drv_printed,
                    references: references
                        .iter()
                        .map(|r| store_dir.print(r))
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            ca = Some(format!(
                "fixed:{}{}:{}",
                method.prefix(),
                hash.algo().name(),
                hash.encode(HashEncoding::Nix32, false)
            ));
        }
        infos.push(PathInfo {
            path: path.clone(),
            nar_hash,
            nar_size,
            references,
            deriver: Some(f.drv_path.clone()),
            registration_time: 0,
            ca,
        });
    }
    for (_, _, place) in &placed {
        sync_path(place).map_err(|e| BuildError::io("syncing", place, e))?;
    }
    // The renames themselves, before the outputs become valid.
    if let Some(dir) = f.store.physical_path(f.drv_path).parent() {
        fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| BuildError::io("syncing", dir, e))?;
    }
    f.store.db()?.register(&infos)?;
    Ok(())
}

/// Renames an output from the sandbox into the store. A directory without its owner's write
/// bit (a builder may `chmod -R a-w $out`) cannot be moved to another parent by anyone but
/// root, so it is made writable for the move; normalisation afterwards sets its final mode.
fn move_path(place: &Path, dest: &Path, meta: &fs::Metadata) -> Result<()> {
    let mode = meta.permissions().mode();
    if meta.is_dir() && mode & 0o200 == 0 {
        fs::set_permissions(place, fs::Permissions::from_mode(mode | 0o200))
            .map_err(|e| BuildError::io("setting permissions of", place, e))?;
    }
    fs::rename(place, dest).map_err(|e| BuildError::io("moving output into", dest, e))
}

fn check_fixed(
    place: &Path,
    method: IngestionMethod,
    wanted: &Hash,
    nar_sha256: &Hash,
    drv: &str,
    printed: &str,
) -> Result<()> {
    let got = match method {
        IngestionMethod::Flat => {
            let meta = fs::symlink_metadata(place)
                .map_err(|e| BuildError::io("getting status of", place, e))?;
            if !meta.is_file() || meta.permissions().mode() & 0o100 != 0 {
                return Err(BuildError::BadFlatOutput {
                    path: printed.to_owned(),
                });
            }
            let mut file =
                fs::File::open(place).map_err(|e| BuildError::io("opening", place, e))?;
            let mut hasher = Hasher::new(wanted.algo());
            io::copy(&mut file, &mut hasher).map_err(|e| BuildError::io("reading", place, e))?;
            hasher.finish()
        }
        IngestionMethod::Recursive if wanted.algo() == HashAlgo::Sha256 => nar_sha256.clone(),
        IngestionMethod::Recursive => {
            let mut hasher = Hasher::new(wanted.algo());
            nar::dump_all(place, &mut hasher)?;
            hasher.finish()
        }
    };
    if got != *wanted {
        return Err(BuildError::HashMismatch {
            drv: drv.to_owned(),
            specified: wanted.to_sri(),
            got: got.to_sri(),
        });
    }
    Ok(())
}

struct Tee<'a> {
    hasher: Hasher,
    scanner: RefScanner<'a>,
}

impl Write for Tee<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.hasher.update(buf);
        self.scanner.write_all(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Gives everything under `path` that the build user (`builder`) owns to the store's owner
/// (this process); anything owned by someone else is an error.
fn take_ownership(path: &Path, builder: u32) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let meta =
        fs::symlink_metadata(path).map_err(|e| BuildError::io("getting status of", path, e))?;
    // SAFETY: geteuid and getegid cannot fail.
    let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
    if meta.uid() == builder {
        std::os::unix::fs::lchown(path, Some(uid), Some(gid))
            .map_err(|e| BuildError::io("changing the owner of", path, e))?;
    } else if meta.uid() != uid {
        return Err(BuildError::InvalidOwnership {
            path: path.to_owned(),
        });
    }
    if meta.is_dir() {
        let entries =
            fs::read_dir(path).map_err(|e| BuildError::io("reading directory", path, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| BuildError::io("reading directory", path, e))?;
            take_ownership(&entry.path(), builder)?;
        }
    }
    Ok(())
}
