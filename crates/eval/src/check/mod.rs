//! Static analysis: what `ntop check` and the language server report without evaluating.
//!
//! A file is parsed by our parser and run through lowering — the one semantic pass — with the
//! name resolver recording every binding and reference into an [`Index`]; the index is linted
//! ([`lints`]). The result is an [`Analysis`]: the diagnostics and the index that the language
//! server answers hover and go-to-definition from. A file that does not parse gets rnix's
//! syntax errors, and its index from rnix's error-tolerant tree ([`rowan`]), lowered the same
//! way.
//!
//! **Invariant**: a file with no error-severity finding is one that evaluation parses and
//! lowers without error (the same pass reports the same errors, with the same codes and
//! spans); warnings never stop evaluation. A file with syntax errors gets only those: the tree
//! is still indexed, but lints on a broken tree would be noise.

mod globals;
pub mod index;
mod lints;
mod rowan;
#[cfg(test)]
pub(crate) mod tests;

use std::collections::HashMap;
use std::path::Path;

pub use index::{
    Binding, BindingId, BindingKind, Frame, FrameKind, Index, PathLiteral, Reference, Target,
    TextRange,
};

use crate::diagnostic::Diagnostic;
use crate::lower::LowerContext;
use crate::source::FileId;
use crate::symbol::Symbol;
use crate::value::Value;

pub struct Analysis {
    /// Every finding, in source order.
    pub diagnostics: Vec<Diagnostic>,
    pub index: Index,
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

thread_local! {
    /// The globals as lowering sees them, by name only (no machine is needed to check).
    static GLOBALS: HashMap<Symbol, Value> = globals::names()
        .iter()
        .map(|n| (Symbol::new(n), Value::Null))
        .collect();
}

/// Parses and analyses `text`, whose spans are reported in `file`.
pub fn analyse(file: FileId, text: &str) -> Analysis {
    GLOBALS.with(|globals| {
        let ctx = LowerContext {
            file,
            // Paths are not read: any directory will do, and `~` needs no real home.
            base_dir: Path::new("/"),
            home: Some(Path::new("/")),
            globals,
            outer_frame: None,
        };
        let analysis = match crate::parse::parse_fast(text) {
            Ok(ast) => {
                let (index, mut diagnostics) = crate::lower::analyse(&ctx, text, &ast);
                diagnostics.extend(lints::lints(file, &index));
                Analysis { diagnostics, index }
            }
            Err(failure) if failure.depth > crate::parse::MAX_RNIX_DEPTH => Analysis {
                diagnostics: crate::parse::describe_failure(file, text, failure)
                    .into_iter()
                    .map(Diagnostic::from)
                    .collect(),
                index: Index::default(),
            },
            Err(failure) => {
                let (errors, index) = crate::syntax::with_parsed(file, text, |parsed| {
                    let ast = rowan::convert(&parsed.root);
                    let (index, _) = crate::lower::analyse(&ctx, text, &ast);
                    (parsed.errors.clone(), index)
                });
                let errors = if errors.is_empty() {
                    crate::parse::describe_failure(file, text, failure)
                } else {
                    errors
                };
                Analysis {
                    diagnostics: errors.into_iter().map(Diagnostic::from).collect(),
                    index,
                }
            }
        };
        sorted(analysis)
    })
}

fn sorted(mut a: Analysis) -> Analysis {
    a.diagnostics
        .sort_by_key(|d| (d.span.map(|s| (s.start, s.end)), d.severity, d.code));
    a
}

/// Whether `name` is a builtin or another global every file sees (`map`, `true`, `__sub`).
pub fn is_global(name: &str) -> bool {
    globals::is_global(name)
}

/// The builtin a global name stands for: `__map` and `map` both name `map`.
pub fn builtin_name(global: &str) -> &str {
    globals::builtin_name(global)
}
