//! The one diagnostic model: what `ntop check`, the evaluator's errors and the language server
//! all report, as plain data.
//!
//! A [`Diagnostic`] has a stable code (`syntax::…`, `eval::…`, `check::…`, `store::…`,
//! `build::…`, `driver::…`, `cli::…`), a
//! severity, a message, a primary span with an optional label, secondary labels, notes and a
//! help line. Nothing here renders: the CLI turns diagnostics into miette reports or JSON, the
//! language server into LSP `Diagnostic`s. Every code is listed in `docs/diagnostics.md`.

use crate::error::{ErrorKind, EvalError, Frame};
use crate::source::Span;
use crate::syntax::SyntaxError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The file cannot be evaluated (or evaluation failed).
    Error,
    /// The file evaluates, but something in it is probably a mistake.
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A secondary location with what it shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// A stable, machine-readable code.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Where it is; `None` for problems without a place (a file that cannot be read).
    pub span: Option<Span>,
    /// What to say at the primary span (renderers default to "here").
    pub label: Option<String>,
    pub labels: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    /// The "while evaluating …" frames of an evaluation error, innermost first.
    pub trace: Vec<Frame>,
}

impl Diagnostic {
    pub fn new(
        code: &'static str,
        severity: Severity,
        message: impl Into<String>,
        span: impl Into<Option<Span>>,
    ) -> Diagnostic {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            span: span.into(),
            label: None,
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
            trace: Vec::new(),
        }
    }

    pub fn error(code: &'static str, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic::new(code, Severity::Error, message, span)
    }

    pub fn warning(code: &'static str, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic::new(code, Severity::Warning, message, span)
    }

    pub fn with_label(mut self, text: impl Into<String>) -> Diagnostic {
        self.label = Some(text.into());
        self
    }

    pub fn with_secondary(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: text.into(),
        });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The diagnostics of an evaluation error: for a file that does not parse, its first
    /// syntax error (the parser's recovery makes the later ones mostly echoes of it; `ntop
    /// check` lists them all), otherwise the error with its labels, notes and frames.
    pub fn from_eval_error(e: &EvalError) -> Vec<Diagnostic> {
        let data = e.data();
        if let ErrorKind::Syntax(errors) = &data.kind {
            let Some(first) = errors.first() else {
                return Vec::new();
            };
            let mut d = Diagnostic::from(first);
            d.trace = data.frames.clone();
            if errors.len() > 1 {
                d.notes.push(format!(
                    "{} more syntax error(s) after this one, often caused by it: `ntop check` lists them all",
                    errors.len() - 1
                ));
            }
            return vec![d];
        }
        vec![Diagnostic {
            code: data.kind.code(),
            severity: Severity::Error,
            message: data.kind.to_string(),
            span: data.span,
            label: None,
            labels: data
                .labels
                .iter()
                .map(|(span, message)| Label {
                    span: *span,
                    message: message.clone(),
                })
                .collect(),
            notes: data.notes.clone(),
            help: None,
            trace: data.frames.clone(),
        }]
    }
}

/// The store's and the builder's errors (anything [`ntop_store::Coded`]): their code, their
/// message, their notes; they have no place in a Nix file.
impl<E: ntop_store::Coded + ?Sized> From<&E> for Diagnostic {
    fn from(e: &E) -> Diagnostic {
        let mut d = Diagnostic::new(e.code(), Severity::Error, e.to_string(), None);
        d.notes = e.notes();
        d
    }
}

impl From<&SyntaxError> for Diagnostic {
    fn from(e: &SyntaxError) -> Diagnostic {
        Diagnostic::error(e.code, e.message.clone(), e.span)
    }
}

impl From<SyntaxError> for Diagnostic {
    fn from(e: SyntaxError) -> Diagnostic {
        Diagnostic::error(e.code, e.message, e.span)
    }
}
