//! The driver's one error type: whatever stopped a command, from whichever layer.

use std::fmt;

use ntop_builder::BuildError;
use ntop_eval::diagnostic::{Diagnostic, Severity};
use ntop_eval::EvalError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

pub enum Error {
    /// Evaluation failed (a syntax error of an input included).
    Eval(EvalError),
    /// The store refused an operation.
    Store(ntop_store::Error),
    /// A build session could not run (not a failed derivation: those are in the report).
    Build(BuildError),
    /// A request the driver cannot carry out (an input it cannot read, a path that is not a
    /// store path), with a stable code.
    Request { code: &'static str, message: String },
}

impl Error {
    pub(crate) fn request(code: &'static str, message: impl Into<String>) -> Error {
        Error::Request {
            code,
            message: message.into(),
        }
    }

    /// The diagnostics that report the error (one, except for evaluation errors that carry
    /// more).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            Error::Eval(e) => Diagnostic::from_eval_error(e),
            Error::Store(e) => vec![Diagnostic::from(e)],
            Error::Build(e) => vec![Diagnostic::from(e)],
            Error::Request { code, message } => {
                vec![Diagnostic::new(
                    code,
                    Severity::Error,
                    message.clone(),
                    None,
                )]
            }
        }
    }

    /// The evaluation error, for renderers with a layout of their own for it (the
    /// `nix-instantiate` personality prints Nix's).
    pub fn as_eval_error(&self) -> Option<&EvalError> {
        match self {
            Error::Eval(e) => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Eval(e) => write!(f, "{e}"),
            Error::Store(e) => write!(f, "{e}"),
            Error::Build(e) => write!(f, "{e}"),
            Error::Request { message, .. } => f.write_str(message),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "driver::Error({self})")
    }
}

impl From<EvalError> for Error {
    fn from(e: EvalError) -> Error {
        Error::Eval(e)
    }
}

impl From<ntop_store::Error> for Error {
    fn from(e: ntop_store::Error) -> Error {
        Error::Store(e)
    }
}

impl From<BuildError> for Error {
    fn from(e: BuildError) -> Error {
        Error::Build(e)
    }
}

impl From<ntop_store::DbError> for Error {
    fn from(e: ntop_store::DbError) -> Error {
        Error::Store(e.into())
    }
}
