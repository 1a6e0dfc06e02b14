//! The evaluator's view of a session's store: [`SessionStore`], its [`StoreAccess`], and
//! [`SessionIO`], its [`EvalIO`] — logical store paths read from their files, the session's
//! working directory and environment instead of the process's.
//!
//! In read-only mode (`--eval`, `--dry-run`, `--readonly-mode`) the paths of `toFile`,
//! `builtins.path`, `filterSource`, interpolated paths and derivations are computed and not
//! written; derivations "written" then are kept in memory, so that the evaluation can still
//! read them back (for `=` contexts and hashes modulo). The fetchers (`fetchurl`,
//! `fetchTarball`, `fetchTree`, `fetchGit`) write their objects in every mode, as Nix 2.8's
//! do (they call `addToStore` whatever `readOnlyMode` says): the evaluation goes on to read
//! the trees they return. Everything the session writes is recorded by the [`LocalStore`]
//! with the references the evaluator knows, and registered when the session commits.

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
    compute_store_path_for_path, Derivation, FileKind, FileLock, IngestionMethod, LocalStore,
    LockKind, StoreDir, StoreMode, StorePath,
};

use crate::session::{DaemonStore, Environment};

/// What the session learnt about the store while evaluating: every derivation it wrote or
/// read (handed to the builder as they are, never parsed again) and the references of the
/// text objects it added.
#[derive(Default)]
pub(crate) struct Known {
    pub drvs: BTreeMap<StorePath, Derivation>,
    pub refs: HashMap<StorePath, BTreeSet<StorePath>>,
    /// Paths computed (not written) in read-only mode.
    pub computed: HashSet<StorePath>,
    /// In read-only mode, the store opened for writing on the first fetch, with the
    /// collector's lock (shared) held until the session ends; committed with the session.
    pub writable: Option<(LocalStore, Option<FileLock>)>,
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

    /// The store the fetchers write to: the session's, or in read-only mode the same store
    /// opened for writing (once, on the first fetch).
    fn fetch_store(&self) -> ntop_store::Result<LocalStore> {
        if !self.read_only() {
            return Ok(self.store.clone());
        }
        let mut known = self.known.borrow_mut();
        if let Some((store, _)) = &known.writable {
            return Ok(store.clone());
        }
        let store = self.store.writable()?;
        let lock = store.lock_gc(LockKind::Shared).ok();
        known.writable = Some((store.clone(), lock));
        Ok(store)
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
        let store = self.fetch_store()?;
        let tmp = store.temp_path("download");
        let result = std::fs::write(&tmp, contents)
            .map_err(|e| io_error("writing", &tmp, e))
            .and_then(|()| store.add_path(&tmp, name, IngestionMethod::Flat, &mut |_, _| Ok(true)));
        let _ = std::fs::remove_file(&tmp);
        result
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
        let store = self.fetch_store().map_err(|e| e.to_string())?;
        crate::fetch::unpack_archive(
            store.temp_path("unpack"),
            &mut |p, n, f| add_tree(&store, p, n, f),
            archive,
            name,
            max_unpacked_size,
        )
    }

    fn fetch_git(&mut self, request: &GitRequest) -> Result<GitResult, String> {
        let store = self.fetch_store().map_err(|e| e.to_string())?;
        crate::fetch::fetch_git(
            store.temp_path("git"),
            &mut |p, n, f| add_tree(&store, p, n, f),
            request,
        )
    }
}

/// A fetcher's tree added to a local store.
fn add_tree(
    store: &LocalStore,
    path: &Path,
    name: &str,
    filter: crate::fetch::Filter<'_>,
) -> Result<StorePath, String> {
    store
        .add_path(path, name, IngestionMethod::Recursive, &mut |p, k| {
            filter(p, k)
        })
        .map_err(|e: ntop_store::Error| e.to_string())
}

/// The evaluator's store through a Nix daemon: every object is added by the daemon (which
/// registers it at once and keeps it with a temporary root of this connection); in
/// read-only mode paths are computed here and nothing is sent. The daemon's objects are
/// read where their paths say (`to_real_path` is the identity), as Nix's client reads them.
pub(crate) struct DaemonSessionStore {
    daemon: DaemonStore,
    read_only: bool,
    known: Rc<RefCell<Known>>,
}

impl DaemonSessionStore {
    pub fn new(daemon: DaemonStore, read_only: bool, known: Rc<RefCell<Known>>) -> Self {
        DaemonSessionStore {
            daemon,
            read_only,
            known,
        }
    }

    fn note(&mut self, path: &StorePath) {
        if self.read_only {
            self.known.borrow_mut().computed.insert(path.clone());
        }
    }

    fn add_text_object(
        &mut self,
        name: &str,
        contents: &[u8],
        references: &BTreeSet<StorePath>,
    ) -> ntop_store::Result<StorePath> {
        if self.read_only {
            return self
                .daemon
                .store_dir
                .compute_store_path_for_text(name, contents, references);
        }
        let path = self
            .daemon
            .client
            .borrow_mut()
            .add_text(name, contents, references)?;
        Ok(path)
    }

    /// Adds the NAR of `src` (with `filter`) or, flat, its bytes; in read-only mode only
    /// computes its path.
    fn add_dump(
        &mut self,
        src: &Path,
        name: &str,
        method: IngestionMethod,
        mut filter: &mut dyn FnMut(&Path, FileKind) -> ntop_store::Result<bool>,
    ) -> ntop_store::Result<StorePath> {
        if self.read_only {
            return compute_store_path_for_path(
                &self.daemon.store_dir,
                src,
                name,
                method,
                &mut filter,
            );
        }
        self.send_dump(src, name, method, filter)
    }

    /// Sends the NAR of `src` (with `filter`) or, flat, its bytes to the daemon, in every
    /// mode.
    fn send_dump(
        &mut self,
        src: &Path,
        name: &str,
        method: IngestionMethod,
        mut filter: &mut dyn FnMut(&Path, FileKind) -> ntop_store::Result<bool>,
    ) -> ntop_store::Result<StorePath> {
        let mut dump = move |w: &mut dyn io::Write| -> ntop_store::Result<()> {
            match method {
                IngestionMethod::Recursive => {
                    ntop_store::nar::dump_path(src, &mut &mut *w, &mut filter)
                }
                IngestionMethod::Flat => {
                    let mut file =
                        std::fs::File::open(src).map_err(|e| io_error("opening file", src, e))?;
                    io::copy(&mut file, w)
                        .map(drop)
                        .map_err(|e| io_error("reading file", src, e))
                }
            }
        };
        let (path, _) = self
            .daemon
            .client
            .borrow_mut()
            .add_to_store(name, method, &mut dump)?;
        Ok(path)
    }

    /// A fetcher's tree, added in every mode.
    fn add_tree(
        &mut self,
        path: &Path,
        name: &str,
        filter: crate::fetch::Filter<'_>,
    ) -> Result<StorePath, String> {
        self.send_dump(path, name, IngestionMethod::Recursive, filter)
            .map_err(|e| e.to_string())
    }

    fn scratch(&self, label: &str) -> PathBuf {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        std::env::temp_dir().join(format!("ntop-{label}-{}-{n}", std::process::id()))
    }
}

impl StoreAccess for DaemonSessionStore {
    fn store_dir(&self) -> &StoreDir {
        &self.daemon.store_dir
    }

    fn read_only(&self) -> bool {
        self.read_only
    }

    fn add_path(
        &mut self,
        src: &Path,
        name: &str,
        method: IngestionMethod,
        filter: &mut dyn FnMut(&Path) -> bool,
    ) -> ntop_store::Result<StorePath> {
        let path = self.add_dump(src, name, method, &mut |p, _| Ok(filter(p)))?;
        self.note(&path);
        Ok(path)
    }

    fn add_flat_bytes(&mut self, name: &str, contents: &[u8]) -> ntop_store::Result<StorePath> {
        // A download, added in every mode.
        let mut dump = |w: &mut dyn io::Write| -> ntop_store::Result<()> {
            w.write_all(contents)
                .map_err(|e| io_error("sending", Path::new(name), e))
        };
        let (path, _) =
            self.daemon
                .client
                .borrow_mut()
                .add_to_store(name, IngestionMethod::Flat, &mut dump)?;
        Ok(path)
    }

    fn add_text(
        &mut self,
        name: &str,
        contents: &[u8],
        references: &BTreeSet<StorePath>,
    ) -> ntop_store::Result<StorePath> {
        let path = self.add_text_object(name, contents, references)?;
        self.known
            .borrow_mut()
            .refs
            .insert(path.clone(), references.clone());
        self.note(&path);
        Ok(path)
    }

    fn write_derivation(&mut self, drv: &Derivation, text: &[u8]) -> ntop_store::Result<StorePath> {
        let path = self.add_text_object(&format!("{}.drv", drv.name), text, &drv.references())?;
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
        let d = read_daemon_derivation(&self.daemon, path)?;
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
        let info = self.daemon.client.borrow_mut().query_path_info(path)?;
        Ok(info.map(|i| i.references).unwrap_or_default())
    }

    fn is_valid(&mut self, path: &StorePath) -> bool {
        {
            let known = self.known.borrow();
            if known.computed.contains(path) || known.drvs.contains_key(path) {
                return true;
            }
        }
        // A path the evaluation relies on is kept for as long as the session's connection
        // lives, as the daemon keeps what it adds.
        let mut client = self.daemon.client.borrow_mut();
        let valid = client.is_valid_path(path).unwrap_or(false);
        if valid && !self.read_only {
            let _ = client.add_temp_root(path);
        }
        valid
    }

    fn to_real_path(&self, logical: &Path) -> PathBuf {
        logical.to_path_buf()
    }

    fn unpack_archive(
        &mut self,
        archive: &Path,
        name: &str,
        max_unpacked_size: u64,
    ) -> Result<(StorePath, ntop_store::Hash), String> {
        let tmp = self.scratch("unpack");
        crate::fetch::unpack_archive(
            tmp,
            &mut |p, n, f| self.add_tree(p, n, f),
            archive,
            name,
            max_unpacked_size,
        )
    }

    fn fetch_git(&mut self, request: &GitRequest) -> Result<GitResult, String> {
        let tmp = self.scratch("git");
        crate::fetch::fetch_git(tmp, &mut |p, n, f| self.add_tree(p, n, f), request)
    }
}

/// A derivation the session did not write, read from the daemon's store.
pub(crate) fn read_daemon_derivation(
    daemon: &DaemonStore,
    path: &StorePath,
) -> ntop_store::Result<Derivation> {
    let name =
        path.name()
            .strip_suffix(".drv")
            .ok_or_else(|| ntop_store::Error::BadDerivation {
                message: format!("'{}' is not a derivation", daemon.store_dir.print(path)),
            })?;
    let text = daemon.client.borrow_mut().read_regular_file(path)?;
    Derivation::from_aterm(&text, name, &daemon.store_dir)
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
