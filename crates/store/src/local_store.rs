//! A store on the local file system.
//!
//! # Layout
//!
//! A [`LocalStore`] has a *physical* root directory and a *logical* [`StoreDir`]. Store paths
//! are computed and printed with the logical directory (`/nix/store` by default), so they are
//! the paths Nix would compute; the objects themselves live under the root:
//!
//! ```text
//! <root>/store/<hash>-<name>       the object whose logical path is <store dir>/<hash>-<name>
//! <root>/store/.tmp-<…>            objects being written (never a valid store path name)
//! ```
//!
//! so ntop can work with `/nix/store` paths without owning `/nix/store`, and a builder can map
//! `<root>/store` to the logical directory in its sandbox.
//!
//! # Invariants
//!
//! * An object is present exactly when `<root>/store/<hash>-<name>` exists: every object is
//!   written completely under a temporary name in the same directory, its metadata
//!   normalised (see [`canonicalise`](crate::canonicalise)), flushed to disk, and only then
//!   renamed into place. There is no database; presence is validity.
//! * Two processes adding the same object at once both succeed: the object's content is a
//!   function of its path, so whichever rename lands first wins and the other finds the path
//!   present and discards its copy.
//! * In dry-run mode nothing is written: the methods compute the same paths (hashing the
//!   files that would be added) and return them.
//! * There is no garbage collection and no record of references beyond what the objects
//!   contain (a `.drv` file names its inputs).

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::canonicalise::{canonicalise_metadata, force_remove};
use crate::derivation::Derivation;
use crate::error::{Error, Result};
use crate::hash::{Hash, HashAlgo, Hasher};
use crate::nar::{self, FileKind};
use crate::store_path::{IngestionMethod, StoreDir, StorePath};

/// Whether the store may be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreMode {
    ReadWrite,
    /// Compute paths only (`nix-instantiate --readonly-mode`, `--dry-run`).
    DryRun,
}

#[derive(Clone, Debug)]
pub struct LocalStore {
    root: PathBuf,
    store_dir: StoreDir,
    mode: StoreMode,
    /// With batched syncing, objects are flushed by one `syncfs` in [`LocalStore::flush`] (or
    /// on drop) instead of one `fsync` each: evaluation can write thousands of `.drv` files.
    /// Objects still appear atomically (temporary name, then rename).
    batch_sync: bool,
    unsynced: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Drop for LocalStore {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

impl LocalStore {
    /// Opens the store under `root`, creating `<root>/store` when the store may be written.
    pub fn open(
        root: impl Into<PathBuf>,
        store_dir: StoreDir,
        mode: StoreMode,
    ) -> Result<LocalStore> {
        let store = LocalStore {
            root: root.into(),
            store_dir,
            mode,
            batch_sync: false,
            unsynced: Default::default(),
        };
        if mode == StoreMode::ReadWrite {
            let dir = store.objects_dir();
            fs::create_dir_all(&dir).map_err(|e| Error::io("creating store directory", &dir, e))?;
        }
        Ok(store)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Flush written objects once, at [`LocalStore::flush`] or drop, instead of one by one.
    pub fn with_batched_sync(mut self) -> LocalStore {
        self.batch_sync = true;
        self
    }

    /// Makes every object written so far durable (one `syncfs` of the store's file system).
    pub fn flush(&self) -> Result<()> {
        if !self.unsynced.swap(false, Ordering::SeqCst) {
            return Ok(());
        }
        let dir = self.objects_dir();
        let file = fs::File::open(&dir).map_err(|e| Error::io("opening", &dir, e))?;
        // SAFETY: the descriptor is open for the duration of the call.
        if unsafe { libc::syncfs(file.as_raw_fd()) } != 0 {
            return Err(Error::io("syncing", &dir, io::Error::last_os_error()));
        }
        Ok(())
    }

    pub fn store_dir(&self) -> &StoreDir {
        &self.store_dir
    }

    pub fn mode(&self) -> StoreMode {
        self.mode
    }

    /// Where the object with this store path is on disk.
    pub fn physical_path(&self, path: &StorePath) -> PathBuf {
        self.objects_dir().join(path.to_string())
    }

    /// Maps a logical path at or inside a store object (`/nix/store/…-foo/bin/sh`) to the
    /// file on disk; `None` if it is not in the store.
    pub fn to_physical(&self, logical: &str) -> Option<PathBuf> {
        let (path, rest) = self.store_dir.split(logical).ok()?;
        let mut physical = self.physical_path(&path);
        if let Some(rest) = rest.strip_prefix('/') {
            physical.push(rest);
        }
        Some(physical)
    }

    pub fn is_present(&self, path: &StorePath) -> bool {
        fs::symlink_metadata(self.physical_path(path)).is_ok()
    }

    /// Adds a text file (`builtins.toFile`, a `.drv` file) with the given references; returns
    /// its path. The file is not written if it is present already or in dry-run mode.
    pub fn add_text(
        &self,
        name: &str,
        contents: &[u8],
        references: &BTreeSet<StorePath>,
    ) -> Result<StorePath> {
        let path = self
            .store_dir
            .compute_store_path_for_text(name, contents, references)?;
        self.write_file_object(&path, contents)?;
        Ok(path)
    }

    /// Writes a derivation's `.drv` file; returns its path.
    pub fn write_derivation(&self, drv: &Derivation) -> Result<StorePath> {
        let (path, text) = drv.store_path(&self.store_dir)?;
        self.write_file_object(&path, &text)?;
        Ok(path)
    }

    /// Reads and parses the `.drv` file at `path`.
    pub fn read_derivation(&self, path: &StorePath) -> Result<Derivation> {
        let physical = self.physical_path(path);
        let text =
            fs::read(&physical).map_err(|e| Error::io("reading derivation", &physical, e))?;
        let name = path
            .name()
            .strip_suffix(".drv")
            .ok_or_else(|| Error::BadDerivation {
                message: format!("'{}' is not a derivation", self.store_dir.print(path)),
            })?;
        Derivation::from_aterm(&text, name, &self.store_dir)
    }

    /// Copies the file or tree at `src` into the store, as path interpolation (`"${./dir}"`)
    /// and `builtins.path` do, and returns its path:
    ///
    /// * `Recursive`: the NAR of `src` (with the objects `filter` rejects left out) is hashed
    ///   with SHA-256 and the object is a `source` path; executable bits and symlinks are kept.
    /// * `Flat`: `src` must be a regular file; its contents are hashed with SHA-256 and the
    ///   object gets the fixed-output path. `filter` is not consulted.
    ///
    /// The filter is called exactly once per object, so a Nix filter function is evaluated
    /// once; the copy is made from the very NAR that was hashed.
    pub fn add_path<E, F>(
        &self,
        src: &Path,
        name: &str,
        method: IngestionMethod,
        filter: &mut F,
    ) -> Result<StorePath, E>
    where
        E: From<Error>,
        F: FnMut(&Path, FileKind) -> Result<bool, E>,
    {
        match method {
            IngestionMethod::Flat => Ok(self.add_flat_file(src, name)?),
            IngestionMethod::Recursive => self.add_recursive(src, name, filter),
        }
    }

    fn add_flat_file(&self, src: &Path, name: &str) -> Result<StorePath> {
        let meta = fs::metadata(src).map_err(|e| Error::io("getting status of", src, e))?;
        if !meta.is_file() {
            return Err(Error::UnsupportedFileType {
                path: src.to_owned(),
            });
        }
        let hash = hash_file(src)?;
        let path = self.store_dir.make_fixed_output_path(
            IngestionMethod::Flat,
            &hash,
            name,
            &BTreeSet::new(),
        )?;
        if self.mode == StoreMode::DryRun || self.is_present(&path) {
            return Ok(path);
        }
        let executable = meta.permissions().mode() & 0o100 != 0;
        self.install(&path, |tmp| {
            fs::copy(src, tmp).map_err(|e| Error::io("copying", src, e))?;
            let mode = if executable { 0o755 } else { 0o644 };
            fs::set_permissions(tmp, fs::Permissions::from_mode(mode))
                .map_err(|e| Error::io("setting permissions of", tmp, e))
        })?;
        Ok(path)
    }

    fn add_recursive<E, F>(&self, src: &Path, name: &str, filter: &mut F) -> Result<StorePath, E>
    where
        E: From<Error>,
        F: FnMut(&Path, FileKind) -> Result<bool, E>,
    {
        if self.mode == StoreMode::DryRun {
            return compute_store_path_for_path(
                &self.store_dir,
                src,
                name,
                IngestionMethod::Recursive,
                filter,
            );
        }
        // The NAR goes to a temporary file while it is hashed, then is unpacked from there.
        let nar_path = self.temp_path("nar");
        let result = self.add_recursive_via(src, name, filter, &nar_path);
        let _ = fs::remove_file(&nar_path);
        result
    }

    fn add_recursive_via<E, F>(
        &self,
        src: &Path,
        name: &str,
        filter: &mut F,
        nar_path: &Path,
    ) -> Result<StorePath, E>
    where
        E: From<Error>,
        F: FnMut(&Path, FileKind) -> Result<bool, E>,
    {
        let file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(nar_path)
            .map_err(|e| Error::io("creating temporary file", nar_path, e))?;
        let mut tee = Tee {
            file: BufWriter::new(file),
            hasher: Hasher::new(HashAlgo::Sha256),
        };
        nar::dump_path(src, &mut tee, filter)?;
        let Tee { file, hasher } = tee;
        let mut file = file
            .into_inner()
            .map_err(|e| Error::io("writing temporary file", nar_path, e.into_error()))?;
        let path =
            self.store_dir
                .make_source_path(name, &hasher.finish(), &BTreeSet::new(), false)?;
        if self.is_present(&path) {
            return Ok(path);
        }
        file.seek(SeekFrom::Start(0))
            .map_err(|e| Error::io("reading temporary file", nar_path, e))?;
        self.install(&path, |tmp| {
            nar::restore(io::BufReader::new(&mut file), tmp)
        })?;
        Ok(path)
    }

    fn write_file_object(&self, path: &StorePath, contents: &[u8]) -> Result<()> {
        if self.mode == StoreMode::DryRun || self.is_present(path) {
            return Ok(());
        }
        self.install(path, |tmp| {
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(tmp)
                .map_err(|e| Error::io("creating file", tmp, e))?;
            file.write_all(contents)
                .map_err(|e| Error::io("writing file", tmp, e))
        })
    }

    /// Creates an object under a temporary name with `create`, normalises and flushes it,
    /// and renames it to `path`. If another process got there first, its copy stays.
    fn install(&self, path: &StorePath, create: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
        let tmp = self.temp_path(&path.to_string());
        let result = create(&tmp)
            .and_then(|()| canonicalise_metadata(&tmp))
            .and_then(|()| {
                if self.batch_sync {
                    Ok(())
                } else {
                    self.sync(&tmp)
                }
            });
        if let Err(e) = result {
            let _ = force_remove(&tmp);
            return Err(e);
        }
        let dest = self.physical_path(path);
        match fs::rename(&tmp, &dest) {
            Ok(()) => {}
            // A directory cannot replace a non-empty one: the other writer won.
            Err(_) if self.is_present(path) => {
                let _ = force_remove(&tmp);
                return Ok(());
            }
            Err(e) => {
                let _ = force_remove(&tmp);
                return Err(Error::io("moving into place", &dest, e));
            }
        }
        if self.batch_sync {
            self.unsynced.store(true, Ordering::SeqCst);
            return Ok(());
        }
        let dir = self.objects_dir();
        fs::File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| Error::io("syncing store directory", &dir, e))
    }

    /// Flushes an object to disk: one `fsync` for a file, a `syncfs` of the store's file system
    /// for a tree (one call instead of one per file).
    fn sync(&self, tmp: &Path) -> Result<()> {
        let file = fs::File::open(tmp).map_err(|e| Error::io("opening", tmp, e));
        match fs::symlink_metadata(tmp) {
            Ok(meta) if meta.is_file() => {
                file?.sync_all().map_err(|e| Error::io("syncing", tmp, e))
            }
            Ok(meta) if meta.is_dir() => {
                let file = file?;
                // SAFETY: the descriptor is open for the duration of the call.
                if unsafe { libc::syncfs(file.as_raw_fd()) } != 0 {
                    return Err(Error::io("syncing", tmp, io::Error::last_os_error()));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn objects_dir(&self) -> PathBuf {
        self.root.join("store")
    }

    /// A fresh name in the store directory that is not a valid store path (it starts with
    /// `.tmp-`, which is no nix32 hash part).
    fn temp_path(&self, label: &str) -> PathBuf {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        self.objects_dir()
            .join(format!(".tmp-{}-{n}-{label}", std::process::id()))
    }
}

/// The path [`LocalStore::add_path`] would give `src`, computed without a store (what
/// `builtins.path` and path interpolation return in read-only mode).
pub fn compute_store_path_for_path<E, F>(
    store_dir: &StoreDir,
    src: &Path,
    name: &str,
    method: IngestionMethod,
    filter: &mut F,
) -> Result<StorePath, E>
where
    E: From<Error>,
    F: FnMut(&Path, FileKind) -> Result<bool, E>,
{
    match method {
        IngestionMethod::Flat => {
            let hash = hash_file(src)?;
            Ok(store_dir.make_fixed_output_path(
                IngestionMethod::Flat,
                &hash,
                name,
                &BTreeSet::new(),
            )?)
        }
        IngestionMethod::Recursive => {
            let mut hasher = Hasher::new(HashAlgo::Sha256);
            nar::dump_path(src, &mut hasher, filter)?;
            Ok(store_dir.make_source_path(name, &hasher.finish(), &BTreeSet::new(), false)?)
        }
    }
}

/// The SHA-256 of a file's contents, streamed.
fn hash_file(path: &Path) -> Result<Hash> {
    let mut file = fs::File::open(path).map_err(|e| Error::io("opening file", path, e))?;
    let mut hasher = Hasher::new(HashAlgo::Sha256);
    io::copy(&mut file, &mut hasher).map_err(|e| Error::io("reading file", path, e))?;
    Ok(hasher.finish())
}

/// Writes to a file and a hasher at once.
struct Tee {
    file: BufWriter<fs::File>,
    hasher: Hasher,
}

impl Write for Tee {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests;
