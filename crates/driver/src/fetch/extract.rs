//! Writing an archive's entries into a fresh directory of our own, safely. The archive
//! formats (`archive.rs`) decode entries; this is the one place that turns them into files.
//!
//! **Invariants:** nothing is written outside the directory, and nothing is written or
//! changed through a symlink: every directory on an entry's way is checked with `lstat`
//! (never `stat`), files are created with `O_EXCL` (which does not follow a symlink in the
//! last place) and their mode is set through the open descriptor. A name with a `..`
//! component or an absolute name, a FIFO, a device node, a hard link to anything but a file
//! already unpacked, and an entry whose way leads through a symlink unpacked before are each
//! refused with an error naming the entry. The bytes written to files are counted against a
//! limit (`max-unpacked-size`), checked before an entry is written as far as its header
//! tells its size, and while copying.
//!
//! Nix 2.8 unpacks with libarchive's `SECURE_NODOTDOT` and `SECURE_SYMLINKS`, so it refuses
//! `..` and writing through a symlink too. ntop is stricter where libarchive is lenient:
//! Nix puts an absolute name (`/etc/x`) and a hard link's absolute target below the
//! directory instead of refusing them, creates FIFOs and device nodes (and then fails to
//! add the tree to the store, "file … has an unsupported type"), and has no size limit.

use std::ffi::OsStr;
use std::fmt;
use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Why an archive was not unpacked. Every variant that concerns one entry names it.
#[derive(Debug)]
pub enum UnpackError {
    /// The file is not in a format ntop unpacks.
    Format(String),
    /// The archive is malformed (as the format's decoder says).
    Corrupt(String),
    DotDot {
        entry: String,
    },
    Absolute {
        entry: String,
    },
    /// The entry would be written below a symlink that the archive created.
    ThroughSymlink {
        entry: String,
        link: String,
    },
    /// A FIFO, a device node or a socket: a store object holds none.
    Special {
        entry: String,
        kind: &'static str,
    },
    /// A hard link whose target is not a file unpacked before it.
    BadHardLink {
        entry: String,
        target: String,
        why: &'static str,
    },
    /// A directory on the way, or the place of the entry, is taken by another kind of file.
    Conflict {
        entry: String,
        why: &'static str,
    },
    TooLarge {
        entry: String,
        limit: u64,
    },
    Io {
        entry: String,
        error: io::Error,
    },
}

impl fmt::Display for UnpackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnpackError::Format(why) | UnpackError::Corrupt(why) => f.write_str(why),
            UnpackError::DotDot { entry } => write!(
                f,
                "archive entry '{entry}' has a '..' component; refusing to unpack it"
            ),
            UnpackError::Absolute { entry } => write!(
                f,
                "archive entry '{entry}' has an absolute name; refusing to unpack it"
            ),
            UnpackError::ThroughSymlink { entry, link } => write!(
                f,
                "archive entry '{entry}' would be written through the symlink '{link}'; refusing to unpack it"
            ),
            UnpackError::Special { entry, kind } => write!(
                f,
                "archive entry '{entry}' is a {kind}, which a store object cannot hold"
            ),
            UnpackError::BadHardLink { entry, target, why } => write!(
                f,
                "archive entry '{entry}' is a hard link to '{target}', {why}; refusing to unpack it"
            ),
            UnpackError::Conflict { entry, why } => {
                write!(f, "cannot unpack archive entry '{entry}': {why}")
            }
            UnpackError::TooLarge { entry, limit } => write!(
                f,
                "unpacking archive entry '{entry}' exceeds the limit of {limit} bytes (the `max-unpacked-size` setting)"
            ),
            UnpackError::Io { entry, error } => {
                write!(f, "cannot unpack archive entry '{entry}': {error}")
            }
        }
    }
}

/// An entry's name for messages.
fn shown(name: &[u8]) -> String {
    String::from_utf8_lossy(name).into_owned()
}

/// The components of an entry's name (`.` and empty ones dropped), or why it is refused.
fn components(name: &[u8]) -> Result<Vec<&[u8]>, UnpackError> {
    if name.first() == Some(&b'/') {
        return Err(UnpackError::Absolute { entry: shown(name) });
    }
    let mut out = Vec::new();
    for c in name.split(|&b| b == b'/') {
        match c {
            b"" | b"." => {}
            b".." => return Err(UnpackError::DotDot { entry: shown(name) }),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Writes entries below `root`, a directory that exists and is ours alone.
pub struct Extractor {
    root: PathBuf,
    /// Bytes of file contents allowed in all (0: no limit).
    limit: u64,
    written: u64,
}

impl Extractor {
    pub fn new(root: &Path, limit: u64) -> Extractor {
        Extractor {
            root: root.to_path_buf(),
            limit,
            written: 0,
        }
    }

    /// A directory (and the directories on its way).
    pub fn dir(&mut self, name: &[u8]) -> Result<(), UnpackError> {
        let comps = components(name)?;
        let Some((last, parents)) = comps.split_last() else {
            return Ok(()); // `./`: the directory itself
        };
        let parent = self.make_parents(name, parents)?;
        let path = parent.join(OsStr::from_bytes(last));
        match fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => Ok(()),
            Ok(_) => {
                // libarchive replaces a file or symlink by the directory of the same name.
                fs::remove_file(&path).map_err(|error| io_error(name, error))?;
                fs::create_dir(&path).map_err(|error| io_error(name, error))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir(&path).map_err(|error| io_error(name, error))
            }
            Err(error) => Err(io_error(name, error)),
        }
    }

    /// A regular file with `contents`; `size` is what the entry's header says it holds.
    pub fn file(
        &mut self,
        name: &[u8],
        executable: bool,
        size: u64,
        contents: &mut dyn Read,
    ) -> Result<(), UnpackError> {
        if self.limit != 0 && self.written.saturating_add(size) > self.limit {
            return Err(self.too_large(name));
        }
        let path = self.place(name)?;
        let mode = if executable { 0o755 } else { 0o644 };
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&path)
            .map_err(|error| io_error(name, error))?;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match contents.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(UnpackError::Corrupt(format!(
                        "reading archive entry '{}': {e}",
                        shown(name)
                    )))
                }
            };
            self.written += n as u64;
            if self.limit != 0 && self.written > self.limit {
                return Err(self.too_large(name));
            }
            file.write_all(&buf[..n])
                .map_err(|error| io_error(name, error))?;
        }
        // Through the descriptor (never a path, which could be a symlink by now), and
        // exactly: the umask must not decide whether a file is executable.
        file.set_permissions(fs::Permissions::from_mode(mode))
            .map_err(|error| io_error(name, error))
    }

    /// A symlink, pointing anywhere (store objects may hold any symlink; what is refused is
    /// writing through one).
    pub fn symlink(&mut self, name: &[u8], target: &[u8]) -> Result<(), UnpackError> {
        let path = self.place(name)?;
        std::os::unix::fs::symlink(OsStr::from_bytes(target), &path)
            .map_err(|error| io_error(name, error))
    }

    /// A hard link to a file (or symlink) unpacked before, named as in the archive.
    pub fn hard_link(&mut self, name: &[u8], target: &[u8]) -> Result<(), UnpackError> {
        let bad = |why| UnpackError::BadHardLink {
            entry: shown(name),
            target: shown(target),
            why,
        };
        let comps = match components(target) {
            Ok(c) if !c.is_empty() => c,
            Ok(_) => return Err(bad("the top directory")),
            Err(UnpackError::Absolute { .. }) => return Err(bad("an absolute name")),
            Err(_) => return Err(bad("which has a '..' component")),
        };
        let mut source = self.root.clone();
        for (i, c) in comps.iter().enumerate() {
            source.push(OsStr::from_bytes(c));
            let meta = fs::symlink_metadata(&source)
                .map_err(|_| bad("which was not unpacked before it"))?;
            let last = i + 1 == comps.len();
            if meta.file_type().is_symlink() && !last {
                return Err(bad("whose way leads through a symlink"));
            }
            if last && meta.is_dir() {
                return Err(bad("a directory"));
            }
            if !last && !meta.is_dir() {
                return Err(bad("which was not unpacked before it"));
            }
        }
        let path = self.place(name)?;
        if path == source {
            return Err(bad("itself"));
        }
        // `link(2)` does not follow a symlink in the last place: the link is to the symlink.
        fs::hard_link(&source, &path).map_err(|error| io_error(name, error))
    }

    /// The refusal of an entry of a kind no store object holds.
    pub fn special(name: &[u8], kind: &'static str) -> UnpackError {
        UnpackError::Special {
            entry: shown(name),
            kind,
        }
    }

    fn too_large(&self, name: &[u8]) -> UnpackError {
        UnpackError::TooLarge {
            entry: shown(name),
            limit: self.limit,
        }
    }

    /// The path a non-directory entry is written at: its directories made, whatever file
    /// or symlink had its name removed (as libarchive replaces it), an empty directory too.
    fn place(&mut self, name: &[u8]) -> Result<PathBuf, UnpackError> {
        let comps = components(name)?;
        let Some((last, parents)) = comps.split_last() else {
            return Err(UnpackError::Conflict {
                entry: shown(name),
                why: "it names the top directory itself",
            });
        };
        let path = self
            .make_parents(name, parents)?
            .join(OsStr::from_bytes(last));
        match fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => fs::remove_dir(&path).map_err(|_| UnpackError::Conflict {
                entry: shown(name),
                why: "a directory of that name, not empty, was unpacked before it",
            })?,
            Ok(_) => fs::remove_file(&path).map_err(|error| io_error(name, error))?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(error) => return Err(io_error(name, error)),
        }
        Ok(path)
    }

    /// The directories on an entry's way, made where missing; none may be a symlink.
    fn make_parents(&mut self, name: &[u8], parents: &[&[u8]]) -> Result<PathBuf, UnpackError> {
        let mut dir = self.root.clone();
        for (i, c) in parents.iter().enumerate() {
            dir.push(OsStr::from_bytes(c));
            match fs::symlink_metadata(&dir) {
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(UnpackError::ThroughSymlink {
                        entry: shown(name),
                        link: shown(&parents[..=i].join(&b'/')),
                    })
                }
                Ok(m) if m.is_dir() => {}
                Ok(_) => {
                    return Err(UnpackError::Conflict {
                        entry: shown(name),
                        why: "a file on its way is not a directory",
                    })
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    fs::create_dir(&dir).map_err(|error| io_error(name, error))?
                }
                Err(error) => return Err(io_error(name, error)),
            }
        }
        Ok(dir)
    }
}

fn io_error(name: &[u8], error: io::Error) -> UnpackError {
    UnpackError::Io {
        entry: shown(name),
        error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_split_and_refused_as_documented() {
        assert_eq!(
            components(b"./a//b/./c/").unwrap(),
            vec![&b"a"[..], b"b", b"c"]
        );
        assert!(matches!(
            components(b"a/../b"),
            Err(UnpackError::DotDot { .. })
        ));
        assert!(matches!(
            components(b"/etc/passwd"),
            Err(UnpackError::Absolute { .. })
        ));
        assert!(components(b"./").unwrap().is_empty());
    }

    /// A header may understate an entry's size (a zip's local header can): the bytes
    /// actually copied are counted too, and the copy stops at the limit.
    #[test]
    fn the_limit_holds_when_a_header_understates_the_size() {
        let dir = std::env::temp_dir().join(format!("ntop-extract-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let mut x = Extractor::new(&dir, 100);
        x.file(b"top/a", false, 60, &mut &[0u8; 60][..]).unwrap();
        let mut zeros = io::repeat(0).take(1 << 20);
        let err = x.file(b"top/b", false, 10, &mut zeros).unwrap_err();
        assert!(matches!(err, UnpackError::TooLarge { ref entry, limit: 100 } if entry == "top/b"));
        assert!(fs::metadata(dir.join("top/b")).unwrap().len() <= 64 * 1024);
        fs::remove_dir_all(&dir).unwrap();
    }
}
