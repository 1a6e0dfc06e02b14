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
    let cut = nesting_cut(text);
    let parse = rnix::Root::parse(&text[..cut.map_or(text.len(), |c| c as usize)]);
    let root = parse.tree();
    // A text cut short for nesting: what rnix found from the cut on is not the file's.
    let rnix_errors: Vec<_> = match cut {
        None => parse.errors().to_vec(),
        Some(cut) => parse
            .errors()
            .iter()
            .filter(|e| error_start(e).is_some_and(|at| at < cut))
            .cloned()
            .collect(),
    };
    if rnix_errors.is_empty() {
        return Parsed {
            root,
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
    let mut errors: Vec<SyntaxError> = rnix_errors
        .iter()
        .map(|e| refine(text, convert_error(file, end, e)))
        .collect();
    // rnix reports some errors twice or out of order; keep the first at each position.
    errors.sort_by_key(|e| (e.span.start, e.span.end));
    errors.dedup_by(|b, a| a.span.start == b.span.start);
    Parsed { root, errors }
}

/// Where an rnix error starts; `None` for an unexpected end of input.
fn error_start(e: &rnix::ParseError) -> Option<u32> {
    use rnix::ParseError as P;
    match e {
        P::Unexpected(r)
        | P::UnexpectedExtra(r)
        | P::UnexpectedWanted(_, r, _)
        | P::UnexpectedDoubleBind(r)
        | P::DuplicatedArgs(r, _) => Some(r.start().into()),
        _ => None,
    }
}

/// Where rnix must stop reading `text` (see [`NestingGuard`]), if anywhere.
fn nesting_cut(text: &str) -> Option<u32> {
    let mut guard = NestingGuard::new();
    let mut offset = 0u32;
    for (kind, token) in rnix::tokenize(text) {
        // Inside a string, only interpolations nest.
        if !matches!(
            kind,
            SyntaxKind::TOKEN_WHITESPACE
                | SyntaxKind::TOKEN_COMMENT
                | SyntaxKind::TOKEN_STRING_CONTENT
        ) {
            guard.see(kind);
            if guard.nesting() > crate::parse::MAX_RNIX_DEPTH {
                return Some(offset);
            }
        }
        offset = offset.saturating_add(token.len() as u32);
    }
    None
}

/// A token that is an operand by itself: a name, a number, a path or a URI.
fn is_atom(kind: SyntaxKind) -> bool {
    use SyntaxKind as K;
    matches!(
        kind,
        K::TOKEN_IDENT
            | K::TOKEN_INTEGER
            | K::TOKEN_FLOAT
            | K::TOKEN_PATH_ABS
            | K::TOKEN_PATH_HOME
            | K::TOKEN_PATH_REL
            | K::TOKEN_PATH_SEARCH
            | K::TOKEN_URI
    )
}

/// An estimate of how deep rnix's tree nests at each token than rnix can parse in reasonable
/// (rnix must stop reading where it gets too deep to parse in reasonable time). rnix's tree
/// (rowan's) costs time quadratic in its depth: its node cache rehashes
/// whole subtrees as it grows (32 s for a chain of 100 000 `+`). Depth there comes from
/// brackets, and from chains that nest one node per link — operators, applications,
/// selections, lambdas, `with` and `assert` — so this estimates it as the open brackets plus
/// the links since the last `=` or `,` at the innermost one (a list's elements are not
/// links). Real code stays far below the limit; a text that reaches it is parsed up to there,
/// its errors from then on dropped (our own parser describes the first error either way).
struct NestingGuard {
    /// The links at each enclosing bracket level, and whether that bracket opens a list.
    outer: Vec<(u32, bool)>,
    links: u32,
    in_list: bool,
    /// Whether the last significant token ends an operand (an application may follow).
    after_operand: bool,
}

impl NestingGuard {
    fn new() -> Self {
        NestingGuard {
            outer: Vec::new(),
            links: 0,
            in_list: false,
            after_operand: false,
        }
    }

    fn open(&mut self, list: bool) {
        self.outer.push((self.links, self.in_list));
        (self.links, self.in_list) = (0, list);
    }

    fn close(&mut self) {
        if let Some((links, in_list)) = self.outer.pop() {
            (self.links, self.in_list) = (links, in_list);
        }
    }

    /// Accounts for one significant token.
    fn see(&mut self, kind: SyntaxKind) {
        use SyntaxKind as K;
        let starts_operand = is_atom(kind)
            || matches!(
                kind,
                K::TOKEN_STRING_START
                    | K::TOKEN_L_PAREN
                    | K::TOKEN_L_BRACK
                    | K::TOKEN_L_BRACE
                    | K::TOKEN_REC
                    | K::TOKEN_LET
            );
        if starts_operand && self.after_operand && !self.in_list {
            self.links += 1;
        }
        match kind {
            K::TOKEN_L_PAREN | K::TOKEN_L_BRACE | K::TOKEN_INTERPOL_START => self.open(false),
            K::TOKEN_L_BRACK => self.open(true),
            K::TOKEN_R_PAREN | K::TOKEN_R_BRACE | K::TOKEN_R_BRACK | K::TOKEN_INTERPOL_END => {
                self.close()
            }
            K::TOKEN_ASSIGN | K::TOKEN_COMMA => self.links = 0,
            K::TOKEN_ADD
            | K::TOKEN_SUB
            | K::TOKEN_MUL
            | K::TOKEN_DIV
            | K::TOKEN_CONCAT
            | K::TOKEN_UPDATE
            | K::TOKEN_EQUAL
            | K::TOKEN_NOT_EQUAL
            | K::TOKEN_LESS
            | K::TOKEN_LESS_OR_EQ
            | K::TOKEN_MORE
            | K::TOKEN_MORE_OR_EQ
            | K::TOKEN_AND_AND
            | K::TOKEN_OR_OR
            | K::TOKEN_IMPLICATION
            | K::TOKEN_PIPE_LEFT
            | K::TOKEN_PIPE_RIGHT
            | K::TOKEN_QUESTION
            | K::TOKEN_INVERT
            | K::TOKEN_DOT
            | K::TOKEN_COLON
            | K::TOKEN_WITH
            | K::TOKEN_ASSERT
            | K::TOKEN_ELSE => self.links += 1,
            _ => {}
        }
        self.after_operand = is_atom(kind)
            || matches!(
                kind,
                K::TOKEN_STRING_END | K::TOKEN_R_PAREN | K::TOKEN_R_BRACK | K::TOKEN_R_BRACE
            );
    }

    fn nesting(&self) -> u32 {
        (self.outer.len() as u32).saturating_add(self.links)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The nesting estimate never cuts real code short: every Nix file of the repository
    /// (the bundled package set and lib, examples, fixtures) stays below the limit, except
    /// the fixtures written to be deeply nested.
    #[test]
    fn real_code_is_never_cut() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut seen = 0;
        let mut stack = vec![
            root.join("bundle"),
            root.join("examples"),
            root.join("nix-fixtures"),
        ];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("a directory of the repository") {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "nix") {
                    let Ok(text) = std::fs::read_to_string(&path) else {
                        continue;
                    };
                    let name = path.to_string_lossy();
                    if !name.contains("deep") {
                        assert_eq!(nesting_cut(&text), None, "{name}");
                    }
                    seen += 1;
                }
            }
        }
        assert!(seen > 500, "only {seen} files found");
    }

    #[test]
    fn long_chains_and_deep_brackets_are_cut() {
        let chain = vec!["1"; 10_000].join(" + ");
        assert!(nesting_cut(&chain).is_some());
        let apply = format!("f {}", vec!["a"; 10_000].join(" "));
        assert!(nesting_cut(&apply).is_some());
        let brackets = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(nesting_cut(&brackets).is_some());
        // A list's elements do not nest, nor do a set's bindings.
        let list = format!("[ {} ]", vec!["a"; 10_000].join(" "));
        assert_eq!(nesting_cut(&list), None);
        let set: String = (0..10_000).map(|i| format!("a{i} = x + {i}; ")).collect();
        assert_eq!(nesting_cut(&format!("{{ {set} }}")), None);
    }
}
