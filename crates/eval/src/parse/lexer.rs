//! The lexer: Nix 2.8's tokens (`lexer.l`) for the code between strings, as a `logos` DFA.
//!
//! Nix's lexer has states for strings and paths; here the parser drives them: when it meets
//! `"`, `''` or a path that continues with `${`, it scans the literal text itself (see
//! `parser.rs`) and then [`Lexer::reset`]s this lexer to continue after it. Keywords win over
//! identifiers of the same length and, as in flex, the longest match wins (`x:x` is a URI,
//! `a/b` a path, `1.5/x` a path).
//!
//! Paths and URIs that start with path characters are recognised by hand, not by the DFA: as
//! regular expressions they must look ahead over a whole run of path characters (`a.b.c.d`,
//! `----x`) for the `/` or `:` that would make one, and the DFA would repeat that for every
//! token of the run — quadratic in its length. Here each run is scanned once.

use logos::Logos;

#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq)]
#[logos(skip r"[ \t\r\n]+")]
#[logos(skip(r"#[^\r\n]*", allow_greedy = true))]
#[logos(skip r"/\*([^*]|\*+[^*/])*\*+/")]
pub enum Tok {
    #[token("if")]
    If,
    #[token("then")]
    Then,
    #[token("else")]
    Else,
    #[token("assert")]
    Assert,
    #[token("with")]
    With,
    #[token("let")]
    Let,
    #[token("in")]
    In,
    #[token("rec")]
    Rec,
    #[token("inherit")]
    Inherit,
    #[token("or")]
    OrKw,
    #[token("...")]
    Ellipsis,
    #[token("==")]
    Eq,
    #[token("!=")]
    NotEq,
    #[token("<=")]
    LessEq,
    #[token(">=")]
    GreaterEq,
    #[token("&&")]
    And,
    #[token("||")]
    Or,
    #[token("->")]
    Implies,
    #[token("//")]
    Update,
    #[token("++")]
    Concat,
    #[token("|>")]
    PipeRight,
    #[token("<|")]
    PipeLeft,
    #[regex(r"[a-zA-Z_][a-zA-Z0-9_'\-]*")]
    Ident,
    #[regex(r"[0-9]+")]
    Int,
    #[regex(r"(([1-9][0-9]*\.[0-9]*)|(0?\.[0-9]+))([Ee][+\-]?[0-9]+)?")]
    Float,
    /// `./a/b`, `a/b`, `/etc/hosts` (a trailing `/` is an error unless `${` follows); the DFA
    /// only sees those starting with `/`.
    #[regex(r"(/[a-zA-Z0-9._\-+]+)+/?")]
    Path,
    /// `~/a/b`.
    #[regex(r"~(/[a-zA-Z0-9._\-+]+)+/?")]
    HomePath,
    /// `a/${`: a path segment that only an interpolation continues (recognised by hand).
    PathSegInterpolation,
    /// `~/${`.
    #[token("~/${")]
    HomeInterpolation,
    #[regex(r"<[a-zA-Z0-9._\-+]+(/[a-zA-Z0-9._\-+]+)*>")]
    SearchPath,
    /// `https://example.org` (recognised by hand).
    Uri,
    #[token("${")]
    DollarCurly,
    #[token("\"")]
    Quote,
    /// `''`, with the spaces and the newline right after it.
    #[regex(r"''( *\n)?")]
    IndOpen,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("[")]
    LBrack,
    #[token("]")]
    RBrack,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token(";")]
    Semi,
    #[token(":")]
    Colon,
    #[token(".")]
    Dot,
    #[token(",")]
    Comma,
    #[token("=")]
    Assign,
    #[token("@")]
    At,
    #[token("?")]
    Question,
    #[token("!")]
    Bang,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("<")]
    Less,
    #[token(">")]
    Greater,
    /// Not a logos token: input no rule matches.
    Error,
    /// Not a logos token: the end of the input.
    Eof,
}

#[derive(Clone, Copy, Debug)]
pub struct Token {
    pub kind: Tok,
    pub start: u32,
    pub end: u32,
}

pub struct Lexer<'s> {
    src: &'s str,
    /// Where `inner` starts in `src`.
    base: usize,
    inner: logos::Lexer<'s, Tok>,
    /// The last run of path characters scanned: `start..end`.
    path_run: (usize, usize),
    /// The last run of URI scheme characters scanned.
    scheme_run: (usize, usize),
}

fn is_path_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'+')
}

fn is_scheme_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')
}

fn is_uri_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"%/?:@&=+$,-_.!~*'".contains(&b)
}

/// The end of the run of bytes satisfying `class` around `at`, reusing `cache` when `at` lies
/// in the run scanned last.
fn run_end(bytes: &[u8], at: usize, cache: &mut (usize, usize), class: fn(u8) -> bool) -> usize {
    if cache.0 <= at && at < cache.1 {
        return cache.1;
    }
    let mut end = at;
    while end < bytes.len() && class(bytes[end]) {
        end += 1;
    }
    *cache = (at, end);
    end
}

impl<'s> Lexer<'s> {
    pub fn new(src: &'s str) -> Lexer<'s> {
        Lexer {
            src,
            base: 0,
            inner: Tok::lexer(src),
            path_run: (0, 0),
            scheme_run: (0, 0),
        }
    }

    pub fn next_token(&mut self) -> Token {
        let t = self.dfa_token();
        let bytes = self.src.as_bytes();
        let start = t.start as usize;
        let Some(&first) = bytes.get(start) else {
            return t;
        };
        if is_path_char(first) {
            // `C*(/C+)+/?` or `C*/${`: the run of path characters must end at a `/`.
            let e = run_end(bytes, start, &mut self.path_run, is_path_char);
            if bytes.get(e) == Some(&b'/') {
                let next = bytes.get(e + 1).copied();
                if next == Some(b'$') && bytes.get(e + 2) == Some(&b'{') {
                    return self.hand_token(Tok::PathSegInterpolation, start, e + 3);
                }
                if next.is_some_and(is_path_char) {
                    let mut j = e;
                    while bytes.get(j) == Some(&b'/')
                        && bytes.get(j + 1).is_some_and(|&b| is_path_char(b))
                    {
                        j += 1;
                        while bytes.get(j).is_some_and(|&b| is_path_char(b)) {
                            j += 1;
                        }
                    }
                    if bytes.get(j) == Some(&b'/') {
                        j += 1;
                    }
                    return self.hand_token(Tok::Path, start, j);
                }
            }
        }
        if first.is_ascii_alphabetic() {
            // `[a-zA-Z][a-zA-Z0-9+-.]*:[…]+`.
            let e = run_end(bytes, start, &mut self.scheme_run, is_scheme_char);
            if bytes.get(e) == Some(&b':') && bytes.get(e + 1).is_some_and(|&b| is_uri_char(b)) {
                let mut j = e + 1;
                while bytes.get(j).is_some_and(|&b| is_uri_char(b)) {
                    j += 1;
                }
                return self.hand_token(Tok::Uri, start, j);
            }
        }
        t
    }

    /// A token recognised by hand; the DFA continues after it.
    fn hand_token(&mut self, kind: Tok, start: usize, end: usize) -> Token {
        self.reset(end);
        Token {
            kind,
            start: start as u32,
            end: end as u32,
        }
    }

    fn dfa_token(&mut self) -> Token {
        match self.inner.next() {
            None => {
                let end = self.src.len() as u32;
                Token {
                    kind: Tok::Eof,
                    start: end,
                    end,
                }
            }
            Some(result) => {
                let span = self.inner.span();
                Token {
                    kind: result.unwrap_or(Tok::Error),
                    start: (self.base + span.start) as u32,
                    end: (self.base + span.end) as u32,
                }
            }
        }
    }

    /// Continues lexing code at byte `pos` (after a string or path the parser scanned).
    pub fn reset(&mut self, pos: usize) {
        self.base = pos;
        self.inner = Tok::lexer(&self.src[pos..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(Tok, &str)> {
        let mut l = Lexer::new(src);
        let mut out = Vec::new();
        loop {
            let t = l.next_token();
            if t.kind == Tok::Eof {
                return out;
            }
            out.push((t.kind, &src[t.start as usize..t.end as usize]));
        }
    }

    #[test]
    fn longest_match_as_in_flex() {
        // Nix's lexer: `x:x` is a URI, `a/b` a path, `01.5` an integer then a float, `1.` a
        // float, `a-b` one identifier, `iff` an identifier.
        assert_eq!(kinds("x:x"), [(Tok::Uri, "x:x")]);
        assert_eq!(kinds("a/b"), [(Tok::Path, "a/b")]);
        assert_eq!(kinds("01.5"), [(Tok::Int, "01"), (Tok::Float, ".5")]);
        assert_eq!(kinds("1."), [(Tok::Float, "1.")]);
        assert_eq!(
            kinds("a-b iff if"),
            [(Tok::Ident, "a-b"), (Tok::Ident, "iff"), (Tok::If, "if")]
        );
        assert_eq!(
            kinds("a//b"),
            [(Tok::Ident, "a"), (Tok::Update, "//"), (Tok::Ident, "b")]
        );
        assert_eq!(kinds("a/${"), [(Tok::PathSegInterpolation, "a/${")]);
        assert_eq!(
            kinds("./a/${"),
            [(Tok::Path, "./a/"), (Tok::DollarCurly, "${")]
        );
        assert_eq!(
            kinds("<nixpkgs/lib> < a"),
            [
                (Tok::SearchPath, "<nixpkgs/lib>"),
                (Tok::Less, "<"),
                (Tok::Ident, "a")
            ]
        );
        assert_eq!(
            kinds("a # c\n /* d */ b"),
            [(Tok::Ident, "a"), (Tok::Ident, "b")]
        );
        assert_eq!(kinds("''  \n"), [(Tok::IndOpen, "''  \n")]);
        assert_eq!(kinds("&"), [(Tok::Error, "&")]);
    }
}
