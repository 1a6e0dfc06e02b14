//! Syntax errors: rnix's lossless, error-tolerant parse and its errors mapped to the positions
//! and messages Nix gives.
//!
//! Evaluation parses with our own parser (`crate::parse`), which stops at the first error;
//! this parse describes the errors of a file that does not parse, and gives editors a tree
//! of it. It never fails and never panics: it returns the tree and all its errors, each with a
//! span. Lowering adds the errors Nix reports at parse time that no grammar sees (undefined
//! variables, duplicate attributes, …).

use rnix::{SyntaxKind, TextRange};

use crate::source::{FileId, Span};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
    /// A stable code: `syntax::unexpected_token`, `syntax::undefined_variable`, ….
    pub code: &'static str,
}

impl SyntaxError {
    pub fn new(span: Span, code: &'static str, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            span,
            code,
            message: message.into(),
        }
    }
}

pub fn span_of(file: FileId, range: TextRange) -> Span {
    Span::new(file, range.start().into(), range.end().into())
}

pub struct Parsed {
    pub root: rnix::Root,
    pub errors: Vec<SyntaxError>,
}

/// rnix's parser recurses once per nesting level without growing the stack, and every level
/// needs at least one byte of source: parsing (and dropping the tree) on a stack sized by the
/// input means no input can overflow it. Inputs beyond `MAX_INPUT` get the largest stack
/// (4 GiB of address space, mapped lazily); such files are generated data, never deeply
/// nested.
const STACK_BASE: usize = 1 << 20;
const STACK_PER_BYTE: usize = 1024;
const MAX_INPUT: usize = 4 << 20;

/// Parses `text` with rnix and runs `f` on the result, on a stack large enough for any input.
pub fn with_parsed<R>(file: FileId, text: &str, f: impl FnOnce(&Parsed) -> R) -> R {
    let stack = STACK_BASE + text.len().min(MAX_INPUT) * STACK_PER_BYTE;
    stacker::grow(stack, || f(&parse(file, text)))
}

pub fn parse(file: FileId, text: &str) -> Parsed {
    let parse = rnix::Root::parse(text);
    if parse.errors().is_empty() {
        return Parsed {
            root: parse.tree(),
            errors: Vec::new(),
        };
    }
    // Nix reports "unexpected end of file" right after the last token, not after trailing
    // whitespace and comments (a walk over every token: only done for a file with errors).
    let end_offset = text.trim_end().len() as u32;
    let last_token_end = parse
        .syntax()
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .filter(|t| {
            !matches!(
                t.kind(),
                SyntaxKind::TOKEN_WHITESPACE | SyntaxKind::TOKEN_COMMENT
            )
        })
        .last()
        .map(|t| u32::from(t.text_range().end()))
        .unwrap_or(0)
        .min(end_offset);
    let end = Span::new(file, last_token_end, last_token_end);
    let mut errors: Vec<SyntaxError> = parse
        .errors()
        .iter()
        .map(|e| refine(text, convert_error(file, end, e)))
        .collect();
    // rnix reports some errors twice or out of order; keep the first at each position.
    errors.sort_by_key(|e| (e.span.start, e.span.end));
    errors.dedup_by(|b, a| a.span.start == b.span.start);
    Parsed {
        root: parse.tree(),
        errors,
    }
}

/// Turns rnix's generic errors about invalid tokens into the messages (and positions) Nix's
/// lexer gives for the same input.
fn refine(text: &str, mut e: SyntaxError) -> SyntaxError {
    let (start, end) = (e.span.start as usize, e.span.end as usize);
    let Some(token) = text.get(start..end) else {
        return e;
    };
    let is_path_char = |c: char| c.is_ascii_alphanumeric() || "._-+/~".contains(c);
    if token.ends_with('/')
        && token.len() > 1
        && token.chars().all(is_path_char)
        && token.contains('/')
    {
        e.message = format!("path '{token}' has a trailing slash");
        e.code = "syntax::path_trailing_slash";
        e.span.start = e.span.end;
        return e;
    }
    // `...` must end the formals: Nix complains about what follows it.
    if token.starts_with("...") {
        let after = &text[start + 3..];
        let skip = after.len() - after.trim_start().len();
        if after[skip..].starts_with(',') {
            e.span.start = (start + 3 + skip) as u32;
            e.span.end = e.span.start + 1;
            e.message = "syntax error, unexpected ',', expecting '}' ('...' must be the last formal argument)".into();
            return e;
        }
    }
    // An unterminated `''` string: Nix points at the first line of its contents.
    if let Some(rest) = text[..start].strip_suffix("''") {
        let _ = rest;
        let after = &text[start..];
        let spaces = after.len() - after.trim_start_matches(' ').len();
        if after[spaces..].starts_with('\n') && !after.contains("''") {
            e.span.start += spaces as u32 + 1;
            e.span.end = e.span.start;
        }
    }
    e
}

fn convert_error(file: FileId, end: Span, e: &rnix::ParseError) -> SyntaxError {
    use rnix::ParseError as P;
    match e {
        P::Unexpected(r) => SyntaxError::new(
            span_of(file, *r),
            "syntax::unexpected",
            "syntax error, unexpected input",
        ),
        P::UnexpectedExtra(r) => SyntaxError::new(
            span_of(file, *r),
            "syntax::unexpected_token",
            "syntax error, unexpected token after the end of the expression",
        ),
        P::UnexpectedWanted(got, r, wanted) => SyntaxError::new(
            span_of(file, *r),
            "syntax::unexpected_token",
            format!(
                "syntax error, unexpected {}, expecting {}",
                token_name(*got),
                wanted_list(wanted)
            ),
        ),
        P::UnexpectedDoubleBind(r) => SyntaxError::new(
            span_of(file, *r),
            "syntax::double_bind",
            "syntax error, a function argument may be bound with '@' only once",
        ),
        P::UnexpectedEOF => SyntaxError::new(
            end,
            "syntax::unexpected_eof",
            "syntax error, unexpected end of file",
        ),
        P::UnexpectedEOFWanted(wanted) => SyntaxError::new(
            end,
            "syntax::unexpected_eof",
            format!(
                "syntax error, unexpected end of file, expecting {}",
                wanted_list(wanted)
            ),
        ),
        P::DuplicatedArgs(r, name) => SyntaxError::new(
            span_of(file, *r),
            "syntax::duplicate_formal",
            format!("duplicate formal function argument '{name}'"),
        ),
        P::RecursionLimitExceeded => SyntaxError::new(
            end,
            "syntax::too_deep",
            "the expression is nested too deeply to be parsed",
        ),
        _ => SyntaxError::new(end, "syntax::unexpected", "syntax error"),
    }
}

fn wanted_list(kinds: &[SyntaxKind]) -> String {
    let names: Vec<&str> = kinds.iter().map(|k| token_name(*k)).collect();
    match names.len() {
        0 => "something else".into(),
        1 => names[0].into(),
        _ => format!("one of {}", names.join(", ")),
    }
}

/// The name of a token as a user would write it.
pub fn token_name(kind: SyntaxKind) -> &'static str {
    use SyntaxKind::*;
    match kind {
        TOKEN_ADD => "'+'",
        TOKEN_AND_AND => "'&&'",
        TOKEN_ASSIGN => "'='",
        TOKEN_ASSERT => "'assert'",
        TOKEN_AT => "'@'",
        TOKEN_COLON => "':'",
        TOKEN_COMMA => "','",
        TOKEN_CONCAT => "'++'",
        TOKEN_DIV => "'/'",
        TOKEN_DOT => "'.'",
        TOKEN_ELLIPSIS => "'...'",
        TOKEN_ELSE => "'else'",
        TOKEN_EQUAL => "'=='",
        TOKEN_IF => "'if'",
        TOKEN_IMPLICATION => "'->'",
        TOKEN_IN => "'in'",
        TOKEN_INHERIT => "'inherit'",
        TOKEN_INTERPOL_END => "'}'",
        TOKEN_INTERPOL_START => "'${'",
        TOKEN_INVERT => "'!'",
        TOKEN_L_BRACE => "'{'",
        TOKEN_L_BRACK => "'['",
        TOKEN_L_PAREN => "'('",
        TOKEN_LESS => "'<'",
        TOKEN_LESS_OR_EQ => "'<='",
        TOKEN_LET => "'let'",
        TOKEN_MORE => "'>'",
        TOKEN_MORE_OR_EQ => "'>='",
        TOKEN_MUL => "'*'",
        TOKEN_NOT_EQUAL => "'!='",
        TOKEN_OR => "'or'",
        TOKEN_OR_OR => "'||'",
        TOKEN_QUESTION => "'?'",
        TOKEN_R_BRACE => "'}'",
        TOKEN_R_BRACK => "']'",
        TOKEN_R_PAREN => "')'",
        TOKEN_REC => "'rec'",
        TOKEN_SEMICOLON => "';'",
        TOKEN_SUB => "'-'",
        TOKEN_THEN => "'then'",
        TOKEN_UPDATE => "'//'",
        TOKEN_WITH => "'with'",
        TOKEN_IDENT => "an identifier",
        TOKEN_INTEGER => "an integer",
        TOKEN_FLOAT => "a float",
        TOKEN_URI => "a URI",
        TOKEN_STRING_START | TOKEN_STRING_END | TOKEN_STRING_CONTENT => "a string",
        TOKEN_PATH_ABS | TOKEN_PATH_REL | TOKEN_PATH_HOME | TOKEN_PATH_SEARCH => "a path",
        TOKEN_PIPE_LEFT => "'<|'",
        TOKEN_PIPE_RIGHT => "'|>'",
        TOKEN_ERROR => "an invalid token",
        NODE_ATTRPATH | NODE_IDENT => "an attribute path",
        _ => "an expression",
    }
}

/// A piece of a string or path literal: literal source text, or an interpolation.
pub enum Part {
    Literal(String),
    Interpolation(rnix::ast::Interpol),
}

/// The pieces of a string or path node. Unlike rnix's own accessors this never panics on a
/// malformed tree (unexpected tokens are skipped; the parse has reported them).
pub fn literal_parts(node: &rnix::SyntaxNode) -> Vec<Part> {
    use rowan::ast::AstNode;
    node.children_with_tokens()
        .filter_map(|child| match child {
            rnix::NodeOrToken::Token(t) => match t.kind() {
                SyntaxKind::TOKEN_STRING_CONTENT
                | SyntaxKind::TOKEN_PATH_ABS
                | SyntaxKind::TOKEN_PATH_REL
                | SyntaxKind::TOKEN_PATH_HOME => Some(Part::Literal(t.text().to_string())),
                _ => None,
            },
            rnix::NodeOrToken::Node(n) => rnix::ast::Interpol::cast(n).map(Part::Interpolation),
        })
        .collect()
}
