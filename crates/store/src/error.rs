//! The store layer's one error type.
//!
//! Errors are data: each variant carries what went wrong and the input it concerns, and
//! [`Error::code`] gives a stable machine-readable code. The [`Display`](fmt::Display) text
//! follows Nix 2.8's wording where Nix has a message for the same failure, so that ntop's
//! diagnostics read like the reference implementation's.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::hash::HashAlgo;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug)]
pub enum Error {
    /// A hash algorithm name other than `md5`, `sha1`, `sha256`, `sha512`.
    UnknownHashAlgo { name: String },
    /// The hash text has a length that fits no encoding of the algorithm.
    HashWrongLength {
        input: String,
        algo: HashAlgo,
        expected: Vec<usize>,
    },
    /// The hash text has the length of an encoding but is not valid in it.
    InvalidHashEncoding {
        encoding: &'static str,
        input: String,
    },
    /// A byte that is not a base-64 digit.
    InvalidBase64Char { input: String, character: char },
    /// Neither the text nor the caller says which algorithm the hash is for.
    HashWithoutAlgo { input: String },
    /// A hash that must carry an `algo:` or `algo-` prefix has none.
    HashNotPrefixed { input: String },
    /// The prefix names an algorithm other than the one the context requires.
    HashAlgoMismatch { input: String, expected: HashAlgo },
    /// Text that should be an SRI hash (`algo-base64`) is not.
    NotSri { input: String },
    /// An empty `outputHash` without `outputHashAlgo`.
    EmptyHashWithoutAlgo,
    /// A store path base name or name that Nix would reject.
    BadStorePath {
        path: String,
        problem: StorePathProblem,
    },
    /// A store directory that is not an absolute path (or is `/`).
    BadStoreDir { dir: String },
    /// An absolute path that is not directly inside the store directory.
    NotInStore { path: String, store_dir: String },
    /// References were given for a fixed-output path that cannot record them (anything but
    /// recursive SHA-256).
    FixedOutputReferences { name: String },
    /// A `.drv` file that does not follow the ATerm grammar.
    DrvSyntax { offset: usize, expected: String },
    /// A `.drv` file that parses but has contents Nix would reject.
    BadDerivation { message: String },
    /// A NAR that does not follow the archive grammar.
    NarFormat { message: String },
    /// A file that is neither regular, a directory nor a symlink.
    UnsupportedFileType { path: PathBuf },
    /// An operation that writes was asked of a read-only (dry-run) store.
    ReadOnly { operation: &'static str },
    /// A store URI (`local?root=…`) that cannot be used.
    BadStoreUri { uri: String, message: String },
    /// The Nix daemon refused an operation, broke the protocol, or cannot be reached;
    /// `message` is the daemon's own when it sent one.
    Daemon { message: String },
    /// An operation the store in use does not offer (the daemon has no `ntop store gc`).
    Unsupported { operation: String, store: String },
    /// The store database failed.
    Db(crate::db::DbError),
    /// An input/output error, with what was being done and to which path.
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
}

/// What is wrong with a store path; the wording is Nix 2.8's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorePathProblem {
    TooShort,
    IllegalHashChar(char),
    MissingDash,
    EmptyName,
    NameTooLong,
    IllegalNameChar(char),
}

impl Error {
    /// A stable code for the kind of error, for tools and tests.
    pub fn code(&self) -> &'static str {
        match self {
            Error::UnknownHashAlgo { .. } => "store::unknown_hash_algo",
            Error::HashWrongLength { .. } => "store::hash_wrong_length",
            Error::InvalidHashEncoding { .. } => "store::invalid_hash_encoding",
            Error::InvalidBase64Char { .. } => "store::invalid_base64_char",
            Error::HashWithoutAlgo { .. } => "store::hash_without_algo",
            Error::HashNotPrefixed { .. } => "store::hash_not_prefixed",
            Error::HashAlgoMismatch { .. } => "store::hash_algo_mismatch",
            Error::NotSri { .. } => "store::not_sri",
            Error::EmptyHashWithoutAlgo => "store::empty_hash_without_algo",
            Error::BadStorePath { .. } => "store::bad_store_path",
            Error::BadStoreDir { .. } => "store::bad_store_dir",
            Error::NotInStore { .. } => "store::not_in_store",
            Error::FixedOutputReferences { .. } => "store::fixed_output_references",
            Error::DrvSyntax { .. } => "store::drv_syntax",
            Error::BadDerivation { .. } => "store::bad_derivation",
            Error::NarFormat { .. } => "store::nar_format",
            Error::UnsupportedFileType { .. } => "store::unsupported_file_type",
            Error::ReadOnly { .. } => "store::read_only",
            Error::BadStoreUri { .. } => "store::bad_store_uri",
            Error::Daemon { .. } => "store::daemon",
            Error::Unsupported { .. } => "store::unsupported",
            Error::Db(e) => e.code(),
            Error::Io { .. } => "store::io",
        }
    }

    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::UnknownHashAlgo { name } => write!(f, "unknown hash algorithm '{name}'"),
            Error::HashWrongLength { input, algo, expected } => {
                write!(f, "hash '{input}' has wrong length for hash type '{algo}'")?;
                let lengths: Vec<String> = expected.iter().map(|n| n.to_string()).collect();
                write!(f, " (expected {} characters)", lengths.join(", "))
            }
            Error::InvalidHashEncoding { encoding, input } => {
                write!(f, "invalid {encoding} hash '{input}'")
            }
            Error::InvalidBase64Char { input, character } => {
                write!(f, "invalid character in Base64 string: '{character}' (in '{input}')")
            }
            Error::HashWithoutAlgo { input } => write!(
                f,
                "hash '{input}' does not include a type, nor is the type otherwise known from context"
            ),
            Error::HashNotPrefixed { input } => write!(f, "hash '{input}' does not include a type"),
            Error::HashAlgoMismatch { input, expected } => {
                write!(f, "hash '{input}' should have type '{expected}'")
            }
            Error::NotSri { input } => write!(f, "hash '{input}' is not SRI"),
            Error::EmptyHashWithoutAlgo => f.write_str("empty hash requires explicit hash type"),
            Error::BadStorePath { path, problem } => match problem {
                StorePathProblem::TooShort => {
                    write!(f, "'{path}' is too short to be a valid store path")
                }
                StorePathProblem::IllegalHashChar(c) => {
                    write!(f, "store path '{path}' contains illegal base-32 character '{c}'")
                }
                StorePathProblem::MissingDash => {
                    write!(f, "store path '{path}' lacks the '-' after its hash part")
                }
                StorePathProblem::EmptyName => write!(f, "store path '{path}' has an empty name"),
                StorePathProblem::NameTooLong => {
                    write!(f, "store path '{path}' has a name longer than 211 characters")
                }
                StorePathProblem::IllegalNameChar(c) => {
                    write!(f, "store path '{path}' contains illegal character '{c}'")
                }
            },
            Error::BadStoreDir { dir } => {
                write!(f, "store directory '{dir}' is not an absolute path below '/'")
            }
            Error::NotInStore { path, store_dir } => {
                write!(f, "path '{path}' is not in the Nix store ('{store_dir}')")
            }
            Error::FixedOutputReferences { name } => write!(
                f,
                "fixed-output path '{name}' cannot have references unless it is recursive SHA-256"
            ),
            Error::DrvSyntax { offset, expected } => {
                write!(f, "malformed derivation: expected {expected} at byte {offset}")
            }
            Error::BadDerivation { message } => f.write_str(message),
            Error::NarFormat { message } => write!(f, "bad archive: {message}"),
            Error::UnsupportedFileType { path } => {
                write!(f, "file '{}' has an unsupported type", path.display())
            }
            Error::ReadOnly { operation } => {
                write!(f, "cannot {operation}: the store is opened read-only")
            }
            Error::BadStoreUri { uri, message } => write!(f, "store '{uri}': {message}"),
            Error::Daemon { message } => write!(f, "{message}"),
            Error::Unsupported { operation, store } => {
                write!(f, "{operation} is not supported on {store}")
            }
            Error::Db(e) => write!(f, "{e}"),
            Error::Io { action, path, source } => {
                write!(f, "{action} '{}': {source}", path.display())
            }
        }
    }
}

impl From<crate::db::DbError> for Error {
    fn from(e: crate::db::DbError) -> Error {
        Error::Db(e)
    }
}

/// An error every layer can report as a diagnostic: a message ([`Display`](fmt::Display)), a
/// stable code, and notes beyond the message. The store's and the builder's errors implement
/// it, and the evaluator's diagnostic model converts anything that does (`Diagnostic::from`).
pub trait Coded: fmt::Display {
    /// The stable, machine-readable code (`layer::snake_case`).
    fn code(&self) -> &'static str;
    /// Further facts, one line each.
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
}

impl Coded for Error {
    fn code(&self) -> &'static str {
        Error::code(self)
    }
}

impl Coded for crate::db::DbError {
    fn code(&self) -> &'static str {
        crate::db::DbError::code(self)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Db(e) => Some(e),
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
