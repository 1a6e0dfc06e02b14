//! File locks (`flock`) between ntop processes, under `<root>/locks/`:
//!
//! * `<hash>.lock`, exclusive, while an output is being built: a second process that wants
//!   the same output waits, then finds it valid;
//! * `gc.lock`, shared by every session that writes to the store or builds (from before its
//!   first write until its results are registered and rooted), exclusive for the garbage
//!   collector: nothing is collected while a session's objects are not yet protected.
//!
//! A lock is released when its [`FileLock`] is dropped (the descriptor is closed), and by the
//! kernel if the process dies.

use std::fs::{self, File};
use std::os::unix::io::AsRawFd;
use std::path::Path;

use crate::error::{Error, Result};

/// A held lock; dropping it releases the lock.
#[derive(Debug)]
pub struct FileLock {
    _file: File,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockKind {
    Shared,
    Exclusive,
}

/// Takes the lock on `<dir>/<name>.lock`, waiting for it.
pub(crate) fn lock(dir: &Path, name: &str, kind: LockKind) -> Result<FileLock> {
    fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
    let path = dir.join(format!("{name}.lock"));
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io("opening lock", &path, e))?;
    let op = match kind {
        LockKind::Shared => libc::LOCK_SH,
        LockKind::Exclusive => libc::LOCK_EX,
    };
    loop {
        // SAFETY: the descriptor belongs to `file`, which is open.
        if unsafe { libc::flock(file.as_raw_fd(), op) } == 0 {
            return Ok(FileLock { _file: file });
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(Error::io("locking", &path, err));
        }
    }
}
