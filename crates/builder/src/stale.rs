//! What builds of dead processes left behind: build directories and sandbox roots.
//!
//! Each build registers itself before it creates anything: a record `.build-<pid>-<n>` in
//! the store's `chroots/` directory holding the build directory's path, locked (`flock`) by
//! the building process for as long as the build runs (made under a temporary name and
//! renamed once locked). The build directory and the sandbox
//! root (`chroots/<pid>-<n>-<name>`) are created after the record and removed before it, so
//!
//! * a record whose lock can be taken belongs to a process that died (the kernel released
//!   its lock) — its build directory and sandbox root are stale;
//! * a sandbox root without a record is stale.
//!
//! [`clean_stale`] removes both; it runs before every build and garbage collection. A build
//! directory kept by `--keep-failed` loses its record and is never removed; its sandbox root
//! (which holds the scratch outputs) is marked `.kept-<pid>-<n>` and stays too.

use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

use ntop_store::{remove_tree, LocalStore};

use crate::error::{BuildError, Result};

const RECORD_PREFIX: &str = ".build-";
/// A failed build kept by `--keep-failed`: its sandbox root (with the scratch outputs) stays.
const KEPT_PREFIX: &str = ".kept-";

/// The store's directory of sandbox roots.
fn chroots_dir(store: &LocalStore) -> PathBuf {
    store.chroot_path("")
}

/// A running build's record; dropping it removes it.
pub(crate) struct Record {
    path: PathBuf,
    id: String,
    _file: fs::File,
}

impl Record {
    /// Registers the build `id` (`<pid>-<n>`) with its build directory.
    pub(crate) fn create(store: &LocalStore, id: &str, build_dir: &Path) -> Result<Record> {
        let dir = chroots_dir(store);
        fs::create_dir_all(&dir).map_err(|e| BuildError::io("creating", &dir, e))?;
        // Made under another name and renamed once locked, so that no cleaner can take the
        // lock of a live build's record in between.
        let path = dir.join(format!("{RECORD_PREFIX}{id}"));
        let temp = dir.join(format!(".new{RECORD_PREFIX}{id}"));
        let mut file = fs::File::create(&temp).map_err(|e| BuildError::io("creating", &temp, e))?;
        // SAFETY: the descriptor belongs to `file`, which is open.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            let e = std::io::Error::last_os_error();
            return Err(BuildError::io("locking", &temp, e));
        }
        file.write_all(build_dir.as_os_str().as_encoded_bytes())
            .map_err(|e| BuildError::io("writing", &temp, e))?;
        fs::rename(&temp, &path).map_err(|e| BuildError::io("renaming", &temp, e))?;
        Ok(Record {
            path,
            id: id.to_owned(),
            _file: file,
        })
    }

    /// Marks the build as kept (`--keep-failed`): its sandbox root is never removed.
    pub(crate) fn keep(&self) {
        if let Some(dir) = self.path.parent() {
            let _ = fs::File::create(dir.join(format!("{KEPT_PREFIX}{}", self.id)));
        }
    }
}

impl Drop for Record {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Removes the build directories and sandbox roots of builds whose process is gone; returns
/// how many builds' remains were removed. Errors are ignored: what cannot be removed now is
/// tried again next time.
pub fn clean_stale(store: &LocalStore) -> usize {
    let dir = chroots_dir(store);
    let Ok(entries) = fs::read_dir(&dir) else {
        return 0;
    };
    let names: Vec<String> = entries
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    let mut cleaned = 0;
    for name in &names {
        let Some(id) = name.strip_prefix(RECORD_PREFIX) else {
            continue;
        };
        let path = dir.join(name);
        let Ok(file) = fs::File::open(&path) else {
            continue;
        };
        // SAFETY: the descriptor belongs to `file`, which is open.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            continue; // Its build is running.
        }
        let build_dir = fs::read(&path).map(|bytes| PathBuf::from(OsString::from_vec(bytes)));
        if let Ok(build_dir) = build_dir {
            let ours = build_dir
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("ntop-build-"));
            if ours {
                let _ = remove_tree(&build_dir);
            }
        }
        for root in names.iter().filter(|n| is_root_of(n, id)) {
            let _ = remove_tree(&dir.join(root));
        }
        let _ = fs::remove_file(&path);
        cleaned += 1;
    }
    // Sandbox roots without a record (theirs was removed above, or they are older than
    // records).
    for name in &names {
        let Some(id) = root_id(name) else {
            continue;
        };
        let recorded = names
            .iter()
            .any(|n| n.strip_prefix(RECORD_PREFIX) == Some(id));
        let kept = dir.join(format!("{KEPT_PREFIX}{id}")).exists();
        if !recorded && !kept && !dir.join(format!("{RECORD_PREFIX}{id}")).exists() {
            let _ = remove_tree(&dir.join(name));
            cleaned += 1;
        }
    }
    // Marks of kept roots the user has removed.
    for name in &names {
        if let Some(id) = name.strip_prefix(KEPT_PREFIX) {
            if !names.iter().any(|n| root_id(n) == Some(id)) {
                let _ = fs::remove_file(dir.join(name));
            }
        }
    }
    cleaned
}

/// `<pid>-<n>` of a sandbox root named `<pid>-<n>-<name>`.
fn root_id(name: &str) -> Option<&str> {
    let mut parts = name.splitn(3, '-');
    let pid = parts.next()?;
    let n = parts.next()?;
    parts.next()?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(pid) && digits(n)).then(|| &name[..pid.len() + 1 + n.len()])
}

fn is_root_of(name: &str, id: &str) -> bool {
    root_id(name) == Some(id)
}

#[cfg(test)]
mod tests {
    use super::root_id;

    #[test]
    fn sandbox_root_names() {
        assert_eq!(root_id("12-3-hello"), Some("12-3"));
        assert_eq!(root_id("12-3-a-b"), Some("12-3"));
        assert_eq!(root_id(".build-12-3"), None);
        assert_eq!(root_id("12-3"), None);
        assert_eq!(root_id("x-3-hello"), None);
    }
}
