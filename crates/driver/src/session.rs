//! A [`Session`]: one store, one evaluator over it, and what the evaluator wrote — the unit
//! every command works in.
//!
//! A session that may write takes the store's garbage-collector lock (shared) when it opens
//! and holds it until it is dropped, after its results are registered ([`Session::commit`])
//! and rooted (result links, `--add-root`): a concurrent `ntop store gc` waits instead of
//! collecting objects the session still works with.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use ntop_eval::io::EvalIO;
use ntop_eval::source::{add_source, Origin, Span};
use ntop_eval::{EvalOptions, Machine, SearchPathEntry};
use ntop_store::daemon::DaemonClient;
use ntop_store::{
    FileLock, LocalStore, LockKind, NixStoreConfig, StoreDir, StoreEvent, StoreMode, StoreUri,
};

use crate::error::{Error, Result};
use crate::settings::Settings;
use crate::store_access::{DaemonSessionStore, Known, SessionIO, SessionStore};

/// Where a session reads environment variables from.
#[derive(Clone, Debug)]
pub enum Environment {
    /// The process's own.
    Process,
    /// Exactly these (a test's `HOME`, no `NIX_PATH`).
    Vars(Arc<HashMap<String, String>>),
}

impl Environment {
    pub fn vars<'a>(vars: impl IntoIterator<Item = (&'a str, &'a str)>) -> Environment {
        Environment::Vars(Arc::new(
            vars.into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        ))
    }

    pub fn get(&self, name: &str) -> Option<String> {
        match self {
            Environment::Process => std::env::var(name).ok(),
            Environment::Vars(vars) => vars.get(name).cloned(),
        }
    }

    /// The variable's bytes (which need not be UTF-8).
    pub fn get_bytes(&self, name: &str) -> Option<Vec<u8>> {
        match self {
            Environment::Process => {
                std::env::var_os(name).map(std::os::unix::ffi::OsStringExt::into_vec)
            }
            Environment::Vars(vars) => vars.get(name).map(|v| v.clone().into_bytes()),
        }
    }

    fn get_nonempty(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.is_empty())
    }
}

/// Where a session reports what happens while it works, as it happens: the evaluator's
/// traces and warnings, and the driver's own notes. The CLI prints them on standard error.
pub trait Observer {
    /// `builtins.trace`.
    fn trace(&mut self, message: &str);
    /// `builtins.warn`, deprecations, and problems the session works around.
    fn warn(&mut self, message: &str);
    /// Facts about what the session does (a module taking a base module's place).
    fn note(&mut self, message: &str);
}

/// Reports nothing.
pub struct Silent;

impl Observer for Silent {
    fn trace(&mut self, _: &str) {}
    fn warn(&mut self, _: &str) {}
    fn note(&mut self, _: &str) {}
}

pub(crate) type SharedObserver = Rc<RefCell<Box<dyn Observer>>>;

/// The evaluator's observer: forwards to the session's.
struct Forward(SharedObserver);

impl ntop_eval::Observer for Forward {
    fn trace(&mut self, message: &str) {
        self.0.borrow_mut().trace(message);
    }

    fn warn(&mut self, message: &str) {
        self.0.borrow_mut().warn(message);
    }
}

/// Whether a session may write to the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    /// Paths are computed, nothing is written (`--eval`, `--dry-run`, `--readonly-mode`).
    ReadOnly,
}

/// A receiver of [`StoreEvent`]s.
pub type StoreEvents = Arc<dyn Fn(&StoreEvent) + Send + Sync>;

/// Everything a session is opened with.
pub struct SessionOptions {
    /// `--store`: the store's root directory, `auto`, or `local`/`local?root=DIR&…` for a
    /// store shared with Nix; see [`SessionOptions::store_location`] for what else chooses
    /// the store and what is refused.
    pub store_root: Option<PathBuf>,
    /// The logical store directory (`--store-dir`, default `/nix/store`).
    pub store_dir: Option<String>,
    pub access: Access,
    /// `-I` entries, before `NIX_PATH`'s.
    pub include: Vec<String>,
    /// Nix's settings, resolved from their sources ([`Settings::resolve`]).
    pub settings: Settings,
    /// Relative paths are relative to this directory.
    pub cwd: PathBuf,
    pub env: Environment,
    /// Where the embedded bundle is unpacked (default: the environment's cache directory).
    pub cache_home: Option<PathBuf>,
    /// Parse imported files ahead of time on another core.
    pub parse_ahead: bool,
    /// Where traces and warnings go, as they happen.
    pub observer: Box<dyn Observer>,
    /// Told every step of the store's objects towards validity (durability tests).
    pub store_events: Option<StoreEvents>,
}

impl SessionOptions {
    /// Read-only, default store, no search path of the user's, silent.
    pub fn new(cwd: impl Into<PathBuf>, env: Environment) -> SessionOptions {
        SessionOptions {
            store_root: None,
            store_dir: None,
            access: Access::ReadOnly,
            include: Vec::new(),
            settings: Settings::default(),
            cwd: cwd.into(),
            env,
            cache_home: None,
            parse_ahead: true,
            observer: Box::new(Silent),
            store_events: None,
        }
    }
}

/// The store a session uses: ntop's own, in a directory, one shared with Nix (its own
/// database and locks), or a Nix daemon's, with warnings about the URI that named it.
pub enum StoreLocation {
    Own(PathBuf),
    Nix(NixStoreConfig, Vec<String>),
    /// The store of the Nix daemon listening at `socket`, whose paths are computed with
    /// `store_dir`.
    Daemon {
        socket: PathBuf,
        store_dir: String,
        warnings: Vec<String>,
    },
}

/// The store a session works on: a [`LocalStore`] it opens itself, or a connection to a
/// Nix daemon that does the writing and building.
#[derive(Clone)]
pub(crate) enum Backend {
    Local(LocalStore),
    Daemon(DaemonStore),
}

/// A connection to a Nix daemon, shared by the evaluator's store and the session.
#[derive(Clone)]
pub(crate) struct DaemonStore {
    pub client: Rc<RefCell<DaemonClient>>,
    pub store_dir: StoreDir,
    /// The socket, to name the daemon in messages.
    pub socket: PathBuf,
}

impl DaemonStore {
    /// The error for an operation the daemon backend does not offer (`docs/store.md` lists
    /// them): it never falls back to another store.
    pub fn unsupported(&self, operation: &str) -> Error {
        Error::Store(ntop_store::Error::Unsupported {
            operation: operation.to_owned(),
            store: format!("the Nix daemon's store (at '{}')", self.socket.display()),
        })
    }
}

impl SessionOptions {
    /// The store the options choose, or why ntop cannot open the store they name. The choice
    /// is, as in Nix, `--store` ([`SessionOptions::store_root`]), else the `store` setting,
    /// else `$NIX_REMOTE`, else `auto` (`$NTOP_STORE`, ntop's own variable, wins over
    /// `$NIX_REMOTE`). `auto` (or an empty value) is ntop's own store: `$NTOP_STORE`, else
    /// `$XDG_DATA_HOME/ntop`, else `~/.local/share/ntop`. `local` and `local?root=DIR&…` are a
    /// store shared with Nix. A path is a store's root directory: one that is absolute,
    /// starts with `~/` (the home directory) or, as in Nix, contains a `/` and no `://`
    /// (`./s`, `../s`, `a/b`), relative to the working directory. Anything else (`daemon`,
    /// `unix://…`, `ssh://…`, `https://…`, a bare name) is a store ntop cannot open: the error
    /// says so, and nothing is created.
    ///
    /// `daemon`, `unix` and `unix://SOCKET` are the Nix daemon's store. When nothing names
    /// a store (or it is `auto`) and `$NTOP_STORE` is not set, the default is, in this order:
    /// the Nix daemon, when its socket (`$NIX_DAEMON_SOCKET_PATH`, else
    /// `$NIX_STATE_DIR/daemon-socket/socket`) accepts a connection; the local Nix store,
    /// when the user can write its store and state directories; ntop's own store.
    pub fn store_location(&self) -> Result<StoreLocation> {
        let (spec, source) = match &self.store_root {
            Some(dir) => (dir.to_string_lossy().into_owned(), "--store".to_owned()),
            None if self.settings.is_set("store") => (
                self.settings.get("store").to_owned(),
                format!(
                    "the 'store' setting of {}",
                    self.settings.source("store").unwrap_or("the settings")
                ),
            ),
            None if self.env.get_nonempty("NTOP_STORE").is_some() => (String::new(), String::new()),
            None => match self.env.get("NIX_REMOTE") {
                Some(remote) => (remote, "NIX_REMOTE".to_owned()),
                None => (String::new(), String::new()),
            },
        };
        let env = |name: &str| self.env.get(name);
        let store_dir = default_store_dir(self);
        if spec.is_empty() || spec == "auto" {
            return self.default_location(&store_dir);
        }
        match NixStoreConfig::parse(&spec, Some(&store_dir), &env)? {
            Some((StoreUri::Nix(config), warnings)) => {
                return Ok(StoreLocation::Nix(config, warnings))
            }
            Some((StoreUri::Daemon { socket, store_dir }, warnings)) => {
                return Ok(StoreLocation::Daemon {
                    socket,
                    store_dir,
                    warnings,
                })
            }
            Some((StoreUri::Auto, _)) => return self.default_location(&store_dir),
            None => {}
        }
        if let Some(dir) = &self.store_root {
            if dir.is_absolute() {
                return Ok(StoreLocation::Own(dir.clone()));
            }
        }
        let home = || {
            self.env
                .get_nonempty("HOME")
                .map_or_else(|| PathBuf::from("/"), PathBuf::from)
        };
        if spec == "~" {
            return Ok(StoreLocation::Own(home()));
        }
        if let Some(rest) = spec.strip_prefix("~/") {
            return Ok(StoreLocation::Own(home().join(rest)));
        }
        if spec.starts_with('/') || (spec.contains('/') && !spec.contains("://")) {
            return Ok(StoreLocation::Own(self.cwd.join(&spec)));
        }
        Err(Error::request(
            "driver::unknown_store",
            format!(
                "don't know how to open Nix store '{spec}' (from {source}): ntop opens a store \
                 in a directory (an absolute path, or one starting with './', '../' or '~/'), \
                 'auto' (its own: $NTOP_STORE, else $XDG_DATA_HOME/ntop, else \
                 ~/.local/share/ntop) or a store shared with Nix ('local', \
                 'local?root=DIR'), the Nix daemon's ('daemon', 'unix://SOCKET'); remote \
                 stores ('ssh://…', 'https://…') are not supported"
            ),
        ))
    }
}

impl SessionOptions {
    /// The store nothing names (see [`SessionOptions::store_location`]).
    fn default_location(&self, store_dir: &str) -> Result<StoreLocation> {
        if self.env.get_nonempty("NTOP_STORE").is_some() {
            return Ok(StoreLocation::Own(default_store_root(self)));
        }
        let env = |name: &str| self.env.get(name);
        let socket = ntop_store::daemon::default_socket_path(&env);
        if ntop_store::daemon::socket_accepts(&socket) {
            return Ok(StoreLocation::Daemon {
                socket,
                store_dir: store_dir.to_owned(),
                warnings: Vec::new(),
            });
        }
        if let Some((StoreUri::Nix(config), warnings)) =
            NixStoreConfig::parse("local", Some(store_dir), &env)?
        {
            if config.writable() {
                return Ok(StoreLocation::Nix(config, warnings));
            }
        }
        Ok(StoreLocation::Own(default_store_root(self)))
    }
}

/// ntop's own store, where `auto` puts it.
fn default_store_root(options: &SessionOptions) -> PathBuf {
    let absolute = |p: &Path| options.cwd.join(p);
    let env = &options.env;
    if let Some(dir) = env.get_nonempty("NTOP_STORE") {
        return absolute(Path::new(&dir));
    }
    if let Some(dir) = env.get_nonempty("XDG_DATA_HOME") {
        return PathBuf::from(dir).join("ntop");
    }
    let home = env
        .get_nonempty("HOME")
        .map_or_else(|| PathBuf::from("/"), PathBuf::from);
    home.join(".local/share/ntop")
}

/// The logical store directory: `--store-dir`, else `$NIX_STORE_DIR` (as Nix reads it), else
/// `/nix/store`. With `NIX_STORE_DIR` set to the store root's `store/` directory, the paths
/// ntop prints are the files themselves. A store shared with Nix has its own (its `store=`
/// parameter, with the same default).
fn logical_store_dir(options: &SessionOptions) -> String {
    match options.store_location() {
        Ok(StoreLocation::Nix(config, _)) => config.store_dir,
        Ok(StoreLocation::Daemon { store_dir, .. }) => store_dir,
        _ => default_store_dir(options),
    }
}

fn default_store_dir(options: &SessionOptions) -> String {
    let dir = options
        .store_dir
        .clone()
        .or_else(|| options.env.get_nonempty("NIX_STORE_DIR"))
        .unwrap_or_else(|| ntop_store::DEFAULT_STORE_DIR.to_owned());
    ntop_store::canon_path(&options.cwd.join(dir).display().to_string())
}

/// Opens the local store the options name, in the given mode; a daemon's store is refused
/// with `operation` named (ntop's store commands work on a local store only).
pub(crate) fn open_store(
    options: &SessionOptions,
    mode: StoreMode,
    operation: &str,
) -> Result<LocalStore> {
    match open_backend(options, mode)? {
        Backend::Local(store) => Ok(store),
        Backend::Daemon(daemon) => Err(daemon.unsupported(operation)),
    }
}

/// Opens the store the options name: a local one in the given mode, or a connection to
/// the daemon.
pub(crate) fn open_backend(options: &SessionOptions, mode: StoreMode) -> Result<Backend> {
    let mut store = match options.store_location()? {
        StoreLocation::Daemon {
            socket, store_dir, ..
        } => {
            let store_dir = StoreDir::new(&store_dir)?;
            let client = DaemonClient::connect(&socket, store_dir.clone())?;
            return Ok(Backend::Daemon(DaemonStore {
                client: Rc::new(RefCell::new(client)),
                store_dir,
                socket,
            }));
        }
        StoreLocation::Nix(config, _) => LocalStore::open_nix(config, mode)?,
        StoreLocation::Own(root) => {
            let store_dir = StoreDir::new(&logical_store_dir(options))?;
            LocalStore::open(root, store_dir, mode)?
        }
    };
    if let Some(events) = &options.store_events {
        let events = events.clone();
        store = store.with_events(move |e| events(e));
    }
    Ok(Backend::Local(store))
}

pub struct Session {
    /// `None` only while being dropped.
    machine: Option<Machine>,
    backend: Option<Backend>,
    pub(crate) known: Rc<RefCell<Known>>,
    pub(crate) cwd: PathBuf,
    /// Where environment variables come from (for commands the session runs).
    pub(crate) env: Environment,
    /// The span of the command line, where errors about the command itself point.
    pub(crate) span: Span,
    pub(crate) observer: SharedObserver,
    settings: Settings,
    /// Set when the evaluator read a file of the bundle as the default `<nixpkgs>`.
    bundle_used: Arc<AtomicBool>,
    bundle_noted: bool,
    _gc_lock: Option<FileLock>,
}

impl Session {
    /// Opens the store and sets up the evaluator. Without a usable store (no permission, a
    /// damaged database) the session evaluates without one, and store-touching builtins
    /// fail with the reason, which the observer is told at once.
    pub fn open(options: SessionOptions) -> Session {
        let observer: SharedObserver = Rc::new(RefCell::new(options.observer));
        let options = SessionOptions {
            observer: Box::new(Silent),
            ..options
        };
        let mode = match options.access {
            Access::ReadWrite => StoreMode::ReadWrite,
            Access::ReadOnly => StoreMode::DryRun,
        };
        let mut eval_options = EvalOptions {
            store_dir: logical_store_dir(&options),
            ..EvalOptions::default()
        };
        if let Ok(StoreLocation::Nix(_, warnings) | StoreLocation::Daemon { warnings, .. }) =
            options.store_location()
        {
            for warning in warnings {
                observer.borrow_mut().warn(&warning);
            }
        }
        let backend = match open_backend(&options, mode) {
            Ok(backend) => Some(backend),
            Err(e) => {
                observer
                    .borrow_mut()
                    .warn(&format!("cannot open the store: {e}"));
                None
            }
        };
        let store = match &backend {
            Some(Backend::Local(store)) => Some(store.clone()),
            _ => None,
        };
        // The daemon keeps what this session adds with temporary roots of its connection.
        let gc_lock = match &store {
            Some(store) if mode == StoreMode::ReadWrite => match store.lock_gc(LockKind::Shared) {
                Ok(lock) => Some(lock),
                Err(e) => {
                    observer
                        .borrow_mut()
                        .warn(&format!("cannot take the store's lock: {e}"));
                    None
                }
            },
            _ => None,
        };
        // `-I` entries come first, then NIX_PATH, as in Nix.
        for entry in &options.include {
            eval_options.search_path.push(SearchPathEntry::parse(entry));
        }
        // The `nix-path` setting, when set, takes `NIX_PATH`'s place (as in Nix 2.8, whose
        // setting's default is `NIX_PATH`).
        let settings = &options.settings;
        if settings.is_set("nix-path") {
            eval_options.search_path.extend(
                settings
                    .get("nix-path")
                    .split_whitespace()
                    .map(SearchPathEntry::parse),
            );
        } else if let Some(nix_path) = options.env.get("NIX_PATH") {
            eval_options
                .search_path
                .extend(SearchPathEntry::parse_list(&nix_path));
        }
        // Last of all, the embedded default: `<nixpkgs>` is ntop's bundled lib, mini-NixOS and
        // package set when the user's search path has no `nixpkgs` entry at all. One that
        // does not resolve fails the lookup (with Nix's warning), never falling back to the
        // bundle, which a user would take for their nixpkgs.
        let cache_home = options
            .cache_home
            .clone()
            .unwrap_or_else(|| crate::bundle::cache_home(&options.env));
        let bundle = match crate::bundle::dir(&cache_home) {
            Ok(dir) => Some(dir),
            Err(e) => {
                observer
                    .borrow_mut()
                    .warn(&format!("cannot unpack the embedded nixpkgs bundle: {e}"));
                None
            }
        };
        let names_nixpkgs = eval_options
            .search_path
            .iter()
            .any(|e| e.prefix == "nixpkgs");
        let bundle_used = Arc::new(AtomicBool::new(false));
        let bundle_default = match &bundle {
            Some(dir) if !names_nixpkgs => {
                eval_options.search_path.push(SearchPathEntry {
                    prefix: "nixpkgs".into(),
                    path: dir.display().to_string(),
                });
                Some((dir.clone(), bundle_used.clone()))
            }
            _ => None,
        };
        for (name, value) in settings.set_values() {
            eval_options
                .settings
                .insert(name.to_owned(), value.to_owned());
        }
        if settings.is_set("system") {
            eval_options.system = settings.get("system").to_owned();
        }
        if let Some(depth) = settings.int("max-call-depth") {
            eval_options.max_depth = usize::try_from(depth).unwrap_or(usize::MAX);
        }
        eval_options.abort_on_warn = settings.bool("abort-on-warn")
            || options
                .env
                .get("NIX_ABORT_ON_WARN")
                .is_some_and(|v| v == "1" || v == "true");
        let io = SessionIO {
            store: store.clone(),
            env: options.env.clone(),
            cwd: options.cwd.clone(),
            bundle: bundle_default,
        };
        let known = Rc::new(RefCell::new(Known::default()));
        let store_dir = match &backend {
            Some(Backend::Local(s)) => PathBuf::from(s.store_dir().as_str()),
            Some(Backend::Daemon(d)) => PathBuf::from(d.store_dir.as_str()),
            None => ntop_store::DEFAULT_STORE_DIR.into(),
        };
        let mut builder = Machine::builder(Box::new(io.clone()) as Box<dyn EvalIO>)
            .options(eval_options)
            .observer(Box::new(Forward(observer.clone())));
        // Both file systems read files outside the store by their names.
        if options.parse_ahead {
            if let Some(p) = ntop_eval::prefetch::Prefetcher::start(Arc::new(io), Some(store_dir)) {
                builder = builder.prefetch(p);
            }
        }
        match &backend {
            Some(Backend::Local(store)) => {
                builder = builder.store(Box::new(SessionStore::new(store.clone(), known.clone())));
            }
            Some(Backend::Daemon(daemon)) => {
                builder = builder.store(Box::new(DaemonSessionStore::new(
                    daemon.clone(),
                    mode == StoreMode::DryRun,
                    known.clone(),
                )));
            }
            None => {}
        }
        let span = Span::new(
            add_source(Origin::Text("«command line»".into()), "".into()),
            0,
            0,
        );
        Session {
            machine: Some(builder.build()),
            settings: options.settings,
            bundle_used,
            bundle_noted: false,
            backend,
            known,
            cwd: options.cwd,
            env: options.env,
            span,
            observer,
            _gc_lock: gc_lock,
        }
    }

    pub(crate) fn machine(&mut self) -> &mut Machine {
        self.machine
            .as_mut()
            .expect("the machine exists until the session is dropped")
    }

    /// The settings the session was opened with.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Whether the store's objects are at the logical store directory (builds without the
    /// sandbox need that).
    pub fn store_at_logical_dir(&self) -> bool {
        match &self.backend {
            Some(Backend::Local(store)) => store.objects_at_store_dir(),
            // The daemon's objects are where its paths say, for the daemon.
            Some(Backend::Daemon(_)) => true,
            None => false,
        }
    }

    /// Tells the observer, once per session, that `<nixpkgs>` was ntop's bundle.
    pub(crate) fn note_bundle_use(&mut self) {
        if self.bundle_used.swap(false, Ordering::Relaxed) && !self.bundle_noted {
            self.bundle_noted = true;
            self.note(
                "the search path names no 'nixpkgs': <nixpkgs> is ntop's bundled package set \
                 (give yours with -I nixpkgs=PATH or NIX_PATH)",
            );
        }
    }

    pub(crate) fn note(&self, message: &str) {
        self.observer.borrow_mut().note(message);
    }

    pub(crate) fn backend(&self) -> Result<&Backend> {
        self.backend
            .as_ref()
            .ok_or_else(|| Error::request("driver::no_store", "no store is available"))
    }

    /// The session's local store; `operation` names what needs it, for the error when
    /// the session works through a daemon.
    pub(crate) fn local_store(&self, operation: &str) -> Result<&LocalStore> {
        match self.backend()? {
            Backend::Local(store) => Ok(store),
            Backend::Daemon(daemon) => Err(daemon.unsupported(operation)),
        }
    }

    /// A path as the session's working directory resolves it.
    pub(crate) fn absolute(&self, path: impl AsRef<Path>) -> PathBuf {
        ntop_store::canon_path_buf(&self.cwd.join(path))
    }

    /// Makes everything the session wrote durable and valid: one sync, one transaction with
    /// the references the evaluator knows. A command calls it before it reports success.
    pub fn commit(&mut self) -> Result<()> {
        // The daemon registers every object as it is added.
        if let Some(Backend::Local(store)) = &self.backend {
            store.commit()?;
        }
        // What a read-only session's fetchers wrote.
        let writable = self
            .known
            .borrow()
            .writable
            .as_ref()
            .map(|(s, _)| s.clone());
        if let Some(store) = writable {
            store.commit()?;
        }
        Ok(())
    }
}

/// Deeply nested values are dropped recursively (until the evaluator's heap is collected
/// instead): give that its own large stack, mapped lazily.
const DROP_STACK: usize = 1 << 30;

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(machine) = self.machine.take() {
            stacker::grow(DROP_STACK, move || drop(machine));
        }
    }
}
