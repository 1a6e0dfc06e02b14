//! The embedded default: `bundle/` (our nixpkgs-compatible lib, the mini-NixOS and the package
//! set) is compiled into the binary and unpacked on first use into a cache directory named by
//! its content hash, so that Nix code sees ordinary files (imports, `readDir`, and paths copied
//! into the store all behave as for any checkout).

use std::io;
use std::path::{Path, PathBuf};

mod files {
    include!(concat!(env!("OUT_DIR"), "/bundle_files.rs"));
}

/// The directory holding the unpacked bundle under `cache_home` (`$XDG_CACHE_HOME`),
/// unpacking it if needed.
pub fn dir(cache_home: &Path) -> io::Result<PathBuf> {
    let base = cache_home.join("ntop");
    let target = base.join(format!("bundle-{}", files::HASH));
    if target.join(".complete").exists() {
        return Ok(target);
    }
    std::fs::create_dir_all(&base)?;
    // Unpack beside the target and rename into place: concurrent ntop processes never see a
    // half-written bundle.
    let tmp = base.join(format!(".bundle-{}-{}", files::HASH, std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    for (rel, bytes, exec) in files::FILES {
        let path = tmp.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, bytes)?;
        set_mode(&path, if *exec { 0o555 } else { 0o444 })?;
    }
    std::fs::write(tmp.join(".complete"), b"")?;
    match std::fs::rename(&tmp, &target) {
        Ok(()) => Ok(target),
        // Another process won the race: use its copy.
        Err(_) if target.join(".complete").exists() => {
            let _ = std::fs::remove_dir_all(&tmp);
            Ok(target)
        }
        Err(e) => Err(e),
    }
}

/// Where caches go in an environment: `$XDG_CACHE_HOME`, else `$HOME/.cache`, else the
/// temporary directory.
pub fn cache_home(env: &crate::Environment) -> PathBuf {
    if let Some(d) = env.get("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    match env.get("HOME") {
        Some(h) => Path::new(&h).join(".cache"),
        None => std::env::temp_dir(),
    }
}

#[cfg(unix)]
fn set_mode(p: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) -> io::Result<()> {
    Ok(())
}
