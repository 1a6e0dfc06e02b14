//! The evaluator's view of a session's store: [`SessionStore`], its [`StoreAccess`], and
//! [`SessionIO`], its [`EvalIO`] — logical store paths read from their files, the session's
//! working directory and environment instead of the process's.
//!
//! In read-only mode (`--eval`, `--dry-run`, `--readonly-mode`) paths are computed and
//! nothing is written; derivations "written" then are kept in memory, so that the evaluation
//! can still read them back (for `=` contexts and hashes modulo). Everything the session
//! writes is recorded by the [`LocalStore`] with the references the evaluator knows, and
//! registered when the session commits.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use ntop_eval::io::{EvalIO, FileType, StdIO};
use ntop_eval::store::{GitRequest, GitResult, StoreAccess};
use ntop_store::{
    Derivation, FileKind, IngestionMethod, LocalStore, StoreDir, StoreMode, StorePath,
};

use crate::session::Environment;

/// What the session learnt about the store while evaluating: every derivation it wrote or
/// read (handed to the builder as they are, never parsed again) and the references of the
/// text objects it added.
#[derive(Default)]
pub(crate) struct Known {
    pub drvs: BTreeMap<StorePath, Derivation>,
    pub refs: HashMap<StorePath, BTreeSet<StorePath>>,
    /// Paths computed (not written) in read-only mode.
    pub computed: HashSet<StorePath>,
}

/// The evaluator's store: a [`LocalStore`] and what this session knows about it.
pub(crate) struct SessionStore {
    store: LocalStore,
    known: Rc<RefCell<Known>>,
}

impl SessionStore {
    pub fn new(store: LocalStore, known: Rc<RefCell<Known>>) -> SessionStore {
        SessionStore { store, known }
    }

    fn note(&mut self, path: &StorePath) {
        if self.read_only() {
            self.known.borrow_mut().computed.insert(path.clone());
        }
    }
}

impl StoreAccess for SessionStore {
    fn store_dir(&self) -> &StoreDir {
        self.store.store_dir()
    }

    fn read_only(&self) -> bool {
        self.store.mode() == StoreMode::DryRun
    }

    fn add_path(
        &mut self,
        src: &Path,
        name: &str,
        method: IngestionMethod,
        filter: &mut dyn FnMut(&Path) -> bool,
    ) -> ntop_store::Result<StorePath> {
        let real = self.to_real_path(src);
        // The filter speaks of the paths the user named, not of where a store object is.
        let mut filter = |p: &Path, _: FileKind| -> ntop_store::Result<bool> {
            Ok(match p.strip_prefix(&real) {
                Ok(rest) if real != src => filter(&src.join(rest)),
                _ => filter(p),
            })
        };
        let path = self.store.add_path(&real, name, method, &mut filter)?;
        self.note(&path);
        Ok(path)
    }

    fn add_flat_bytes(&mut self, name: &str, contents: &[u8]) -> ntop_store::Result<StorePath> {
        let tmp = self.store.temp_path("download");
        let result = std::fs::write(&tmp, contents)
            .map_err(|e| io_error("writing", &tmp, e))
            .and_then(|()| {
                self.store
                    .add_path(&tmp, name, IngestionMethod::Flat, &mut |_, _| Ok(true))
            });
        let _ = std::fs::remove_file(&tmp);
        let path = result?;
        self.note(&path);
        Ok(path)
    }

    fn add_text(
        &mut self,
        name: &str,
        contents: &[u8],
        references: &BTreeSet<StorePath>,
    ) -> ntop_store::Result<StorePath> {
        let path = self.store.add_text(name, contents, references)?;
        self.known
            .borrow_mut()
            .refs
            .insert(path.clone(), references.clone());
        self.note(&path);
        Ok(path)
    }

    fn write_derivation(&mut self, drv: &Derivation, text: &[u8]) -> ntop_store::Result<StorePath> {
        let path = self
            .store
            .add_text(&format!("{}.drv", drv.name), text, &drv.references())?;
        self.known
            .borrow_mut()
            .drvs
            .insert(path.clone(), drv.clone());
        self.note(&path);
        Ok(path)
    }

    fn read_derivation(&mut self, path: &StorePath) -> ntop_store::Result<Derivation> {
        if let Some(d) = self.known.borrow().drvs.get(path) {
            return Ok(d.clone());
        }
        let d = self.store.read_derivation(path)?;
        self.known.borrow_mut().drvs.insert(path.clone(), d.clone());
        Ok(d)
    }

    fn references(&mut self, path: &StorePath) -> ntop_store::Result<BTreeSet<StorePath>> {
        if path.is_derivation() {
            return Ok(self.read_derivation(path)?.references());
        }
        if let Some(refs) = self.known.borrow().refs.get(path) {
            return Ok(refs.clone());
        }
        match self.store.db() {
            Ok(db) => Ok(db.references(path)?),
            Err(_) => Ok(BTreeSet::new()),
        }
    }

    fn is_valid(&mut self, path: &StorePath) -> bool {
        let known = self.known.borrow();
        known.computed.contains(path)
            || known.drvs.contains_key(path)
            || self.store.is_present(path)
    }

    fn to_real_path(&self, logical: &Path) -> PathBuf {
        map_to_physical(&self.store, logical)
    }

    fn unpack_archive(
        &mut self,
        archive: &Path,
        name: &str,
        max_unpacked_size: u64,
    ) -> Result<(StorePath, ntop_store::Hash), String> {
        let (path, hash) =
            crate::fetch::unpack_archive(&self.store, archive, name, max_unpacked_size)?;
        self.note(&path);
        Ok((path, hash))
    }

    fn fetch_git(&mut self, request: &GitRequest) -> Result<GitResult, String> {
        let result = crate::fetch::fetch_git(&self.store, request)?;
        self.note(&result.path);
        Ok(result)
    }
}

/// The file that holds a logical path at or inside a store object, when it exists; any
/// other path unchanged.
fn map_to_physical(store: &LocalStore, logical: &Path) -> PathBuf {
    let Some(s) = logical.to_str() else {
        return logical.to_path_buf();
    };
    if !store.store_dir().is_in_store(s) {
        return logical.to_path_buf();
    }
    match store.to_physical(s) {
        Some(p) if std::fs::symlink_metadata(&p).is_ok() => p,
        _ => logical.to_path_buf(),
    }
}

fn io_error(action: &'static str, path: &Path, source: io::Error) -> ntop_store::Error {
    ntop_store::Error::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// The file system and environment of an evaluation: logical store paths read from their
/// files under the store root, everything else from the real file system; the session's
/// working directory and environment variables.
#[derive(Clone)]
pub(crate) struct SessionIO {
    pub store: Option<LocalStore>,
    pub env: Environment,
    pub cwd: PathBuf,
    /// The bundle's directory when it is the default `<nixpkgs>`, and the flag set when a
    /// file in it is read.
    pub bundle: Option<(PathBuf, Arc<AtomicBool>)>,
}

impl SessionIO {
    fn map(&self, path: &Path) -> PathBuf {
        match &self.store {
            Some(store) => map_to_physical(store, path),
            None => path.to_path_buf(),
        }
    }
}

impl EvalIO for SessionIO {
    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>> {
        if let Some((dir, used)) = &self.bundle {
            if path.starts_with(dir) {
                used.store(true, Ordering::Relaxed);
            }
        }
        StdIO.read_file(&self.map(path))
    }

    fn file_type(&self, path: &Path) -> io::Result<FileType> {
        StdIO.file_type(&self.map(path))
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<(String, FileType)>> {
        StdIO.read_dir(&self.map(path))
    }

    fn path_exists(&self, path: &Path) -> bool {
        StdIO.path_exists(&self.map(path))
    }

    fn is_directory(&self, path: &Path) -> bool {
        StdIO.is_directory(&self.map(path))
    }

    fn get_env(&self, name: &str) -> Option<String> {
        self.env.get(name)
    }

    fn get_env_bytes(&self, name: &str) -> Option<Vec<u8>> {
        self.env.get_bytes(name)
    }

    fn current_dir(&self) -> io::Result<PathBuf> {
        Ok(self.cwd.clone())
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        // Relative to the session's directory, not the process's.
        StdIO.canonicalize(&self.cwd.join(path))
    }
}
