//! File locks (`flock`) between ntop processes.
//!
//! * `<root>/locks/<hash>.lock`, exclusive, while an output is being built: a second process
//!   that wants the same output waits, then finds it valid.
//! * `<root>/locks/gc.lock`, shared by every build session, exclusive for the garbage
//!   collector: nothing is collected while a build runs.
//!
//! A lock is released when its [`FileLock`] is dropped (the descriptor is closed), and by the
//! kernel if the process dies.

use std::fs::{self, File};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

use crate::error::{BuildError, Result};

pub struct FileLock {
    _file: File,
}

#[derive(Clone, Copy)]
pub enum LockKind {
    Shared,
    Exclusive,
}

fn locks_dir(root: &Path) -> PathBuf {
    root.join("locks")
}

/// Takes the lock on `<root>/locks/<name>.lock`, waiting for it.
pub fn lock(root: &Path, name: &str, kind: LockKind) -> Result<FileLock> {
    let dir = locks_dir(root);
    fs::create_dir_all(&dir).map_err(|e| BuildError::io("creating", &dir, e))?;
    let path = dir.join(format!("{name}.lock"));
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| BuildError::io("opening lock", &path, e))?;
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
            return Err(BuildError::io("locking", &path, err));
        }
    }
}
