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

/// rnix's parser takes time quadratic in nesting depth (rowan's node cache rehashes every
/// cached node's whole subtree when its table grows): a text nested deeper than this — in
/// brackets, or in a chain such as `"a" + "a" + …` or `f a a …` — is described by our parser
/// alone (its first error is where Nix's would be too).
pub const MAX_RNIX_DEPTH: u32 = 4096;

/// How much of the text after the first syntax error rnix reads to find further errors.
pub const RNIX_WINDOW: usize = 16 << 10;

/// Where the text rnix reads ends, and up to where its errors count: [`RNIX_WINDOW`] bytes
/// past `error_end`, extended to the end of that line when it is near, so that rnix does not
/// stop inside a token; the whole text if that is nearer.
fn window(text: &str, error_end: usize) -> (usize, usize) {
    const LINE_SLACK: usize = 4 << 10;
    let from = error_end.saturating_add(RNIX_WINDOW);
    if from >= text.len() {
        return (text.len(), text.len());
    }
    let mut cut = from;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let line_end = text.as_bytes()[cut..]
        .iter()
        .take(LINE_SLACK)
        .position(|&b| b == b'\n')
        .map_or(cut, |i| cut + i);
    (line_end, cut)
}

/// The errors to report for a text our parser rejected: rnix's, mapped to Nix's positions and
/// messages; ours when rnix (whose grammar is a little looser) accepts the text, or when the
/// text is too deeply nested for rnix to parse in reasonable time.
///
/// rnix reads only a window of the text after the first error ([`RNIX_WINDOW`]): the text our
/// parser never reached may be nested arbitrarily deep (`"a" + "a" + …` for a megabyte), and
/// what rnix finds there only adds to the count of further errors.
pub fn describe_failure(file: FileId, text: &str, failure: Failure) -> Vec<SyntaxError> {
    if failure.depth <= MAX_RNIX_DEPTH {
        let (cut, counted) = window(text, failure.end as usize);
        let errors = crate::syntax::with_parsed(file, &text[..cut], |p| p.errors.clone());
        // A cut text ends early: its errors at the cut (an unexpected end of file, a token
        // cut short) are not the file's.
        let errors: Vec<_> = errors
            .into_iter()
            .filter(|e| cut == text.len() || (e.span.start as usize) < counted)
            .collect();
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
