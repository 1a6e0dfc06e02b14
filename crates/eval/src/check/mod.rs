//! Static analysis: what `ntop check` and the language server report without evaluating.
//!
//! A file is parsed ([`crate::syntax`]), walked once to resolve every name ([`scope`]) and
//! linted ([`lints`]). The result is an [`Analysis`]: the diagnostics and the scope [`Index`]
//! that the language server answers hover and go-to-definition from.
//!
//! **Invariant**: a file with no error-severity finding is one that evaluation parses and
//! lowers without error (the walker reports exactly lowering's errors, with the same codes and
//! spans); warnings never stop evaluation. A file with syntax errors gets only those: the tree
//! is still indexed, but lints on a broken tree would be noise.

mod globals;
mod lints;
pub mod scope;
#[cfg(test)]
mod tests;

/// The byte ranges the index is expressed in.
pub use rnix::TextRange;
pub use scope::{Binding, BindingId, BindingKind, Index, Reference, Target};

use crate::diagnostic::Diagnostic;
use crate::source::FileId;

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

/// Parses and analyses `text`, whose spans are reported in `file`.
pub fn analyse(file: FileId, text: &str) -> Analysis {
    // rnix's parser recurses once per nesting level: give it (and the walk, and dropping the
    // tree) a stack sized by the input, as evaluation does.
    const BASE: usize = 1 << 20;
    const PER_BYTE: usize = 1024;
    const MAX_INPUT: usize = 4 << 20;
    let stack = BASE + text.len().min(MAX_INPUT) * PER_BYTE;
    stacker::grow(stack, || {
        let parsed = crate::syntax::parse(file, text);
        let (index, found) = scope::walk(file, &parsed.root);
        let mut diagnostics: Vec<Diagnostic> = if parsed.errors.is_empty() {
            let mut d = found;
            d.extend(lints::lints(file, &index));
            d
        } else {
            parsed.errors.into_iter().map(Diagnostic::from).collect()
        };
        diagnostics.sort_by_key(|d| (d.span.map(|s| (s.start, s.end)), d.severity, d.code));
        Analysis { diagnostics, index }
    })
}

/// Whether `name` is a builtin or another global every file sees (`map`, `true`, `__sub`).
pub fn is_global(name: &str) -> bool {
    globals::is_global(name)
}

/// The builtin a global name stands for: `__map` and `map` both name `map`.
pub fn builtin_name(global: &str) -> &str {
    globals::builtin_name(global)
}
