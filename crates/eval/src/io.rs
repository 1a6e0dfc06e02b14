//! All file-system and environment access of the evaluator goes through [`EvalIO`], so that
//! tests and the driver (which maps logical store paths to their files, and gives each
//! session its own working directory and environment) can substitute it.
//!
//! **Architecture invariant:** no code of `crates/eval` outside this file uses `std::fs` or
//! `std::env` (`crates/driver/tests/invariants.rs` checks it; `std::env::consts` is fine).

use std::io;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileType {
    Regular,
    Directory,
    Symlink,
    Unknown,
}

impl FileType {
    /// The names `builtins.readDir` and `builtins.readFileType` use.
    pub fn nix_name(self) -> &'static str {
        match self {
            FileType::Regular => "regular",
            FileType::Directory => "directory",
            FileType::Symlink => "symlink",
            FileType::Unknown => "unknown",
        }
    }
}

pub trait EvalIO {
    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// The type of the file itself (symlinks are not followed).
    fn file_type(&self, path: &Path) -> io::Result<FileType>;
    /// Entries of a directory, sorted by name, with their types.
    fn read_dir(&self, path: &Path) -> io::Result<Vec<(String, FileType)>>;
    fn path_exists(&self, path: &Path) -> bool;
    /// Follows symlinks to the real path (for `import` of a directory and the like).
    fn is_directory(&self, path: &Path) -> bool;
    fn get_env(&self, name: &str) -> Option<String>;
    /// The variable's bytes (`builtins.getEnv`: a value need not be UTF-8).
    fn get_env_bytes(&self, name: &str) -> Option<Vec<u8>> {
        self.get_env(name).map(String::into_bytes)
    }
    fn current_dir(&self) -> io::Result<PathBuf>;
    /// The path with every symlink resolved (`builtins.storePath`).
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf>;
}

/// The real file system and process environment.
pub struct StdIO;

impl EvalIO for StdIO {
    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn file_type(&self, path: &Path) -> io::Result<FileType> {
        let ft = std::fs::symlink_metadata(path)?.file_type();
        Ok(convert(ft))
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<(String, FileType)>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(path)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            out.push((name, convert(entry.file_type()?)));
        }
        out.sort();
        Ok(out)
    }

    fn path_exists(&self, path: &Path) -> bool {
        std::fs::symlink_metadata(path).is_ok()
    }

    fn is_directory(&self, path: &Path) -> bool {
        path.is_dir()
    }

    fn get_env(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }

    fn get_env_bytes(&self, name: &str) -> Option<Vec<u8>> {
        std::env::var_os(name).map(std::os::unix::ffi::OsStringExt::into_vec)
    }

    fn current_dir(&self) -> io::Result<PathBuf> {
        std::env::current_dir()
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }
}

fn convert(ft: std::fs::FileType) -> FileType {
    if ft.is_symlink() {
        FileType::Symlink
    } else if ft.is_dir() {
        FileType::Directory
    } else if ft.is_file() {
        FileType::Regular
    } else {
        FileType::Unknown
    }
}
