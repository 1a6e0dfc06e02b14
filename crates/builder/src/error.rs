//! The builder's one error type: what went wrong with which derivation, as data.

use std::fmt;
use std::path::PathBuf;

use ntop_store::{Coded, DbError, Error as StoreError};

pub type Result<T, E = BuildError> = std::result::Result<T, E>;

#[derive(Debug)]
pub enum BuildError {
    Store(StoreError),
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// The builder exited unsuccessfully (`status` is the exit code, or 128 + signal).
    BuilderFailed {
        drv: String,
        status: i32,
        /// The resource limits it ran under, in words (`limits`), if any.
        limits: Option<String>,
        /// A fixed-output derivation's builder: Nix 2.8 counts its failure as transient (a
        /// download may succeed later), not in the exit status's "build failed" mask.
        fixed_output: bool,
    },
    /// A file of an output is owned by neither the build user nor the store's owner (a hard
    /// link to someone else's file), as Nix refuses it.
    InvalidOwnership {
        path: PathBuf,
    },
    /// The builder could not be started.
    Spawn {
        drv: String,
        builder: String,
        source: std::io::Error,
    },
    /// Namespaces could not be set up.
    Sandbox {
        drv: String,
        message: String,
    },
    /// A declared output is missing after a successful build.
    MissingOutput {
        drv: String,
        output: String,
        path: String,
    },
    /// A fixed-output derivation produced other contents than declared.
    HashMismatch {
        drv: String,
        specified: String,
        got: String,
    },
    /// A flat fixed output that is not a non-executable regular file.
    BadFlatOutput {
        path: String,
    },
    /// A fixed output that refers to store paths.
    FixedOutputReferences {
        drv: String,
        references: String,
    },
    /// A derivation this builder cannot build (floating content-addressed, impure, deferred).
    Unsupported {
        drv: String,
        message: String,
    },
    /// A dependency failed, so this one was not built.
    DependencyFailed {
        drv: String,
        dependency: String,
    },
    /// A derivation the build needs was not handed to the builder.
    MissingDerivation {
        drv: String,
    },
    /// An input source of a derivation is not valid in the store.
    InvalidInput {
        drv: String,
        input: String,
    },
    /// Building without a sandbox needs the logical store directory to be the physical one.
    NoSandboxDivertedStore {
        store_dir: String,
        physical: PathBuf,
    },
    /// A signal interrupted the build (see `interrupt`).
    Interrupted,
    /// The builder ran longer than `timeout`, or (`silence`) printed nothing for
    /// `max-silent-time`, and was killed.
    TimedOut {
        /// The goal as Nix names it: `DRV!out` (its outputs, comma-separated).
        goal: String,
        seconds: u64,
        silence: bool,
    },
}

impl BuildError {
    /// A stable code for the kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            BuildError::Store(e) => e.code(),
            BuildError::Io { .. } => "build::io",
            BuildError::BuilderFailed {
                fixed_output: true, ..
            } => "build::fixed_output_failed",
            BuildError::BuilderFailed { .. } => "build::builder_failed",
            BuildError::InvalidOwnership { .. } => "build::invalid_ownership",
            BuildError::Spawn { .. } => "build::spawn",
            BuildError::Sandbox { .. } => "build::sandbox",
            BuildError::MissingOutput { .. } => "build::missing_output",
            BuildError::HashMismatch { .. } => "build::hash_mismatch",
            BuildError::BadFlatOutput { .. } => "build::bad_flat_output",
            BuildError::FixedOutputReferences { .. } => "build::fixed_output_references",
            BuildError::Unsupported { .. } => "build::unsupported",
            BuildError::DependencyFailed { .. } => "build::dependency_failed",
            BuildError::MissingDerivation { .. } => "build::missing_derivation",
            BuildError::InvalidInput { .. } => "build::invalid_input",
            BuildError::NoSandboxDivertedStore { .. } => "build::no_sandbox_diverted_store",
            BuildError::Interrupted => "build::interrupted",
            BuildError::TimedOut { .. } => "build::timed_out",
        }
    }

    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        BuildError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Store(e) => write!(f, "{e}"),
            BuildError::Io {
                action,
                path,
                source,
            } => write!(f, "{action} '{}': {source}", path.display()),
            BuildError::BuilderFailed {
                drv,
                status,
                limits,
                ..
            } => {
                write!(f, "builder for '{drv}' failed with exit code {status}")?;
                match limits {
                    Some(limits) => write!(f, " (it ran under {limits})"),
                    None => Ok(()),
                }
            }
            // Nix 2.8's words.
            BuildError::InvalidOwnership { path } => {
                write!(f, "invalid ownership on file '{}'", path.display())
            }
            BuildError::Spawn {
                drv,
                builder,
                source,
            } => write!(
                f,
                "cannot start builder '{builder}' of '{drv}': {source}"
            ),
            BuildError::Sandbox { drv, message } => write!(
                f,
                "cannot set up the build sandbox for '{drv}': {message} (namespaces unavailable? \
                 use --no-sandbox to build without isolation)"
            ),
            BuildError::MissingOutput { drv, output, path } => write!(
                f,
                "builder for '{drv}' failed to produce output path for output '{output}' at '{path}'"
            ),
            BuildError::HashMismatch {
                drv,
                specified,
                got,
            } => write!(
                f,
                "hash mismatch in fixed-output derivation '{drv}':\n  specified: {specified}\n     got:    {got}"
            ),
            BuildError::BadFlatOutput { path } => write!(
                f,
                "output path '{path}' should be a non-executable regular file since recursive \
                 hashing is not enabled (outputHashMode=flat)"
            ),
            BuildError::FixedOutputReferences { drv, references } => write!(
                f,
                "the fixed-output derivation '{drv}' must not reference store paths: {references}"
            ),
            BuildError::Unsupported { drv, message } => {
                write!(f, "cannot build '{drv}': {message}")
            }
            BuildError::DependencyFailed { drv, dependency } => write!(
                f,
                "dependency '{dependency}' of '{drv}' failed to build"
            ),
            BuildError::MissingDerivation { drv } => write!(
                f,
                "the derivation '{drv}' is needed but was not given to the builder"
            ),
            BuildError::InvalidInput { drv, input } => write!(
                f,
                "input '{input}' of '{drv}' is not valid in the store (evaluate again to \
                 register it)"
            ),
            BuildError::NoSandboxDivertedStore {
                store_dir,
                physical,
            } => write!(
                f,
                "building without a sandbox needs the store at its logical directory, but the \
                 store directory '{store_dir}' is kept in '{}' (use the sandbox, or \
                 --store-dir {0})",
                physical.display()
            ),
            // Nix 2.8's words for an interruption.
            BuildError::Interrupted => write!(f, "interrupted by the user"),
            // Nix 2.8's words, goal name included ("building of 'DRV!out' from .drv file").
            BuildError::TimedOut {
                goal,
                seconds,
                silence,
            } => write!(
                f,
                "building of '{goal}' from .drv file timed out after {seconds} seconds{}",
                if *silence { " of silence" } else { "" }
            ),
        }
    }
}

impl std::error::Error for BuildError {}

impl Coded for BuildError {
    fn code(&self) -> &'static str {
        BuildError::code(self)
    }
}

impl From<StoreError> for BuildError {
    fn from(e: StoreError) -> Self {
        BuildError::Store(e)
    }
}

impl From<DbError> for BuildError {
    fn from(e: DbError) -> Self {
        BuildError::Store(StoreError::Db(e))
    }
}
