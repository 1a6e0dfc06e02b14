//! Our parser: source text to the compact syntax tree ([`ast`]) that lowering turns into IR.
//!
//! A `logos` lexer and a recursive-descent parser of Nix 2.8's grammar, several times faster
//! than building rnix's lossless tree. It stops at the first syntax error; the errors reported
//! then are those of rnix's error-tolerant parse (`crate::syntax`), which map to the positions
//! and messages Nix gives — so a file that does not parse is described exactly as before, and
//! the fast path carries no error recovery. Nesting costs stack only: deep inputs grow the
//! stack on demand, so parsing is linear in nesting depth.

pub mod ast;
mod lexer;
mod parser;

pub use ast::Ast;
pub use parser::Failure;

use crate::source::{FileId, Span};
use crate::syntax::SyntaxError;

/// Parses `text` with our parser only: the tree, or where the first syntax error is.
pub fn parse_fast(text: &str) -> Result<Ast, Failure> {
    parser::parse(text)
}

/// Parses `text`; on a syntax error, the errors to report (with positions in `file`).
pub fn parse(file: FileId, text: &str) -> Result<Ast, Vec<SyntaxError>> {
    parse_fast(text).map_err(|f| describe_failure(file, text, f))
}

/// rnix's parser takes time quadratic in nesting depth: a text nested deeper than this is
/// described by our parser alone (its first error is where Nix's would be too).
pub const MAX_RNIX_DEPTH: u32 = 4096;

/// The errors to report for a text our parser rejected: rnix's, mapped to Nix's positions and
/// messages; ours when rnix (whose grammar is a little looser) accepts the text, or when the
/// text is too deeply nested for rnix to parse in reasonable time.
pub fn describe_failure(file: FileId, text: &str, failure: Failure) -> Vec<SyntaxError> {
    if failure.depth <= MAX_RNIX_DEPTH {
        let errors = crate::syntax::with_parsed(file, text, |p| p.errors.clone());
        if !errors.is_empty() {
            return errors;
        }
    }
    vec![SyntaxError::new(
        Span::new(file, failure.start, failure.end),
        failure.code,
        failure.message,
    )]
}
