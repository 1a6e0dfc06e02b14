//! Evaluation errors as data.
//!
//! An [`EvalError`] is a kind (with a stable code), the span it points at, secondary labels,
//! notes and the "while evaluating …" frames gathered as it propagated. Nothing here renders:
//! the CLI turns errors into miette reports or JSON. `throw` and failed assertions are the
//! errors `tryEval` catches; [`EvalError::is_catchable`] says which, so callers never need
//! nested `Result`s.

use std::fmt;

use crate::source::{describe_position, Span};

pub type EvalResult<T> = Result<T, EvalError>;

pub struct EvalError(Box<ErrorData>);

pub struct ErrorData {
    pub kind: ErrorKind,
    pub span: Option<Span>,
    /// Secondary locations: the definition a blackhole belongs to, the function called, ….
    pub labels: Vec<(Span, String)>,
    pub notes: Vec<String>,
    /// Innermost first.
    pub frames: Vec<Frame>,
}

#[derive(Clone, Debug)]
pub struct Frame {
    pub span: Option<Span>,
    pub message: String,
}

#[derive(Clone, Debug)]
pub enum ErrorKind {
    Throw(String),
    Abort(String),
    AssertionFailed(String),
    InfiniteRecursion,
    TypeMismatch {
        expected: &'static str,
        found: &'static str,
        value: String,
    },
    MissingAttribute {
        name: String,
        suggestions: Vec<String>,
    },
    UndefinedVariable(String),
    NotCallable {
        found: &'static str,
    },
    MissingArgument {
        function: String,
        name: String,
    },
    UnexpectedArgument {
        function: String,
        name: String,
    },
    DivisionByZero,
    IntegerOverflow,
    StackOverflow,
    /// A file could not be read, imported or found.
    Io(String),
    /// A builtin deliberately not implemented (never a silent wrong value).
    Unsupported(String),
    /// `<name>` found in no search-path entry; catchable by `tryEval`, as Nix 2.8 throws it.
    NotInSearchPath(String),
    /// Syntax errors of a file being imported or evaluated: all of them, first one primary.
    Syntax(Vec<crate::syntax::SyntaxError>),
    /// `n + x` for a number `n` and an `x` that is not one (`to` is "an integer" or "a
    /// float"); code `eval::type_mismatch`, in Nix 2.8's words.
    CannotAdd {
        found: &'static str,
        to: &'static str,
    },
    /// A builtin's argument set lacks an attribute the builtin needs (`genericClosure`'s
    /// `key`): `attribute 'key' required`, or with the builtin named, `attribute 'name'
    /// missing for call to 'derivationStrict'`. Code `eval::missing_attribute`.
    RequiredAttribute {
        name: String,
        function: Option<&'static str>,
    },
    /// A builtin called without an argument it requires; Nix 2.8 words it differently per
    /// builtin, so the wording is part of the kind. Code `eval::missing_argument`.
    RequiredArgument {
        function: String,
        name: &'static str,
        wording: ArgumentWording,
    },
    /// A builtin given an argument it does not accept (`addPath`, `fetchurl`, `fetchGit`).
    UnsupportedArgument {
        function: String,
        name: String,
    },
    /// A string whose context cannot be what the operation needs.
    BadContext(ContextProblem),
    /// `-A PATH` (or an explain/instantiate selection path) that does not select.
    AttrPath {
        path: String,
        problem: AttrPathProblem,
    },
    /// A value with no JSON form (`found` is its type phrase, or "a thunk").
    NotJson {
        found: &'static str,
    },
    /// A value that cannot become a string.
    CannotCoerce {
        found: &'static str,
    },
    /// A string that should be an absolute path and is not.
    NotAPath(String),
    /// `head`/`tail` of an empty list (`function` as Nix names it in the message).
    EmptyList {
        function: &'static str,
    },
    /// A feature Nix 2.8 keeps behind `--extra-experimental-features`.
    ExperimentalFeature {
        feature: String,
    },
    /// A downloaded or fetched file whose hash is not the one specified (hashes in Nix32
    /// with their algorithm, as printed).
    HashMismatch {
        url: String,
        expected: String,
        got: String,
    },
    /// `derivation`/`derivationStrict` refused its attributes (Nix 2.8's message).
    InvalidDerivation(String),
    /// The store refused an operation (its error's text).
    Store(String),
    /// A string holding a NUL byte where one would become a Nix string: newer Nix (2.26 and
    /// later: `forceNoNullByte`) refuses it in `fromJSON`, `fromTOML` and string literals, where
    /// Nix 2.8 silently cut the string short. `shown` is the string with each NUL as `␀`.
    NulInString {
        shown: String,
    },
    /// JSON that has no Nix value, or a string with no JSON text (newer Nix's errors).
    Json(JsonProblem),
    /// `parseFlakeRef`/`flakeRefToString` refused a flake reference (newer Nix's message).
    BadFlakeRef(String),
    /// A one-off error, with a stable code; docs/diagnostics.md lists the codes that remain
    /// `Other` (a test keeps their number below a ceiling: recurring errors get a kind).
    Other {
        code: &'static str,
        message: String,
    },
}

/// How Nix 2.8 words a missing builtin argument ([`ErrorKind::RequiredArgument`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgumentWording {
    /// `'path' required` (`addPath`).
    Required,
    /// `'url' argument required` (`fetchurl`, `fetchTarball`, `fetchGit`).
    ArgumentRequired,
    /// `attribute 'type' is missing in call to 'fetchTree'`.
    MissingInCall,
}

/// What is wrong with a string's context ([`ErrorKind::BadContext`]).
#[derive(Clone, Debug)]
pub enum ContextProblem {
    /// `appendContext` with a key that is not a store path.
    KeyNotStorePath { key: String },
    /// `allOutputs = true` for a path that is not a `.drv`.
    AllOutputsOfNonDerivation { path: String },
    /// `outputs = [ … ]` for a path that is not a `.drv`.
    OutputsOfNonDerivation { path: String },
    /// `addDrvOutputDependencies` of a string whose context is not one element.
    NotOneElement { string: String, count: usize },
    /// `addDrvOutputDependencies` of a derivation output's context.
    OutputNotDerivation { output: String, drv: String },
    /// `addDrvOutputDependencies` of a path that is not a derivation.
    NotADerivation { path: String },
}

/// What newer Nix refuses in JSON ([`ErrorKind::Json`]).
#[derive(Clone, Debug)]
pub enum JsonProblem {
    /// `fromJSON` of an integer in 2^63..2^64 (Nix 2.25 and later; Nix 2.8 wrapped it to a
    /// negative integer). Larger integers are floats, as they always were.
    IntegerOutOfRange { value: u64 },
    /// `toJSON` of a string that is not UTF-8 (Nix 2.26 and later, nlohmann/json's error 316;
    /// Nix 2.8 wrote the bytes raw): the byte at `index` of that string cannot continue it.
    InvalidUtf8 { index: usize, byte: u8 },
    /// `toJSON` of a string ending inside a UTF-8 sequence.
    IncompleteUtf8 { last: u8 },
}

/// Why a selection path does not select ([`ErrorKind::AttrPath`]).
#[derive(Clone, Debug)]
pub enum AttrPathProblem {
    NotAList {
        found: &'static str,
    },
    IndexOutOfRange {
        index: usize,
    },
    NotASet {
        found: &'static str,
    },
    /// Close names, if any, are a note of the error.
    NoSuchAttribute {
        name: String,
    },
}

impl ErrorKind {
    /// The stable, machine-readable code of the diagnostic.
    pub fn code(&self) -> &'static str {
        match self {
            ErrorKind::Throw(_) => "eval::throw",
            ErrorKind::Abort(_) => "eval::abort",
            ErrorKind::AssertionFailed(_) => "eval::assertion_failed",
            ErrorKind::InfiniteRecursion => "eval::infinite_recursion",
            ErrorKind::TypeMismatch { .. } => "eval::type_mismatch",
            ErrorKind::MissingAttribute { .. } => "eval::missing_attribute",
            ErrorKind::UndefinedVariable(_) => "eval::undefined_variable",
            ErrorKind::NotCallable { .. } => "eval::not_callable",
            ErrorKind::MissingArgument { .. } => "eval::missing_argument",
            ErrorKind::UnexpectedArgument { .. } => "eval::unexpected_argument",
            ErrorKind::DivisionByZero => "eval::division_by_zero",
            ErrorKind::IntegerOverflow => "eval::integer_overflow",
            ErrorKind::StackOverflow => "eval::stack_overflow",
            ErrorKind::Io(_) => "eval::io",
            ErrorKind::Unsupported(_) => "eval::unsupported",
            ErrorKind::NotInSearchPath(_) => "eval::search_path",
            ErrorKind::Syntax(errors) => errors.first().map_or("syntax::error", |e| e.code),
            ErrorKind::CannotAdd { .. } => "eval::type_mismatch",
            ErrorKind::RequiredAttribute { .. } => "eval::missing_attribute",
            ErrorKind::RequiredArgument { .. } => "eval::missing_argument",
            ErrorKind::UnsupportedArgument { .. } => "eval::unsupported_argument",
            ErrorKind::BadContext(_) => "eval::bad_context",
            ErrorKind::AttrPath { .. } => "cli::attr_path",
            ErrorKind::NotJson { .. } => "eval::not_json",
            ErrorKind::CannotCoerce { .. } => "eval::cannot_coerce",
            ErrorKind::NotAPath(_) => "eval::not_a_path",
            ErrorKind::EmptyList { .. } => "eval::empty_list",
            ErrorKind::ExperimentalFeature { .. } => "eval::experimental_feature",
            ErrorKind::HashMismatch { .. } => "eval::hash_mismatch",
            ErrorKind::InvalidDerivation(_) => "eval::derivation",
            ErrorKind::Store(_) => "eval::store",
            ErrorKind::NulInString { .. } => "eval::nul_in_string",
            ErrorKind::Json(JsonProblem::IntegerOutOfRange { .. }) => "eval::json_integer_range",
            ErrorKind::Json(_) => "eval::json_invalid_utf8",
            ErrorKind::BadFlakeRef(_) => "eval::flake_ref",
            ErrorKind::Other { code, .. } => code,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Throw(m) => f.write_str(m),
            ErrorKind::Abort(m) => write!(
                f,
                "evaluation aborted with the following error message: '{m}'"
            ),
            ErrorKind::AssertionFailed(cond) => write!(f, "assertion '{cond}' failed"),
            ErrorKind::InfiniteRecursion => f.write_str("infinite recursion encountered"),
            ErrorKind::TypeMismatch {
                expected,
                found,
                value,
            } => {
                if value.is_empty() {
                    write!(f, "value is {found} while {expected} was expected")
                } else {
                    write!(f, "value is {found} while {expected} was expected: {value}")
                }
            }
            ErrorKind::MissingAttribute { name, suggestions } => {
                write!(f, "attribute '{name}' missing")?;
                if !suggestions.is_empty() {
                    let list: Vec<String> = suggestions.iter().map(|s| format!("'{s}'")).collect();
                    write!(f, "; did you mean {}?", list.join(" or "))?;
                }
                Ok(())
            }
            ErrorKind::UndefinedVariable(name) => write!(f, "undefined variable '{name}'"),
            ErrorKind::NotCallable { found } => {
                write!(
                    f,
                    "attempt to call something which is not a function but {found}"
                )
            }
            ErrorKind::MissingArgument { function, name } => {
                write!(f, "{function} called without required argument '{name}'")
            }
            ErrorKind::UnexpectedArgument { function, name } => {
                // Nix prints the name as it prints attribute names: quoted when it is not an
                // identifier ('"b c"').
                let mut shown = String::new();
                crate::print::print_attr_name(&mut shown, name);
                write!(f, "{function} called with unexpected argument '{shown}'")
            }
            ErrorKind::DivisionByZero => f.write_str("division by zero"),
            ErrorKind::IntegerOverflow => f.write_str("integer overflow"),
            ErrorKind::StackOverflow => f.write_str(
                "stack overflow: evaluation nested too deeply (possible infinite recursion)",
            ),
            ErrorKind::Io(m) => f.write_str(m),
            ErrorKind::Unsupported(m) => f.write_str(m),
            ErrorKind::NotInSearchPath(wanted) => write!(
                f,
                "file '{wanted}' was not found in the Nix search path (add it using $NIX_PATH or -I)"
            ),
            ErrorKind::Syntax(errors) => match errors.first() {
                Some(e) => f.write_str(&e.message),
                None => f.write_str("syntax error"),
            },
            ErrorKind::CannotAdd { found, to } => write!(f, "cannot add {found} to {to}"),
            ErrorKind::RequiredAttribute { name, function } => match function {
                None => write!(f, "attribute '{name}' required"),
                Some(function) => {
                    write!(f, "attribute '{name}' missing for call to '{function}'")
                }
            },
            ErrorKind::RequiredArgument {
                function,
                name,
                wording,
            } => match wording {
                ArgumentWording::Required => write!(f, "'{name}' required"),
                ArgumentWording::ArgumentRequired => write!(f, "'{name}' argument required"),
                ArgumentWording::MissingInCall => {
                    write!(f, "attribute '{name}' is missing in call to '{function}'")
                }
            },
            ErrorKind::UnsupportedArgument { function, name } => {
                write!(f, "unsupported argument '{name}' to '{function}'")
            }
            ErrorKind::BadContext(problem) => match problem {
                ContextProblem::KeyNotStorePath { key } => {
                    write!(f, "Context key '{key}' is not a store path")
                }
                ContextProblem::AllOutputsOfNonDerivation { path } => write!(
                    f,
                    "Tried to add all-outputs context of {path}, which is not a derivation, to a string"
                ),
                ContextProblem::OutputsOfNonDerivation { path } => write!(
                    f,
                    "Tried to add derivation output context of {path}, which is not a derivation, to a string"
                ),
                ContextProblem::NotOneElement { string, count } => write!(
                    f,
                    "context of string '{string}' must have exactly one element, but has {count}"
                ),
                ContextProblem::OutputNotDerivation { output, drv } => write!(
                    f,
                    "`addDrvOutputDependencies` can only act on derivations, not on a derivation \
                     output such as '{output}' of '{drv}'"
                ),
                ContextProblem::NotADerivation { path } => {
                    write!(f, "path '{path}' is not a derivation")
                }
            },
            ErrorKind::AttrPath { path, problem } => match problem {
                AttrPathProblem::NotAList { found } => write!(
                    f,
                    "the expression selected by the selection path '{path}' should be a list but is {found}"
                ),
                AttrPathProblem::IndexOutOfRange { index } => write!(
                    f,
                    "list index {index} in selection path '{path}' is out of range"
                ),
                AttrPathProblem::NotASet { found } => write!(
                    f,
                    "the expression selected by the selection path '{path}' should be a set but is {found}"
                ),
                AttrPathProblem::NoSuchAttribute { name } => write!(
                    f,
                    "attribute '{name}' in selection path '{path}' not found"
                ),
            },
            ErrorKind::NotJson { found } => write!(f, "cannot convert {found} to JSON"),
            ErrorKind::CannotCoerce { found } => write!(f, "cannot coerce {found} to a string"),
            ErrorKind::NotAPath(s) => write!(f, "string '{s}' doesn't represent an absolute path"),
            ErrorKind::EmptyList { function } => {
                write!(f, "'{function}' called on an empty list")
            }
            ErrorKind::ExperimentalFeature { feature } => write!(
                f,
                "experimental Nix feature '{feature}' is disabled; use '--extra-experimental-features {feature}' to override"
            ),
            ErrorKind::HashMismatch { url, expected, got } => write!(
                f,
                "hash mismatch in file downloaded from '{url}':\n  specified: {expected}\n  got:       {got}"
            ),
            ErrorKind::InvalidDerivation(m) => f.write_str(m),
            ErrorKind::Store(m) => f.write_str(m),
            ErrorKind::NulInString { shown } => write!(
                f,
                "input string '{shown}' cannot be represented as Nix string because it contains null bytes"
            ),
            ErrorKind::Json(problem) => match problem {
                JsonProblem::IntegerOutOfRange { value } => {
                    write!(f, "unsigned json number {value} outside of Nix integer range")
                }
                JsonProblem::InvalidUtf8 { index, byte } => write!(
                    f,
                    "JSON serialization error: [json.exception.type_error.316] invalid UTF-8 byte at index {index}: 0x{byte:02X}"
                ),
                JsonProblem::IncompleteUtf8 { last } => write!(
                    f,
                    "JSON serialization error: [json.exception.type_error.316] incomplete UTF-8 string; last byte: 0x{last:02X}"
                ),
            },
            ErrorKind::BadFlakeRef(m) => f.write_str(m),
            ErrorKind::Other { message, .. } => f.write_str(message),
        }
    }
}

impl EvalError {
    pub fn new(kind: ErrorKind, span: impl Into<Option<Span>>) -> EvalError {
        EvalError(Box::new(ErrorData {
            kind,
            span: span.into(),
            labels: Vec::new(),
            notes: Vec::new(),
            frames: Vec::new(),
        }))
    }

    pub fn other(
        code: &'static str,
        message: impl Into<String>,
        span: impl Into<Option<Span>>,
    ) -> EvalError {
        EvalError::new(
            ErrorKind::Other {
                code,
                message: message.into(),
            },
            span,
        )
    }

    pub fn infinite_recursion(at: Span, definition: Option<Span>) -> EvalError {
        let mut e = EvalError::new(ErrorKind::InfiniteRecursion, at);
        if let Some(d) = definition {
            if d != at {
                e.0.labels
                    .push((d, "while evaluating this definition".into()));
            }
        }
        e
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    pub fn data(&self) -> &ErrorData {
        &self.0
    }

    pub fn span(&self) -> Option<Span> {
        self.0.span
    }

    /// Errors `builtins.tryEval` catches: `throw` and failed assertions.
    pub fn is_catchable(&self) -> bool {
        matches!(
            self.0.kind,
            ErrorKind::Throw(_) | ErrorKind::AssertionFailed(_) | ErrorKind::NotInSearchPath(_)
        )
    }

    /// Gives the error a position if it has none yet (builtins report through their caller).
    pub fn at(mut self, span: Span) -> EvalError {
        if self.0.span.is_none() {
            self.0.span = Some(span);
        }
        self
    }

    pub fn with_label(mut self, span: Span, text: impl Into<String>) -> EvalError {
        self.0.labels.push((span, text.into()));
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> EvalError {
        self.0.notes.push(note.into());
        self
    }

    /// Records a "while evaluating …" frame as the error passes outwards.
    pub fn with_frame(mut self, span: Option<Span>, message: impl Into<String>) -> EvalError {
        // Deep recursion can produce millions of frames; keep the innermost ones, which are
        // the ones that explain the failure, and a count of the rest.
        const MAX_FRAMES: usize = 1000;
        if self.0.frames.len() < MAX_FRAMES {
            self.0.frames.push(Frame {
                span,
                message: message.into(),
            });
        }
        self
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.kind)?;
        if let Some(span) = self.0.span {
            write!(f, "\n       at {}", describe_position(span))?;
        }
        Ok(())
    }
}

impl fmt::Debug for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EvalError({}: {})", self.0.kind.code(), self)
    }
}
