//! A store shared with Nix 2.8: its directories, its database and its locks, exactly where
//! and as Nix keeps them, so that ntop and the installed `nix-store`/`nix-build` work on one
//! store at once.
//!
//! `--store local` names the store Nix itself uses (`$NIX_STORE_DIR`, `$NIX_STATE_DIR`,
//! `$NIX_LOG_DIR`, by default `/nix/store`, `/nix/var/nix`, `/nix/var/log/nix`);
//! `--store 'local?root=DIR'` a chroot store, whose objects are at `DIR/nix/store` while
//! their paths stay `/nix/store/…`. The parameters are Nix 2.8's (`LocalFSStoreConfig`,
//! checked with `nix-store --store 'local?root=…' --init`):
//!
//! ```text
//! root=DIR    state = DIR/nix/var/nix, log = DIR/nix/var/log/nix, real = DIR/nix/store
//! state=DIR   the state directory (database, roots, locks)
//! log=DIR     the log directory
//! real=DIR    where the objects are on disk
//! store=DIR   the logical store directory paths are computed with
//! ```
//!
//! What lives where (all of it Nix's layout; `ntop/` is ntop's own scratch space):
//!
//! ```text
//! <real>/<hash>-<name>             the objects; <real>/<hash>-<name>.lock while one is made
//! <state>/db/db.sqlite, schema     the database (schema 10, `db.rs`), its version file
//! <state>/db/big-lock              held shared while the store is open (exclusive: upgrades)
//! <state>/gc.lock                  shared while adding roots, exclusive while collecting
//! <state>/gc-socket/socket         where clients tell a running collector their roots
//! <state>/temproots/<pid>          the temporary roots of a live process (`roots.rs`)
//! <state>/gcroots/…, profiles/…    the roots; gcroots/auto/<sha1 of link> indirect roots
//! <log>/drvs/<2>/<rest>.drv        build logs (ntop writes them uncompressed)
//! <state>/ntop/chroots/            ntop's sandbox roots while a build runs
//! ```

mod db;
pub(crate) mod roots;

use std::collections::HashMap;
use std::path::PathBuf;

use crate::error::{Error, Result};

pub(crate) use db::NixDb;
pub use db::NIX_SCHEMA_VERSION;

/// Where a Nix 2.8 store keeps everything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NixStoreConfig {
    /// The logical store directory (`store=`).
    pub store_dir: String,
    /// Where the objects are on disk (`real=`).
    pub real_dir: PathBuf,
    /// The state directory (`state=`).
    pub state_dir: PathBuf,
    /// The log directory (`log=`).
    pub log_dir: PathBuf,
}

/// What a store URI names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreUri {
    /// A store shared with Nix (`local`, `local?…`).
    Nix(NixStoreConfig),
    /// `auto`: whatever the default is.
    Auto,
    /// A Nix daemon (`daemon`, `unix://PATH`): its socket, and the logical store directory
    /// the client computes paths with (`store=`, else `$NIX_STORE_DIR`, else `/nix/store`; the
    /// protocol does not tell it).
    Daemon { socket: PathBuf, store_dir: String },
}

impl NixStoreConfig {
    /// The configuration `local?<params>` names. `env` gives Nix's environment variables
    /// (`NIX_STORE_DIR`, `NIX_STATE_DIR`, `NIX_LOG_DIR`); `store_dir` overrides the logical
    /// store directory's default (`--store-dir`). Unknown parameters are returned as
    /// warnings, as Nix warns about them.
    pub fn parse(
        uri: &str,
        store_dir: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<(StoreUri, Vec<String>)>> {
        if uri == "auto" {
            return Ok(Some((StoreUri::Auto, Vec::new())));
        }
        let (scheme, query) = match uri.split_once('?') {
            Some((scheme, query)) => (scheme, query),
            None => (uri, ""),
        };
        let mut params = HashMap::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            params.insert(key.to_owned(), percent_decode(value));
        }
        let env_dir = |name: &str, default: &str| {
            env(name)
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default.to_owned())
        };
        let daemon_socket = match scheme {
            "daemon" | "unix" | "unix://" => Some(crate::daemon::default_socket_path(env)),
            _ => scheme.strip_prefix("unix://").map(PathBuf::from),
        };
        if let Some(socket) = daemon_socket {
            let mut warnings: Vec<String> = params
                .keys()
                .filter(|k| k.as_str() != "store")
                .map(|k| format!("unknown setting '{k}'"))
                .collect();
            warnings.sort();
            let logical = match params.get("store") {
                Some(dir) => dir.clone(),
                None => store_dir
                    .map(str::to_owned)
                    .unwrap_or_else(|| env_dir("NIX_STORE_DIR", crate::DEFAULT_STORE_DIR)),
            };
            let daemon = StoreUri::Daemon {
                socket,
                store_dir: crate::canon_path(&logical),
            };
            return Ok(Some((daemon, warnings)));
        }
        if scheme != "local" && scheme != "local://" {
            return Ok(None);
        }
        let mut warnings = Vec::new();
        for key in params.keys() {
            if !KNOWN_PARAMS.contains(&key.as_str()) {
                warnings.push(format!("unknown setting '{key}'"));
            }
        }
        warnings.sort();
        let absolute = |key: &str, value: &str| -> Result<PathBuf> {
            if !value.starts_with('/') {
                return Err(Error::BadStoreUri {
                    uri: uri.to_owned(),
                    message: format!("'{key}' must be an absolute path, not '{value}'"),
                });
            }
            Ok(PathBuf::from(crate::canon_path(value)))
        };
        let root = params
            .get("root")
            .map(|r| absolute("root", r))
            .transpose()?;
        let logical = match params.get("store") {
            Some(dir) => dir.clone(),
            None => store_dir
                .map(str::to_owned)
                .unwrap_or_else(|| env_dir("NIX_STORE_DIR", crate::DEFAULT_STORE_DIR)),
        };
        let under_root = |rel: &str, default: PathBuf| match &root {
            Some(root) => root.join(rel),
            None => default,
        };
        let pick = |key: &str, default: PathBuf| -> Result<PathBuf> {
            match params.get(key) {
                Some(v) => absolute(key, v),
                None => Ok(default),
            }
        };
        let config = NixStoreConfig {
            real_dir: pick("real", under_root("nix/store", PathBuf::from(&logical)))?,
            state_dir: pick(
                "state",
                under_root(
                    "nix/var/nix",
                    PathBuf::from(env_dir("NIX_STATE_DIR", "/nix/var/nix")),
                ),
            )?,
            log_dir: pick(
                "log",
                under_root(
                    "nix/var/log/nix",
                    PathBuf::from(env_dir("NIX_LOG_DIR", "/nix/var/log/nix")),
                ),
            )?,
            store_dir: crate::canon_path(&logical),
        };
        Ok(Some((StoreUri::Nix(config), warnings)))
    }

    /// Whether this process may write the store: create objects in its directory and
    /// change its state (`access(W_OK)` on both, which knows the effective user, its groups
    /// and read-only mounts).
    pub fn writable(&self) -> bool {
        [&self.real_dir, &self.state_dir].iter().all(|dir| {
            use std::os::unix::ffi::OsStrExt;
            let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
                return false;
            };
            // SAFETY: `c` is a NUL-terminated path that outlives the call.
            unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
        })
    }

    pub(crate) fn db_dir(&self) -> PathBuf {
        self.state_dir.join("db")
    }

    pub(crate) fn gc_roots_dir(&self) -> PathBuf {
        self.state_dir.join("gcroots")
    }

    pub(crate) fn profiles_dir(&self) -> PathBuf {
        self.state_dir.join("profiles")
    }

    pub(crate) fn temp_roots_dir(&self) -> PathBuf {
        self.state_dir.join("temproots")
    }

    pub(crate) fn gc_socket_path(&self) -> PathBuf {
        self.state_dir.join("gc-socket/socket")
    }

    /// Nix's build log of `<hash>-<name>.drv`: `<log>/drvs/<first two>/<rest>`.
    pub(crate) fn log_path(&self, base: &str) -> PathBuf {
        let (first, rest) = base.split_at(2.min(base.len()));
        self.log_dir.join("drvs").join(first).join(rest)
    }

    pub(crate) fn chroots_dir(&self) -> PathBuf {
        self.state_dir.join("ntop/chroots")
    }

    /// The directories Nix creates in a new store (`LocalStore::LocalStore`), so that a
    /// store ntop creates looks like one Nix made.
    pub(crate) fn create_dirs(&self) -> Result<()> {
        for dir in [
            self.real_dir.clone(),
            self.db_dir(),
            self.gc_roots_dir(),
            self.profiles_dir(),
            self.temp_roots_dir(),
        ] {
            std::fs::create_dir_all(&dir).map_err(|e| Error::io("creating", &dir, e))?;
        }
        Ok(())
    }

    /// The per-path lock file Nix takes while it makes `<real>/<base>`.
    pub(crate) fn path_lock(&self, base: &str) -> PathBuf {
        self.real_dir.join(format!("{base}.lock"))
    }
}

/// The parameters of Nix 2.8's local store that mean something to ntop.
const KNOWN_PARAMS: &[&str] = &["root", "state", "log", "real", "store"];

/// `%XX` escapes in a URI's query value, as Nix decodes them.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests;
