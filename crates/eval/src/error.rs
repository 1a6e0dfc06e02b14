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
    /// Syntax errors of a file being imported or evaluated: all of them, first one primary.
    Syntax(Vec<crate::syntax::SyntaxError>),
    /// Everything else, with a stable code.
    Other {
        code: &'static str,
        message: String,
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
            ErrorKind::Syntax(errors) => errors.first().map_or("syntax::error", |e| e.code),
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
                write!(f, "{function} called with unexpected argument '{name}'")
            }
            ErrorKind::DivisionByZero => f.write_str("division by zero"),
            ErrorKind::IntegerOverflow => f.write_str("integer overflow"),
            ErrorKind::StackOverflow => f.write_str(
                "stack overflow: evaluation nested too deeply (possible infinite recursion)",
            ),
            ErrorKind::Io(m) => f.write_str(m),
            ErrorKind::Unsupported(m) => f.write_str(m),
            ErrorKind::Syntax(errors) => match errors.first() {
                Some(e) => f.write_str(&e.message),
                None => f.write_str("syntax error"),
            },
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
            ErrorKind::Throw(_) | ErrorKind::AssertionFailed(_)
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
