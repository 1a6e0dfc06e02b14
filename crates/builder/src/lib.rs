//! Realising derivations: the outputs of the derivations it is given, built into the local
//! store.
//!
//! **Architecture invariants:** this crate consumes [`Derivation`]s handed to it in memory
//! (it never parses Nix, nor reads `.drv` files back); it knows no store layout beyond what
//! [`LocalStore`](ntop_store::LocalStore) tells it (object, log and sandbox paths, locks); it
//! does not print — progress and build logs go to an [`Observer`], and only the CLI renders
//! them.
//!
//! The modules, one concept each:
//!
//! * `scheduler`: the derivation graph (the `inputDrvs` closure), built in dependency order,
//!   independent derivations in parallel, outputs already valid skipped.
//! * `builder`: one build — build directory, log capture, running the builder process.
//! * `env`: the builder's environment, `passAsFile` and structured attributes, as Nix 2.8.
//! * `fds`: the descriptors a builder inherits (0–2 only).
//! * `interrupt`: a signal kills every running builder's process group.
//! * `stale`: what builds of dead processes left behind, found and removed.
//! * `sandbox`: Linux namespaces and the build's file system (`docs/builder.md`).
//! * `userpool`: build users for root's builds — a slot of ids per build, as Nix's
//!   `auto-allocate-uids`.
//! * `limits`: per-build memory and process limits.
//! * `outputs`: checking, normalising, hashing, reference scanning and registering outputs.
//! * `refs`: the reference scanner.
//! * `store_view`: a command run with a relocated store mounted at its logical directory
//!   (`ntop run`, `ntop shell`).

mod builder;
mod builtins;
mod env;
mod error;
mod fds;
mod interrupt;
mod limits;
mod outputs;
mod refs;
mod sandbox;
mod scheduler;
mod stale;
mod store_view;
mod userpool;

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use error::{BuildError, Result};
pub use interrupt::{building, interrupt, interrupted};
pub use refs::scan_references;
pub use scheduler::build;
pub use stale::clean_stale;
pub use store_view::{prepare as prepare_store_view, StoreView, StoreViewPlan};
pub use userpool::{UserPool, INSIDE_GID, INSIDE_UID, LOCK_DIR as USER_POOL_LOCK_DIR, SLOT_SIZE};

use ntop_store::{Derivation, StorePath};

/// How to build.
#[derive(Clone, Debug)]
pub struct BuildConfig {
    /// At most this many builders at once (`-j`).
    pub jobs: usize,
    /// `NIX_BUILD_CORES` given to each builder.
    pub cores: usize,
    /// Keep the build directory (and scratch outputs) of failed builds.
    pub keep_failed: bool,
    /// After a failure, go on building everything that does not depend on it.
    pub keep_going: bool,
    /// Run builders in namespaces (see `docs/builder.md`); without it the logical store
    /// directory must be the physical one.
    pub sandbox: bool,
    /// Where build directories are made (`$TMPDIR`, else `/tmp`).
    pub tmp_dir: PathBuf,
    /// Kill a builder that runs longer than this (Nix's `timeout`).
    pub timeout: Option<std::time::Duration>,
    /// Kill a builder that prints nothing for this long (Nix's `max-silent-time`).
    pub max_silent_time: Option<std::time::Duration>,
    /// When ntop runs as root, each build runs as a build user of its own from this pool
    /// (`auto-allocate-uids`, `start-id`, `id-count`); none: as root (the behaviour before
    /// build users). Ignored when not root.
    pub user_pool: Option<UserPool>,
    /// At most this many bytes of memory per build (`build-memory-limit`; see `limits`).
    pub memory_limit: Option<u64>,
    /// At most this many processes per build (`build-max-processes`; see `limits`).
    pub max_processes: Option<u64>,
}

impl Default for BuildConfig {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        BuildConfig {
            jobs: cores,
            cores,
            keep_failed: false,
            keep_going: false,
            sandbox: true,
            tmp_dir: std::env::var_os("TMPDIR")
                .filter(|v| !v.is_empty())
                .map_or_else(|| PathBuf::from("/tmp"), PathBuf::from),
            timeout: None,
            max_silent_time: None,
            user_pool: Some(UserPool::default()),
            memory_limit: None,
            max_processes: None,
        }
    }
}

/// What happens during a build session, for progress display and logs.
pub enum Event<'a> {
    /// The graph is known: how many derivations will be built.
    Planned {
        to_build: usize,
    },
    Started {
        drv: &'a StorePath,
    },
    /// One line of a builder's output (without the newline).
    Log {
        drv: &'a StorePath,
        line: &'a [u8],
    },
    /// Another process built it while we waited for its lock.
    Substituted {
        drv: &'a StorePath,
    },
    Succeeded {
        drv: &'a StorePath,
    },
    Failed {
        drv: &'a StorePath,
        failure: &'a Failure,
    },
}

/// Receives [`Event`]s, from several threads at once.
pub trait Observer: Sync {
    fn event(&self, event: Event<'_>);
}

/// An observer that ignores everything.
pub struct Quiet;

impl Observer for Quiet {
    fn event(&self, _: Event<'_>) {}
}

/// A failed derivation: the error, the last lines of its log, and where the log is.
#[derive(Debug)]
pub struct Failure {
    pub drv: StorePath,
    pub error: BuildError,
    pub log_tail: Vec<String>,
    pub log_file: Option<PathBuf>,
}

/// The result of [`build`]: the outputs of every requested derivation that could be realised,
/// and every failure.
#[derive(Debug, Default)]
pub struct BuildOutcome {
    pub outputs: BTreeMap<StorePath, BTreeMap<String, StorePath>>,
    pub failures: Vec<Failure>,
    /// How many derivations were actually built (not found valid).
    pub built: usize,
}

/// The output paths a derivation declares, by output name.
pub fn output_paths(
    store_dir: &ntop_store::StoreDir,
    drv_path: &StorePath,
    drv: &Derivation,
) -> Result<BTreeMap<String, StorePath>> {
    let mut out = BTreeMap::new();
    for (name, output) in &drv.outputs {
        match output.path(store_dir, &drv.name, name)? {
            Some(p) => {
                out.insert(name.clone(), p);
            }
            None => {
                return Err(BuildError::Unsupported {
                    drv: store_dir.print(drv_path),
                    message: format!(
                        "output '{name}' has no path before building (floating \
                         content-addressed, impure and deferred outputs are not supported)"
                    ),
                })
            }
        }
    }
    Ok(out)
}
