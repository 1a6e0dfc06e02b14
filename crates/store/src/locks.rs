//! File locks (`flock`) between ntop processes, under `<root>/locks/`:
//!
//! * `<hash>.lock`, exclusive, while an output is being built: a second process that wants
//!   the same output waits, then finds it valid;
//! * `gc.lock`, shared by every session that writes to the store or builds (from before its
//!   first write until its results are registered and rooted), exclusive for the garbage
//!   collector: nothing is collected while a session's objects are not yet protected.
//!
//! In a store shared with Nix (`nixdb`) the same locks are Nix's files: `<state>/gc.lock`,
//! and `<real store>/<hash>-<name>.lock` taken with Nix's protocol for deleted lock files.
//!
//! A lock is released when its [`FileLock`] is dropped (the descriptor is closed), and by the
//! kernel if the process dies.

use std::fs::{self, File};
use std::io::Write;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A held lock; dropping it releases the lock.
#[derive(Debug)]
pub struct FileLock {
    file: File,
    /// A Nix per-path lock file, removed on release (see [`lock_path_file`]).
    delete: Option<PathBuf>,
}

impl Drop for FileLock {
    fn drop(&mut self) {
        if let Some(path) = &self.delete {
            // As Nix's `deleteLockFile`: unlink, then mark the file so that a process that
            // opened it before the unlink and is waiting for it knows to start again.
            let _ = fs::remove_file(path);
            let _ = (&self.file).write_all(b"d");
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockKind {
    Shared,
    Exclusive,
}

/// Takes the lock on `<dir>/<name>.lock`, waiting for it.
pub(crate) fn lock(dir: &Path, name: &str, kind: LockKind) -> Result<FileLock> {
    fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
    lock_file(&dir.join(format!("{name}.lock")), kind)
}

/// Takes the lock on the file `path` (created if needed), waiting for it.
pub(crate) fn lock_file(path: &Path, kind: LockKind) -> Result<FileLock> {
    let file = open_lock_file(path)?;
    flock(&file, path, kind, true)?;
    Ok(FileLock { file, delete: None })
}

/// Nix's per-path lock (`PathLocks` with deletion, on `<real>/<hash>-<name>.lock`): taken
/// exclusively; a file found non-empty after locking was deleted by its previous holder,
/// so it is opened anew. The file is removed when the lock is released.
pub(crate) fn lock_path_file(path: &Path) -> Result<FileLock> {
    loop {
        let file = open_lock_file(path)?;
        flock(&file, path, LockKind::Exclusive, true)?;
        let meta = file
            .metadata()
            .map_err(|e| Error::io("getting status of", path, e))?;
        if meta.len() == 0 {
            return Ok(FileLock {
                file,
                delete: Some(path.to_owned()),
            });
        }
    }
}

/// Tries to lock `file` exclusively without waiting: `Ok(true)` if locked.
pub(crate) fn try_lock_exclusive(file: &File, path: &Path) -> Result<bool> {
    match flock(file, path, LockKind::Exclusive, false) {
        Ok(()) => Ok(true),
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::WouldBlock => {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// An open lock file that is already locked, kept (a temporary-roots file).
pub(crate) fn held(file: File) -> FileLock {
    FileLock { file, delete: None }
}

impl FileLock {
    pub(crate) fn file(&self) -> &File {
        &self.file
    }
}

fn open_lock_file(path: &Path) -> Result<File> {
    fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| Error::io("opening lock", path, e))
}

pub(crate) fn flock(file: &File, path: &Path, kind: LockKind, wait: bool) -> Result<()> {
    let mut op = match kind {
        LockKind::Shared => libc::LOCK_SH,
        LockKind::Exclusive => libc::LOCK_EX,
    };
    if !wait {
        op |= libc::LOCK_NB;
    }
    loop {
        // SAFETY: the descriptor belongs to `file`, which is open.
        if unsafe { libc::flock(file.as_raw_fd(), op) } == 0 {
            return Ok(());
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(Error::io("locking", path, err));
        }
    }
}
