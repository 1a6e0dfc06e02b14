//! The roots of a store shared with Nix, as Nix 2.8's `gc.cc` keeps and finds them.
//!
//! * **Temporary roots** protect what a running process works with: `<state>/temproots/<pid>`
//!   lists printed store paths, each followed by a NUL byte, and is kept locked
//!   (exclusively) by its process for its lifetime. The collector skips a file it can lock
//!   (its process is gone) and removes it, writing `d` into it so that a process that opened
//!   it just before knows to make a new one. A root is added while holding `<state>/gc.lock`
//!   shared; a process that cannot take it (a collector runs) tells the collector through
//!   `<state>/gc-socket/socket` instead.
//! * **Permanent roots** are the symlinks under `<state>/gcroots` and `<state>/profiles`
//!   (followed recursively through directories): one pointing into the store is a root; one
//!   pointing elsewhere is followed once more (an indirect root, `gcroots/auto/<sha1>` to a
//!   `./result` link), and an `auto` root whose link is gone is removed. A regular file named
//!   like a store path is a root too.
//! * **Runtime roots**: store paths named by a running process's executable, working
//!   directory, open files, memory maps or environment.
//!
//! ntop's collector honours all of them, and answers a Nix client that wants to add a root
//! while it runs by refusing its connection (a socket bound but not listening): Nix's client
//! then retries until the collector is done and its lock is free, so no root is lost.

use std::collections::BTreeSet;
use std::fs;
use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::locks::{flock, held, try_lock_exclusive, FileLock, LockKind};
use crate::store_path::{StoreDir, StorePath, HASH_PART_LEN};

use super::NixStoreConfig;

/// This process's temporary-roots file, locked for as long as it is open.
#[derive(Debug)]
pub(crate) struct TempRoots {
    path: PathBuf,
    lock: FileLock,
    added: BTreeSet<StorePath>,
}

impl TempRoots {
    /// `createTempRootsFile`: a new, empty, locked `<state>/temproots/<pid>`.
    pub(crate) fn create(config: &NixStoreConfig) -> Result<TempRoots> {
        let dir = config.temp_roots_dir();
        fs::create_dir_all(&dir).map_err(|e| Error::io("creating", &dir, e))?;
        let path = dir.join(std::process::id().to_string());
        loop {
            let _ = fs::remove_file(&path);
            let file = fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .read(true)
                .write(true)
                .open(&path)
                .map_err(|e| Error::io("opening temporary roots", &path, e))?;
            flock(&file, &path, LockKind::Exclusive, true)?;
            let meta = file
                .metadata()
                .map_err(|e| Error::io("getting status of", &path, e))?;
            // A collector that found the file before we locked it removed it: again.
            if meta.len() == 0 {
                return Ok(TempRoots {
                    path,
                    lock: held(file),
                    added: BTreeSet::new(),
                });
            }
        }
    }

    /// `addTempRoot`: records `path` while no collector runs (or tells the running one).
    pub(crate) fn add(
        &mut self,
        config: &NixStoreConfig,
        store_dir: &StoreDir,
        path: &StorePath,
    ) -> Result<()> {
        if self.added.contains(path) {
            return Ok(());
        }
        let printed = store_dir.print(path);
        let gc_lock_path = config.state_dir.join("gc.lock");
        // Held (shared) until the root is written, so that no collector starts meanwhile.
        let _gc_lock = loop {
            let gc_lock = fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&gc_lock_path)
                .map_err(|e| Error::io("opening lock", &gc_lock_path, e))?;
            match flock(&gc_lock, &gc_lock_path, LockKind::Shared, false) {
                Ok(()) => break Some(gc_lock),
                Err(Error::Io { source, .. })
                    if source.kind() == std::io::ErrorKind::WouldBlock =>
                {
                    if tell_collector(config, &printed)? {
                        break None;
                    }
                    // No collector listens (one is finishing, or it is ntop's, which does
                    // not): wait for the lock to be free.
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(e) => return Err(e),
            }
        };
        let mut record = printed.into_bytes();
        record.push(0);
        let file = self.lock.file();
        let mut writer: &fs::File = file;
        writer
            .write_all(&record)
            .map_err(|e| Error::io("writing temporary roots", config.temp_roots_dir(), e))?;
        self.added.insert(path.clone());
        Ok(())
    }
}

impl Drop for TempRoots {
    fn drop(&mut self) {
        // As Nix's `LocalStore` does when it closes: the roots die with the store.
        let _ = fs::remove_file(&self.path);
    }
}

/// Sends a root to a running Nix collector; `Ok(false)` if none accepts it.
fn tell_collector(config: &NixStoreConfig, printed: &str) -> Result<bool> {
    let socket = config.gc_socket_path();
    let Ok(mut stream) = UnixStream::connect(&socket) else {
        return Ok(false);
    };
    if stream.write_all(format!("{printed}\n").as_bytes()).is_err() {
        return Ok(false);
    }
    let mut ack = [0u8; 1];
    Ok(stream.read_exact(&mut ack).is_ok() && ack[0] == b'1')
}

/// The socket a collector binds so that Nix's clients retry instead of failing while it
/// runs (they treat a refused connection as "the collector is finishing"). Removed when
/// dropped.
pub(crate) struct CollectorSocket {
    path: PathBuf,
    _listener: UnixListener,
}

impl CollectorSocket {
    pub(crate) fn bind(config: &NixStoreConfig) -> Result<CollectorSocket> {
        let path = config.gc_socket_path();
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
        }
        let _ = fs::remove_file(&path);
        // std's `bind` also listens; a listening socket whose connections are never
        // accepted would make clients wait for an answer that never comes, so the socket is
        // made by hand, bound and not listening, which refuses every connection.
        let listener = bind_without_listening(&path)
            .map_err(|e| Error::io("binding the collector's socket", &path, e))?;
        Ok(CollectorSocket {
            path,
            _listener: listener,
        })
    }
}

impl Drop for CollectorSocket {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

fn bind_without_listening(path: &Path) -> std::io::Result<UnixListener> {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::io::FromRawFd;
    let bytes = path.as_os_str().as_bytes();
    // SAFETY: plain socket calls on a descriptor this function owns; `addr` is zeroed and
    // the path copied into it is shorter than `sun_path` (checked).
    unsafe {
        let fd = libc::socket(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let listener = UnixListener::from_raw_fd(fd);
        let mut addr: libc::sockaddr_un = std::mem::zeroed();
        addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
        if bytes.len() >= addr.sun_path.len() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "socket path too long",
            ));
        }
        for (dst, src) in addr.sun_path.iter_mut().zip(bytes) {
            *dst = *src as libc::c_char;
        }
        let len = std::mem::size_of::<libc::sa_family_t>() + bytes.len() + 1;
        if libc::bind(
            fd,
            &addr as *const libc::sockaddr_un as *const libc::sockaddr,
            len as libc::socklen_t,
        ) != 0
        {
            return Err(std::io::Error::last_os_error());
        }
        Ok(listener)
    }
}

/// The temporary roots of live processes (`readTempRoots`); files of dead processes are
/// removed.
pub(crate) fn temp_roots(config: &NixStoreConfig, store_dir: &StoreDir) -> Result<Vec<String>> {
    let dir = config.temp_roots_dir();
    let entries = match fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("reading", &dir, e)),
    };
    let mut roots = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.as_encoded_bytes().first() == Some(&b'.') {
            continue;
        }
        let path = entry.path();
        let mut file = match fs::OpenOptions::new().read(true).write(true).open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::io("opening temporary roots", &path, e)),
        };
        if try_lock_exclusive(&file, &path)? {
            // Its process is gone.
            let _ = fs::remove_file(&path);
            let _ = file.write_all(b"d");
            continue;
        }
        let mut contents = Vec::new();
        file.read_to_end(&mut contents)
            .map_err(|e| Error::io("reading temporary roots", &path, e))?;
        for root in contents.split(|&b| b == 0).filter(|r| !r.is_empty()) {
            let root = String::from_utf8_lossy(root);
            if store_dir.is_in_store(&root) {
                roots.push(root.into_owned());
            }
        }
    }
    Ok(roots)
}

/// The symlinks (and store-path-named files) under `gcroots/` and `profiles/`, resolved as
/// Nix resolves them: the printed or physical paths they protect. Stale `auto` roots are
/// removed.
pub(crate) fn permanent_roots(config: &NixStoreConfig) -> Vec<String> {
    let auto = config.gc_roots_dir().join("auto");
    let mut found = Vec::new();
    let mut todo = vec![config.gc_roots_dir(), config.profiles_dir()];
    while let Some(path) = todo.pop() {
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            if let Ok(entries) = fs::read_dir(&path) {
                todo.extend(entries.flatten().map(|e| e.path()));
            }
        } else if meta.file_type().is_symlink() {
            let Ok(target) = fs::read_link(&path) else {
                continue;
            };
            let parent = path.parent().unwrap_or(Path::new("/"));
            let absolute = crate::canon_path_buf(&parent.join(&target));
            found.push(absolute.display().to_string());
            // An indirect root: a link to a link.
            match fs::symlink_metadata(&absolute) {
                Err(_) => {
                    if path.starts_with(&auto) {
                        let _ = fs::remove_file(&path);
                    }
                }
                Ok(m) if m.file_type().is_symlink() => {
                    if let Ok(next) = fs::read_link(&absolute) {
                        let dir = absolute.parent().unwrap_or(Path::new("/"));
                        found.push(crate::canon_path_buf(&dir.join(next)).display().to_string());
                    }
                }
                Ok(_) => {}
            }
        } else if meta.is_file() {
            if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
                found.push(format!("{}/{name}", config.store_dir));
            }
        }
    }
    found
}

/// Every string a running process holds that may name a store object: the targets of its
/// `exe`, `cwd`, `root` and `fd/*` links, its memory maps and its environment (Nix's
/// `findRuntimeRoots`). Processes that cannot be read are skipped.
pub(crate) fn runtime_root_texts() -> Vec<Vec<u8>> {
    let mut texts = Vec::new();
    let Ok(procs) = fs::read_dir("/proc") else {
        return texts;
    };
    for proc in procs.flatten() {
        let name = proc.file_name();
        if !name.as_encoded_bytes().iter().all(u8::is_ascii_digit) {
            continue;
        }
        let dir = proc.path();
        for link in ["exe", "cwd", "root"] {
            if let Ok(t) = fs::read_link(dir.join(link)) {
                texts.push(t.into_os_string().into_encoded_bytes());
            }
        }
        if let Ok(fds) = fs::read_dir(dir.join("fd")) {
            for fd in fds.flatten() {
                if let Ok(t) = fs::read_link(fd.path()) {
                    texts.push(t.into_os_string().into_encoded_bytes());
                }
            }
        }
        for file in ["maps", "environ"] {
            if let Ok(bytes) = fs::read(dir.join(file)) {
                texts.push(bytes);
            }
        }
    }
    texts
}

/// The hash parts of the objects named in `text` after any of `prefixes` (`<dir>/`).
pub(crate) fn hash_parts_after(text: &[u8], prefixes: &[Vec<u8>], out: &mut BTreeSet<String>) {
    for prefix in prefixes {
        let mut rest = text;
        while let Some(i) = find(rest, prefix) {
            let after = &rest[i + prefix.len()..];
            if after.len() >= HASH_PART_LEN {
                let hash = &after[..HASH_PART_LEN];
                if hash.iter().all(|b| crate::nix32::ALPHABET.contains(b)) {
                    out.insert(String::from_utf8_lossy(hash).into_owned());
                }
            }
            rest = &rest[i + 1..];
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
