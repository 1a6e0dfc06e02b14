//! Store paths, hashes, NAR serialisation and derivations, byte-compatible with Nix.

mod aterm;
pub mod canonicalise;
pub mod derivation;
mod error;
pub mod hash;
pub mod local_store;
pub mod nar;
pub mod nix32;
pub mod show_derivation;
pub mod store_path;
#[cfg(test)]
mod test_support;

pub use derivation::{Derivation, DerivationOutput, DrvHash, DrvHashCache, DrvHashKind};
pub use error::{Error, Result, StorePathProblem};
pub use hash::{Hash, HashAlgo, HashEncoding, Hasher};
pub use store_path::{IngestionMethod, StoreDir, StorePath};
