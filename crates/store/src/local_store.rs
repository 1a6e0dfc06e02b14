//! A store on the local file system: its layout, its objects and their registration.
//!
//! # Layout
//!
//! A [`LocalStore`] has a *physical* root directory and a *logical* [`StoreDir`]. Store paths
//! are computed and printed with the logical directory (`/nix/store` by default), so they are
//! the paths Nix would compute; everything lives under the root, and only this module knows
//! where:
//!
//! ```text
//! <root>/store/<hash>-<name>              the object whose logical path is <store dir>/<hash>-<name>
//! <root>/store/.tmp-<pid>-<n>-…           objects being written (never a valid store path name)
//! <root>/var/ntop/db/db.sqlite            the database of valid paths (`db.rs`)
//! <root>/var/ntop/gcroots/…               garbage-collector roots (`gc.rs`)
//! <root>/var/log/ntop/drvs/<drv>.log      build logs
//! <root>/locks/<name>.lock                flock files (`locks.rs`)
//! <root>/chroots/<label>/                 sandbox roots while a build runs
//! ```
//!
//! so ntop can work with `/nix/store` paths without owning `/nix/store`, and a builder can map
//! `<root>/store` to the logical directory in its sandbox.
//!
//! A store **shared with Nix** ([`LocalStore::open_nix`], `--store local`) has Nix's layout
//! instead (`nixdb/mod.rs`): Nix's own database and locks, its roots, and a temporary root
//! for every object this store writes or finds valid, so that Nix's collector keeps them.
//!
//! # Invariants
//!
//! * **An object appears complete**: it is written under a temporary name in the same
//!   directory, its metadata normalised (see [`canonicalise`](crate::canonicalise)), and
//!   renamed into place. Two processes adding the same object at once both succeed: the
//!   object's content is a function of its path, so whichever rename lands first wins.
//! * **A path is valid once registered**, and **registered only once durable**: every object
//!   this store writes is recorded with what its writer knows — its references (a `.drv`
//!   file's inputs, a text's context), its NAR hash and size — and [`LocalStore::commit`]
//!   syncs the file system once and then registers the whole batch in one transaction. A
//!   crash before the commit leaves unregistered objects, which are garbage; never a
//!   registered object whose bytes did not reach the disk. Nothing is synced or registered
//!   by `Drop`: a command commits explicitly before it reports success.
//! * An object present but not registered (left by a crash) is checked against the contents
//!   being written before it is registered, and replaced if it differs.
//! * In dry-run mode nothing is written: the methods compute the same paths (hashing the
//!   files that would be added) and return them.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::canonicalise::canonicalise_metadata;
use crate::db::{Database, PathInfo};
use crate::derivation::Derivation;
use crate::disk::{remove_tree, sync_filesystem};
use crate::error::{Error, Result};
use crate::hash::{Hash, HashAlgo, Hasher};
use crate::locks::{lock, lock_file, lock_path_file, FileLock, LockKind};
use crate::nar::{self, FileKind};
use crate::nixdb::roots::TempRoots;
use crate::nixdb::NixStoreConfig;
use crate::store_path::{canon_path, IngestionMethod, StoreDir, StorePath};

/// Whether the store may be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreMode {
    ReadWrite,
    /// Compute paths only (`nix-instantiate --readonly-mode`, `--dry-run`).
    DryRun,
}

/// What happens to the store's objects on the way to validity, in order, for a caller that
/// wants to watch (the durability tests simulate a power loss at each step with it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreEvent {
    /// An object was written (or found present and checked), not yet durable.
    Written(StorePath),
    /// Everything written so far is durable.
    Synced,
    /// These paths became valid.
    Registered(Vec<StorePath>),
}

type EventSink = Arc<dyn Fn(&StoreEvent) + Send + Sync>;

#[derive(Clone)]
pub struct LocalStore {
    root: PathBuf,
    store_dir: StoreDir,
    mode: StoreMode,
    /// The database of valid paths (absent in dry-run mode).
    db: Option<Arc<Database>>,
    /// Objects written and not yet registered, with what is known about them.
    pending: Arc<Mutex<BTreeMap<StorePath, PathInfo>>>,
    /// Whether something was written since the last sync.
    unsynced: Arc<AtomicBool>,
    events: Option<EventSink>,
    /// Set for a store shared with Nix: where Nix keeps everything.
    nix: Option<Arc<NixStoreConfig>>,
    /// This process's temporary roots in a store shared with Nix (made on first use).
    temp_roots: Arc<Mutex<Option<TempRoots>>>,
}

impl std::fmt::Debug for LocalStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalStore")
            .field("root", &self.root)
            .field("store_dir", &self.store_dir)
            .field("mode", &self.mode)
            .finish()
    }
}

impl LocalStore {
    /// Opens the store under `root`. A store that may be written gets its object directory
    /// and its database created if needed; a dry-run store touches nothing.
    pub fn open(
        root: impl Into<PathBuf>,
        store_dir: StoreDir,
        mode: StoreMode,
    ) -> Result<LocalStore> {
        let root = root.into();
        let db = match mode {
            StoreMode::ReadWrite => {
                let dir = root.join("store");
                fs::create_dir_all(&dir)
                    .map_err(|e| Error::io("creating store directory", &dir, e))?;
                Some(Arc::new(Database::open(
                    &root.join("var/ntop/db/db.sqlite"),
                )?))
            }
            StoreMode::DryRun => None,
        };
        Ok(LocalStore {
            root,
            store_dir,
            mode,
            db,
            pending: Default::default(),
            unsynced: Default::default(),
            events: None,
            nix: None,
            temp_roots: Default::default(),
        })
    }

    /// Opens a store shared with Nix 2.8, with Nix's layout, database and locks. A store
    /// that may be written gets Nix's directories and database created if there are none,
    /// as Nix creates them; a dry-run store touches nothing.
    pub fn open_nix(config: NixStoreConfig, mode: StoreMode) -> Result<LocalStore> {
        let store_dir = StoreDir::new(&config.store_dir)?;
        let db = match mode {
            StoreMode::ReadWrite => {
                config.create_dirs()?;
                Some(Arc::new(Database::open_nix(&config)?))
            }
            StoreMode::DryRun => None,
        };
        Ok(LocalStore {
            root: config.real_dir.clone(),
            store_dir,
            mode,
            db,
            pending: Default::default(),
            unsynced: Default::default(),
            events: None,
            nix: Some(Arc::new(config)),
            temp_roots: Default::default(),
        })
    }

    /// The same store opened for writing (its directories and database created if needed),
    /// with the same event sink: a read-only session's fetchers write through it, as Nix
    /// 2.8's fetchers add their trees even in read-only mode.
    pub fn writable(&self) -> Result<LocalStore> {
        let mut store = match &self.nix {
            Some(config) => LocalStore::open_nix((**config).clone(), StoreMode::ReadWrite)?,
            None => LocalStore::open(
                self.root.clone(),
                self.store_dir.clone(),
                StoreMode::ReadWrite,
            )?,
        };
        store.events = self.events.clone();
        Ok(store)
    }

    /// Where Nix keeps this store's state, if it is shared with Nix.
    pub fn nix_config(&self) -> Option<&NixStoreConfig> {
        self.nix.as_deref()
    }

    /// Protects `path` from Nix's collector for as long as this process lives (a temporary
    /// root); nothing for ntop's own stores, whose sessions hold the collector's lock.
    pub fn add_temp_root(&self, path: &StorePath) -> Result<()> {
        let Some(config) = &self.nix else {
            return Ok(());
        };
        if self.mode == StoreMode::DryRun {
            return Ok(());
        }
        let mut roots = self.temp_roots.lock().unwrap_or_else(|e| e.into_inner());
        if roots.is_none() {
            *roots = Some(TempRoots::create(config)?);
        }
        match roots.as_mut() {
            Some(roots) => roots.add(config, &self.store_dir, path),
            None => Ok(()),
        }
    }

    /// What a result link or `--add-root` link should point to: the object's file, or in a
    /// store shared with Nix its printed path, as Nix makes them (Nix's collector follows
    /// only links into the logical store directory).
    pub fn link_target(&self, path: &StorePath) -> PathBuf {
        match &self.nix {
            Some(_) => PathBuf::from(self.store_dir.print(path)),
            None => self.physical_path(path),
        }
    }

    /// Reports every [`StoreEvent`] to `sink`.
    pub fn with_events(mut self, sink: impl Fn(&StoreEvent) + Send + Sync + 'static) -> Self {
        self.events = Some(Arc::new(sink));
        self
    }

    fn event(&self, event: StoreEvent) {
        if let Some(sink) = &self.events {
            sink(&event);
        }
    }

    pub fn store_dir(&self) -> &StoreDir {
        &self.store_dir
    }

    pub fn mode(&self) -> StoreMode {
        self.mode
    }

    /// The store's root directory, as the user named it (for messages).
    pub fn describe_root(&self) -> String {
        self.root.display().to_string()
    }

    /// The database of valid paths; an error for a dry-run store.
    pub fn db(&self) -> Result<&Database> {
        self.db.as_deref().ok_or(Error::ReadOnly {
            operation: "open the store database",
        })
    }

    /// Whether `path` is registered as valid.
    pub fn is_valid(&self, path: &StorePath) -> Result<bool> {
        match &self.db {
            Some(db) => Ok(db.is_valid(path)?),
            None => Ok(false),
        }
    }

    // The layout.

    /// The directory holding the objects: what the logical store directory stands for
    /// (mounted there in a sandbox, or for `ntop run`).
    pub fn objects_dir(&self) -> PathBuf {
        match &self.nix {
            Some(config) => config.real_dir.clone(),
            None => self.root.join("store"),
        }
    }

    pub(crate) fn gc_roots_dir(&self) -> PathBuf {
        match &self.nix {
            Some(config) => config.gc_roots_dir(),
            None => self.root.join("var/ntop/gcroots"),
        }
    }

    fn locks_dir(&self) -> PathBuf {
        self.root.join("locks")
    }

    /// Whether the objects live at their logical paths (the store directory is the object
    /// directory, as building without a sandbox requires).
    pub fn objects_at_store_dir(&self) -> bool {
        fs::canonicalize(self.objects_dir())
            .ok()
            .zip(fs::canonicalize(self.store_dir.as_str()).ok())
            .is_some_and(|(a, b)| a == b)
    }

    /// The object directory, for messages.
    pub fn describe_objects_dir(&self) -> String {
        self.objects_dir().display().to_string()
    }

    /// Where the object with this store path is on disk.
    pub fn physical_path(&self, path: &StorePath) -> PathBuf {
        self.objects_dir().join(path.to_string())
    }

    /// Maps a logical path at or inside a store object (`/nix/store/…-foo/bin/sh`) to the
    /// file on disk; `None` if it is not in the store.
    pub fn to_physical(&self, logical: &str) -> Option<PathBuf> {
        let (path, rest) = self.store_dir.split(logical).ok()?;
        let mut physical = self.physical_path(&path);
        if let Some(rest) = rest.strip_prefix('/') {
            physical.push(rest);
        }
        Some(physical)
    }

    /// The store path a user names: a logical path (`/nix/store/…`, possibly inside an
    /// object), or a file under the store's object directory (such as `./result`).
    pub fn parse_user_path(&self, arg: &str) -> Result<StorePath> {
        // A link to a printed path that is not a file here (a chroot store's `./result`).
        if let Ok(target) = fs::read_link(arg) {
            if let Some(target) = target.to_str() {
                if let Ok((path, _)) = self.store_dir.split(&canon_path(target)) {
                    return Ok(path);
                }
            }
        }
        let objects = self.objects_dir();
        if let Ok(real) = fs::canonicalize(arg) {
            let objects = fs::canonicalize(&objects).unwrap_or(objects);
            if let Ok(rest) = real.strip_prefix(&objects) {
                let base = rest
                    .components()
                    .next()
                    .and_then(|c| c.as_os_str().to_str())
                    .unwrap_or_default();
                return StorePath::from_base_name(base);
            }
        }
        self.store_dir.split(arg).map(|(p, _)| p)
    }

    /// Where the log of a derivation's build is kept.
    pub fn log_path(&self, drv: &StorePath) -> PathBuf {
        if let Some(config) = &self.nix {
            return config.log_path(&drv.to_string());
        }
        self.root
            .join("var/log/ntop/drvs")
            .join(format!("{drv}.log"))
    }

    /// A directory for a sandbox's root, named by `label` (not created).
    pub fn chroot_path(&self, label: &str) -> PathBuf {
        match &self.nix {
            Some(config) => config.chroots_dir().join(label),
            None => self.root.join("chroots").join(label),
        }
    }

    /// The shared or exclusive garbage-collector lock (see `locks.rs`).
    pub fn lock_gc(&self, kind: LockKind) -> Result<FileLock> {
        match &self.nix {
            Some(config) => lock_file(&config.state_dir.join("gc.lock"), kind),
            None => lock(&self.locks_dir(), "gc", kind),
        }
    }

    /// The exclusive lock of one output path, held while it is built. In a store shared with
    /// Nix it is Nix's `<path>.lock`, and the path becomes a temporary root first, as Nix's
    /// builder makes it.
    pub fn lock_output(&self, path: &StorePath) -> Result<FileLock> {
        match &self.nix {
            Some(config) => {
                self.add_temp_root(path)?;
                lock_path_file(&config.path_lock(&path.to_string()))
            }
            None => lock(&self.locks_dir(), &path.hash_part(), LockKind::Exclusive),
        }
    }

    /// A fresh name in the store directory that is not a valid store path (it starts with
    /// `.tmp-`, which is no nix32 hash part), for temporary work on the store's file system.
    pub fn temp_path(&self, label: &str) -> PathBuf {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        self.objects_dir()
            .join(format!(".tmp-{}-{n}-{label}", std::process::id()))
    }

    pub fn is_present(&self, path: &StorePath) -> bool {
        fs::symlink_metadata(self.physical_path(path)).is_ok()
    }

    // Durability and registration.

    /// Makes every object written so far durable (one `syncfs` of the store's file system).
    pub fn flush(&self) -> Result<()> {
        if !self.unsynced.swap(false, Ordering::SeqCst) {
            return Ok(());
        }
        let dir = self.objects_dir();
        sync_filesystem(&dir).map_err(|e| Error::io("syncing", &dir, e))?;
        self.event(StoreEvent::Synced);
        Ok(())
    }

    /// Makes the objects written since the last commit durable, then valid: one sync, then
    /// one transaction with their references. Returns how many paths were registered.
    pub fn commit(&self) -> Result<usize> {
        let batch: Vec<PathInfo> = {
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            std::mem::take(&mut *pending).into_values().collect()
        };
        if batch.is_empty() {
            return Ok(0);
        }
        let result = self.flush().and_then(|()| Ok(self.db()?.register(&batch)?));
        if let Err(e) = result {
            // Still not valid: keep them for a later commit.
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            for info in batch {
                pending.insert(info.path.clone(), info);
            }
            return Err(e);
        }
        self.event(StoreEvent::Registered(
            batch.iter().map(|i| i.path.clone()).collect(),
        ));
        Ok(batch.len())
    }

    /// Whether an object needs writing (and registering): not in dry-run mode, not
    /// registered, not written in this session already.
    fn needs_writing(&self, path: &StorePath) -> Result<bool> {
        if self.mode == StoreMode::DryRun {
            return Ok(false);
        }
        if self
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(path)
        {
            return Ok(false);
        }
        // As Nix does: the root first, so that a collector cannot take the path between the
        // check and its use.
        self.add_temp_root(path)?;
        Ok(!self.is_valid(path)?)
    }

    /// In a store shared with Nix, Nix's lock of the path about to be written, and whether
    /// it still needs writing once held (Nix may have added it meanwhile).
    fn lock_for_writing(&self, path: &StorePath) -> Result<(Option<FileLock>, bool)> {
        let Some(config) = &self.nix else {
            return Ok((None, true));
        };
        let lock = lock_path_file(&config.path_lock(&path.to_string()))?;
        let needed = !self.is_valid(path)?;
        Ok((Some(lock), needed))
    }

    fn record(
        &self,
        path: &StorePath,
        nar: (Hash, u64),
        references: &BTreeSet<StorePath>,
        ca: String,
    ) {
        self.unsynced.store(true, Ordering::SeqCst);
        self.event(StoreEvent::Written(path.clone()));
        let info = PathInfo {
            path: path.clone(),
            nar_hash: nar.0,
            nar_size: nar.1,
            references: references.clone(),
            deriver: None,
            registration_time: 0,
            ca: Some(ca),
        };
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.clone(), info);
    }

    // Objects.

    /// Adds a text file (`builtins.toFile`, a `.drv` file) with the given references; returns
    /// its path. Nothing is written in dry-run mode or when it is valid already.
    pub fn add_text(
        &self,
        name: &str,
        contents: &[u8],
        references: &BTreeSet<StorePath>,
    ) -> Result<StorePath> {
        let path = self
            .store_dir
            .compute_store_path_for_text(name, contents, references)?;
        self.write_file_object(&path, contents, references)?;
        Ok(path)
    }

    /// Writes a derivation's `.drv` file; returns its path.
    pub fn write_derivation(&self, drv: &Derivation) -> Result<StorePath> {
        let (path, text) = drv.store_path(&self.store_dir)?;
        self.write_file_object(&path, &text, &drv.references())?;
        Ok(path)
    }

    /// Reads and parses the `.drv` file at `path`.
    pub fn read_derivation(&self, path: &StorePath) -> Result<Derivation> {
        let physical = self.physical_path(path);
        let text =
            fs::read(&physical).map_err(|e| Error::io("reading derivation", &physical, e))?;
        let name = path
            .name()
            .strip_suffix(".drv")
            .ok_or_else(|| Error::BadDerivation {
                message: format!("'{}' is not a derivation", self.store_dir.print(path)),
            })?;
        Derivation::from_aterm(&text, name, &self.store_dir)
    }

    /// Copies the file or tree at `src` into the store, as path interpolation (`"${./dir}"`)
    /// and `builtins.path` do, and returns its path:
    ///
    /// * `Recursive`: the NAR of `src` (with the objects `filter` rejects left out) is hashed
    ///   with SHA-256 and the object is a `source` path; executable bits and symlinks are kept.
    /// * `Flat`: `src` must be a regular file; its contents are hashed with SHA-256 and the
    ///   object gets the fixed-output path. `filter` is not consulted.
    ///
    /// The filter is called exactly once per object, so a Nix filter function is evaluated
    /// once; the copy is made from the very NAR that was hashed.
    pub fn add_path<E, F>(
        &self,
        src: &Path,
        name: &str,
        method: IngestionMethod,
        filter: &mut F,
    ) -> Result<StorePath, E>
    where
        E: From<Error>,
        F: FnMut(&Path, FileKind) -> Result<bool, E>,
    {
        match method {
            IngestionMethod::Flat => Ok(self.add_flat_file(src, name)?),
            IngestionMethod::Recursive => self.add_recursive(src, name, filter),
        }
    }

    fn add_flat_file(&self, src: &Path, name: &str) -> Result<StorePath> {
        let meta = fs::metadata(src).map_err(|e| Error::io("getting status of", src, e))?;
        if !meta.is_file() {
            return Err(Error::UnsupportedFileType {
                path: src.to_owned(),
            });
        }
        let hash = hash_file(src)?;
        let path = self.store_dir.make_fixed_output_path(
            IngestionMethod::Flat,
            &hash,
            name,
            &BTreeSet::new(),
        )?;
        if !self.needs_writing(&path)? {
            return Ok(path);
        }
        let (_lock, needed) = self.lock_for_writing(&path)?;
        if !needed {
            return Ok(path);
        }
        let executable = meta.permissions().mode() & 0o100 != 0;
        let (nar_hash, nar_size) = nar::nar_hash(src)?;
        let mode = if executable { 0o755 } else { 0o644 };
        if !self.present_and_equal(&path, &nar_hash)? {
            self.install(&path, |tmp| {
                fs::copy(src, tmp).map_err(|e| Error::io("copying", src, e))?;
                fs::set_permissions(tmp, fs::Permissions::from_mode(mode))
                    .map_err(|e| Error::io("setting permissions of", tmp, e))
            })?;
        }
        let ca = format!("fixed:sha256:{}", hash.to_nix32());
        self.record(&path, (nar_hash, nar_size), &BTreeSet::new(), ca);
        Ok(path)
    }

    fn add_recursive<E, F>(&self, src: &Path, name: &str, filter: &mut F) -> Result<StorePath, E>
    where
        E: From<Error>,
        F: FnMut(&Path, FileKind) -> Result<bool, E>,
    {
        if self.mode == StoreMode::DryRun {
            return compute_store_path_for_path(
                &self.store_dir,
                src,
                name,
                IngestionMethod::Recursive,
                filter,
            );
        }
        // The NAR goes to a temporary file while it is hashed, then is unpacked from there.
        let nar_path = self.temp_path("nar");
        let result = self.add_recursive_via(src, name, filter, &nar_path);
        let _ = fs::remove_file(&nar_path);
        result
    }

    fn add_recursive_via<E, F>(
        &self,
        src: &Path,
        name: &str,
        filter: &mut F,
        nar_path: &Path,
    ) -> Result<StorePath, E>
    where
        E: From<Error>,
        F: FnMut(&Path, FileKind) -> Result<bool, E>,
    {
        let file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(nar_path)
            .map_err(|e| Error::io("creating temporary file", nar_path, e))?;
        let mut tee = Tee {
            file: BufWriter::new(file),
            hasher: Hasher::new(HashAlgo::Sha256),
        };
        nar::dump_path(src, &mut tee, filter)?;
        let Tee { file, hasher } = tee;
        let mut file = file
            .into_inner()
            .map_err(|e| Error::io("writing temporary file", nar_path, e.into_error()))?;
        let nar_size = hasher.bytes_written();
        let nar_hash = hasher.finish();
        let path = self
            .store_dir
            .make_source_path(name, &nar_hash, &BTreeSet::new(), false)?;
        if !self.needs_writing(&path)? {
            return Ok(path);
        }
        let (_lock, needed) = self.lock_for_writing(&path)?;
        if !needed {
            return Ok(path);
        }
        if !self.present_and_equal(&path, &nar_hash)? {
            file.seek(SeekFrom::Start(0))
                .map_err(|e| Error::io("reading temporary file", nar_path, e))?;
            self.install(&path, |tmp| {
                nar::restore(io::BufReader::new(&mut file), tmp)
            })?;
        }
        let ca = format!("fixed:r:sha256:{}", nar_hash.to_nix32());
        self.record(&path, (nar_hash, nar_size), &BTreeSet::new(), ca);
        Ok(path)
    }

    fn write_file_object(
        &self,
        path: &StorePath,
        contents: &[u8],
        references: &BTreeSet<StorePath>,
    ) -> Result<()> {
        if !self.needs_writing(path)? {
            return Ok(());
        }
        let (_lock, needed) = self.lock_for_writing(path)?;
        if !needed {
            return Ok(());
        }
        let mut hasher = Hasher::new(HashAlgo::Sha256);
        nar::dump_bytes(contents, &mut hasher)
            .map_err(|e| Error::io("hashing", self.physical_path(path), e))?;
        let nar_size = hasher.bytes_written();
        let nar_hash = hasher.finish();
        if !self.present_and_equal(path, &nar_hash)? {
            self.install(path, |tmp| {
                let mut file = fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(tmp)
                    .map_err(|e| Error::io("creating file", tmp, e))?;
                file.write_all(contents)
                    .map_err(|e| Error::io("writing file", tmp, e))
            })?;
        }
        let ca = format!("text:sha256:{}", Hash::sha256(contents).to_nix32());
        self.record(path, (nar_hash, nar_size), references, ca);
        Ok(())
    }

    /// Whether an unregistered object is present with the expected NAR hash. One that is
    /// present with other contents (what a crash before a sync can leave) is removed.
    fn present_and_equal(&self, path: &StorePath, nar_hash: &Hash) -> Result<bool> {
        let physical = self.physical_path(path);
        if fs::symlink_metadata(&physical).is_err() {
            return Ok(false);
        }
        if nar::nar_hash(&physical).is_ok_and(|(h, _)| h == *nar_hash) {
            return Ok(true);
        }
        remove_tree(&physical).map_err(|e| Error::io("removing damaged object", &physical, e))?;
        Ok(false)
    }

    /// Creates an object under a temporary name with `create`, normalises it and renames it
    /// to `path`. If another process got there first, its copy stays. Durability comes with
    /// the next [`LocalStore::flush`].
    fn install(&self, path: &StorePath, create: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
        let tmp = self.temp_path(&path.to_string());
        if let Err(e) = create(&tmp).and_then(|()| canonicalise_metadata(&tmp)) {
            let _ = remove_tree(&tmp);
            return Err(e);
        }
        let dest = self.physical_path(path);
        match fs::rename(&tmp, &dest) {
            Ok(()) => Ok(()),
            // A directory cannot replace a non-empty one: the other writer won.
            Err(_) if self.is_present(path) => {
                let _ = remove_tree(&tmp);
                Ok(())
            }
            Err(e) => {
                let _ = remove_tree(&tmp);
                Err(Error::io("moving into place", &dest, e))
            }
        }
    }
}

/// The path [`LocalStore::add_path`] would give `src`, computed without a store (what
/// `builtins.path` and path interpolation return in read-only mode).
pub fn compute_store_path_for_path<E, F>(
    store_dir: &StoreDir,
    src: &Path,
    name: &str,
    method: IngestionMethod,
    filter: &mut F,
) -> Result<StorePath, E>
where
    E: From<Error>,
    F: FnMut(&Path, FileKind) -> Result<bool, E>,
{
    match method {
        IngestionMethod::Flat => {
            let hash = hash_file(src)?;
            Ok(store_dir.make_fixed_output_path(
                IngestionMethod::Flat,
                &hash,
                name,
                &BTreeSet::new(),
            )?)
        }
        IngestionMethod::Recursive => {
            let mut hasher = Hasher::new(HashAlgo::Sha256);
            nar::dump_path(src, &mut hasher, filter)?;
            Ok(store_dir.make_source_path(name, &hasher.finish(), &BTreeSet::new(), false)?)
        }
    }
}

/// The SHA-256 of a file's contents, streamed.
fn hash_file(path: &Path) -> Result<Hash> {
    let mut file = fs::File::open(path).map_err(|e| Error::io("opening file", path, e))?;
    let mut hasher = Hasher::new(HashAlgo::Sha256);
    io::copy(&mut file, &mut hasher).map_err(|e| Error::io("reading file", path, e))?;
    Ok(hasher.finish())
}

/// Writes to a file and a hasher at once.
struct Tee {
    file: BufWriter<fs::File>,
    hasher: Hasher,
}

impl Write for Tee {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests;
