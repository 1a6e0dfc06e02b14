//! File-system primitives shared by the store and the builder: removing a tree of read-only
//! store objects, and making writes durable. There is one of each, here.

use std::fs;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::io::AsRawFd;
use std::path::Path;

/// Removes a file or tree, making directories writable first (store objects are read-only).
/// Never descends into another file system: a mount point below `path` (a sandbox's bind
/// mount that leaked) is an error, so nothing can be deleted through it.
pub fn remove_tree(path: &Path) -> io::Result<()> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if !meta.is_dir() {
        return fs::remove_file(path);
    }
    remove_dir_on(path, meta.dev())
}

fn remove_dir_on(dir: &Path, dev: u64) -> io::Result<()> {
    let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o700));
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        let meta = fs::symlink_metadata(&path)?;
        if meta.is_dir() {
            if meta.dev() != dev {
                return Err(io::Error::other(format!(
                    "'{}' is a mount point; not removing it",
                    path.display()
                )));
            }
            remove_dir_on(&path, dev)?;
        } else {
            fs::remove_file(&path)?;
        }
    }
    fs::remove_dir(dir)
}

/// Makes everything written so far to the file system holding `path` durable (`syncfs`):
/// one call instead of one `fsync` per file.
pub fn sync_filesystem(path: &Path) -> io::Result<()> {
    let file = fs::File::open(path)?;
    // SAFETY: the descriptor is open for the duration of the call.
    if unsafe { libc::syncfs(file.as_raw_fd()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Makes `path` durable: `fsync` for a file or a directory's entries, `syncfs` for a tree.
/// A symlink needs nothing of its own (its directory's sync covers it).
pub fn sync_path(path: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    if meta.is_dir() {
        return sync_filesystem(path);
    }
    fs::File::open(path)?.sync_all()
}
