//! Normalising the metadata of store objects, as Nix's `canonicalisePathMetaData` does:
//! every file, directory and symlink gets modification time 1 (one second after the epoch,
//! so that it is not mistaken for "unset"), regular files become read-only (0444, or 0555
//! when the owner could execute them) and directories 0555. Contents, names and symlink
//! targets are untouched; what remains is exactly what a NAR records.

use std::ffi::CString;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::error::{Error, Result};

/// The modification time of every store object.
pub const STORE_MTIME: i64 = 1;

/// Normalises `path` and everything below it. Children are done before their directory, so
/// that a directory is made read-only only once nothing more needs writing in it.
pub fn canonicalise_metadata(path: &Path) -> Result<()> {
    let meta = fs::symlink_metadata(path).map_err(|e| Error::io("getting status of", path, e))?;
    let file_type = meta.file_type();
    if file_type.is_dir() {
        let entries = fs::read_dir(path).map_err(|e| Error::io("reading directory", path, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io("reading directory", path, e))?;
            canonicalise_metadata(&entry.path())?;
        }
    }
    if !file_type.is_symlink() {
        let executable = meta.permissions().mode() & 0o100 != 0;
        let mode = if file_type.is_dir() || executable {
            0o555
        } else {
            0o444
        };
        if meta.permissions().mode() & 0o7777 != mode {
            fs::set_permissions(path, fs::Permissions::from_mode(mode))
                .map_err(|e| Error::io("setting permissions of", path, e))?;
        }
    }
    set_mtime_no_follow(path, STORE_MTIME)
        .map_err(|e| Error::io("setting the modification time of", path, e))
}

/// Sets access and modification time of `path` itself (not a symlink's target).
fn set_mtime_no_follow(path: &Path, seconds: i64) -> io::Result<()> {
    let c_path = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    let time = libc::timespec {
        tv_sec: seconds as libc::time_t,
        tv_nsec: 0,
    };
    let times = [time, time];
    // SAFETY: `c_path` is a valid NUL-terminated string and `times` holds two timespecs, as
    // utimensat requires; both outlive the call.
    let rc = unsafe {
        libc::utimensat(
            libc::AT_FDCWD,
            c_path.as_ptr(),
            times.as_ptr(),
            libc::AT_SYMLINK_NOFOLLOW,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    use crate::test_support::sample_tree;

    #[test]
    fn normalises_modes_and_times() {
        let tmp = sample_tree();
        let tree = tmp.path().join("tree");
        canonicalise_metadata(&tree).expect("canonicalise");
        // After `nix-store --add tree`, `ls -la --time-style=+%s` in the store path shows
        // these modes and mtime 1 for every entry, the symlink included (Nix 2.8.0).
        for (name, mode) in [
            ("", 0o555),
            ("a", 0o555),
            ("b.txt", 0o444),
            ("exe", 0o555),
            ("empty", 0o555),
        ] {
            let meta = fs::symlink_metadata(tree.join(name)).expect("stat");
            assert_eq!(meta.permissions().mode() & 0o7777, mode, "{name}");
            assert_eq!(meta.mtime(), 1, "{name}");
        }
        assert_eq!(
            fs::symlink_metadata(tree.join("link"))
                .expect("lstat")
                .mtime(),
            1
        );
        crate::disk::remove_tree(&tree).expect("remove");
        assert!(!tree.exists());
    }
}
