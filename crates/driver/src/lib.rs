//! The driver: one session between the Nix language (`ntop-eval`), the store (`ntop-store`)
//! and the builder (`ntop-builder`), as Tvix's glue crate sits between its evaluator and
//! store. It instantiates, evaluates, explains and builds, and returns data: printed values,
//! [`DrvOutput`]s, reports, [`Diagnostic`](ntop_eval::diagnostic::Diagnostic)s. It prints
//! nothing: traces, warnings and notes go to the session's [`Observer`] as they happen,
//! build progress to a [`BuildObserver`].
//!
//! **An API boundary**, and **the only crate that knows both the evaluator and the store**
//! (`tests/invariants.rs` checks it): the CLI sees sessions, requests and reports, never
//! store paths or derivations.
//!
//! The modules, one concept each:
//!
//! * `session`: [`Session`] (the store, the evaluator over it, what it wrote; the
//!   garbage-collector lock) and its [`SessionOptions`];
//! * `instantiate`, `attr_path`, `modules`, `output`: requests — inputs, `-A` paths and
//!   auto-calling, NixOS-style modules (`nix/eval-module.nix`), printed values and the
//!   derivation outputs values denote;
//! * `explain`: `ntop explain` (`nix/explain.nix`);
//! * `realise`: building in-process and linking results;
//! * `run`: `ntop run`/`ntop shell`, a command with the store at its logical directory;
//! * `maintenance`: `store gc|verify`, `path-info`, `log`, `show-derivation`;
//! * `store_access`, `fetch`: the evaluator's store and file system, and the fetchers;
//! * `settings`: Nix's settings, their table and their sources (`nix.conf`, `NIX_CONFIG`,
//!   the command line);
//! * `bundle`: the embedded `bundle/` (lib, mini-NixOS, package set);
//! * `error`: the one [`Error`].

mod attr_path;
mod bundle;
mod error;
mod explain;
mod fetch;
mod instantiate;
mod maintenance;
mod modules;
mod output;
mod realise;
mod run;
mod session;
pub mod settings;
mod store_access;

pub use error::{Error, Result};
pub use instantiate::{AutoArg, DrvOutput, Input, InstantiateMode, Request, ValueFormat};
pub use maintenance::{GcSummary, PathInfoReport, StoreHandle, VerifySummary};
/// The build users' pool of root's builds (`auto-allocate-uids`, `start-id`, `id-count`).
pub use ntop_builder::UserPool;
/// Interruption (SIGINT, SIGTERM, SIGHUP): kills the running builders, and a running build
/// then fails with `build::interrupted` (`ntop_builder`'s `interrupt` module).
pub use ntop_builder::{building, interrupt, interrupted};
/// What the store reports on the way to validity ([`SessionOptions::store_events`]).
pub use ntop_store::StoreEvent;
pub use realise::{BuildEvent, BuildObserver, BuildOptions, BuildReport, BuildTarget, BuiltOutput};
pub use run::RelocatedStore;
pub use session::{Access, Environment, Observer, Session, SessionOptions, Silent, StoreEvents};
pub use settings::Settings;
