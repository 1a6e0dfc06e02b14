//! Store paths, hashes, NAR serialisation and derivations, byte-compatible with Nix 2.8.
//!
//! This crate is everything about the Nix store that does not need the Nix language: the
//! evaluator calls it to name and write store objects (`builtins.toFile`, path imports,
//! `derivation`), and the builder will call it to read derivations and install outputs.
//! **Architecture invariant:** it knows nothing of the evaluator; where the evaluator must
//! take part (a `builtins.path` filter, the hash of an input derivation it instantiated) it
//! passes a callback or fills a cache.
//!
//! The modules, one concept each:
//!
//! * `nix32`, `hash`: Nix's base-32, hashes in all their printed forms and parsing them back.
//! * `store_path`: [`StorePath`], the logical [`StoreDir`], and the fingerprints store paths
//!   are computed from (`text`, `source`, `output:<id>`, fixed outputs).
//! * `nar`: the archive format, dumped from the file system (with a filter) and restored.
//! * `derivation`, `aterm`, `show_derivation`: [`Derivation`], its `.drv` text, its hash
//!   modulo, the output paths `derivationStrict` fills in, and its `nix show-derivation` JSON.
//! * `local_store`, `canonicalise`: a store on disk — its layout, atomic writes, durable
//!   registration of what it writes — and the metadata normalisation of store objects.
//! * `db`: the SQLite database of valid paths and their references.
//! * `nixdb`: a store shared with Nix 2.8 — Nix's layout, its own database (schema 10), its
//!   locks and its roots.
//! * `gc`, `locks`: garbage-collector roots, collection, verification, closures; the
//!   `flock`s between processes.
//! * `disk`: the one `remove_tree` and the one `sync_filesystem`.
//! * `error`: the one error type, [`Error`], with Nix's wording and stable codes, and the
//!   [`Coded`] trait through which every layer's errors become diagnostics.
//!
//! **Architecture invariant:** no code outside this crate knows the on-disk layout of a store
//! (`crates/driver/tests/invariants.rs` checks it); the builder and the driver ask a
//! [`LocalStore`] for the paths they need.
//!
//! Only what callers need is re-exported here; `nar` and `nix32` are public modules because
//! their free functions read best qualified (`nar::dump_path`, `nix32::encode`).

mod aterm;
mod canonicalise;
pub mod daemon;
mod db;
mod derivation;
mod disk;
mod error;
mod gc;
mod hash;
mod local_store;
mod locks;
pub mod nar;
pub mod nix32;
mod nixdb;
mod show_derivation;
mod store_path;
#[cfg(test)]
mod test_support;

pub use canonicalise::{canonicalise_metadata, STORE_MTIME};
pub use db::{Database, DbError, DbResult, PathInfo, DB_SCHEMA_VERSION};
pub use derivation::{
    downstream_placeholder, finish_derivation, hash_derivation_modulo, hash_placeholder,
    Derivation, DerivationOutput, DrvHash, DrvHashCache, DrvHashKind,
};
pub use disk::{remove_tree, sync_filesystem, sync_path};
pub use error::{Coded, Error, Result, StorePathProblem};
pub use gc::{add_indirect_root, closure, collect_garbage, verify_store, GcReport, VerifyProblem};
pub use hash::{Hash, HashAlgo, HashEncoding, Hasher};
pub use local_store::{compute_store_path_for_path, LocalStore, StoreEvent, StoreMode};
pub use locks::{FileLock, LockKind};
pub use nar::FileKind;
pub use nixdb::{NixStoreConfig, StoreUri, NIX_SCHEMA_VERSION};
pub use show_derivation::show_derivations;
pub use store_path::{
    canon_path, canon_path_buf, check_name, output_path_name, IngestionMethod, StoreDir, StorePath,
    DEFAULT_STORE_DIR, HASH_PART_LEN, MAX_NAME_LEN,
};
