//! The parser: Nix 2.8's grammar (`parser.y`) by recursive descent, operators by precedence
//! climbing with bison's precedence table:
//!
//! ```text
//! %right IMPL  %left OR  %left AND  %nonassoc EQ NEQ  %nonassoc '<' '>' LEQ GEQ
//! %right UPDATE  %left NOT  %left '+' '-'  %left '*' '/'  %right CONCAT  %nonassoc '?'
//! %nonassoc NEGATE
//! ```
//!
//! It stops at the first syntax error (as Nix's parser does); the caller then asks rnix's
//! error-tolerant parser for the errors to report (see `syntax.rs`). Problems that Nix's
//! grammar accepts but the language does not (`or` as a variable, an integer that does not
//! fit, the pipe operators) become nodes that lowering reports. String and path literals are
//! scanned here, following the lexer's states for them; their pieces reach the tree unescaped
//! and, for `''…''` strings, with the indentation stripped.

use super::ast::*;
use super::lexer::{Lexer, Tok, Token};
use crate::lower::strings::{self, Piece};

/// The first syntax error: where, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub start: u32,
    pub end: u32,
    pub code: &'static str,
    pub message: String,
    /// How deeply the input was nested where the parser got to, as a syntax tree nests it
    /// (operator and application chains count one level per link).
    pub depth: u32,
}

type Parse<T> = Result<T, Failure>;

const EOF_CODE: &str = "syntax::unexpected_eof";
const EOF_MESSAGE: &str = "syntax error, unexpected end of file";

pub fn parse(src: &str) -> Result<Ast, Failure> {
    let mut lex = Lexer::new(src);
    let cur = lex.next_token();
    let mut p = Parser {
        src,
        lex,
        cur,
        ahead: Vec::new(),
        ast: Ast::with_capacity(src.len()),
        depth: 0,
        max_depth: 0,
        levels: 0,
        level_start: u32::MAX,
        scratch_nodes: Vec::new(),
        scratch_binds: Vec::new(),
        scratch_attrs: Vec::new(),
    };
    let root = if p.cur.kind == Tok::Eof {
        Err(p.unexpected())
    } else {
        p.expr()
    };
    match root {
        Ok(root) if p.cur.kind == Tok::Eof => {
            p.ast.root = Some(root);
            Ok(p.ast)
        }
        Ok(_) => Err(Failure {
            depth: p.max_depth,
            ..p.unexpected()
        }),
        Err(f) => Err(Failure {
            depth: p.max_depth,
            ..f
        }),
    }
}

struct Parser<'s> {
    src: &'s str,
    lex: Lexer<'s>,
    /// The current token (not consumed yet).
    cur: Token,
    /// Tokens after `cur` that were looked at, in order.
    ahead: Vec<Token>,
    ast: Ast,
    /// Nesting of the recursive productions, to check the stack every few levels only.
    depth: u32,
    max_depth: u32,
    /// Nesting as the user sees it: the open productions that each began at a later token
    /// than the one enclosing them (a production entered at the token its parent entered at,
    /// as `expr` → `expr_op` → `expr_select` are for one `(`, is the same level).
    levels: u32,
    /// The token at which the innermost counted level began.
    level_start: u32,
    /// Items of the lists, bindings and attribute paths being parsed, innermost last: each
    /// moves its own tail into the tree when it is complete (no allocation per construct).
    scratch_nodes: Vec<NodeId>,
    scratch_binds: Vec<Bind>,
    scratch_attrs: Vec<Attr>,
}

/// The stack is checked every `STACK_CHECK_EVERY` levels of nesting; one level of the parser
/// uses far less than `RED_ZONE / STACK_CHECK_EVERY`.
const STACK_CHECK_EVERY: u32 = 8;
const RED_ZONE: usize = 256 * 1024;
const STACK_SEGMENT: usize = 2 * 1024 * 1024;

/// How deeply constructs may nest: brackets, `let`, `with`, `assert`, `if`, lambda bodies,
/// interpolations, unary and right-associative operators and attribute paths (`a.b.c = v`
/// nests `v` three deep) all count one level each. Nix 2.8's bison parser gives up far
/// earlier ("memory exhausted" at about 5,000 levels), so no file Nix parses is refused;
/// the limit exists because every later phase (lowering, evaluation, printing) pays stack
/// and time per level, and a clean refusal in milliseconds beats seconds of work and
/// gigabytes of stack on a million-level input. Left-associative chains (`a + b + …`,
/// application `f a b …`, selection `x.a.b…`) are loops, not nesting, and are unlimited.
pub const MAX_NESTING: u32 = 200_000;

fn span(t: Token) -> Span {
    Span::new(t.start, t.end)
}

/// Binary operators: precedence (higher binds tighter) and associativity.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Assoc {
    Left,
    Right,
    None,
}

fn binary_op(kind: Tok) -> Option<(BinOp, u8, Assoc)> {
    Some(match kind {
        Tok::PipeRight | Tok::PipeLeft => (BinOp::Pipe, 0, Assoc::Left),
        Tok::Implies => (BinOp::Implies, 1, Assoc::Right),
        Tok::Or => (BinOp::Or, 2, Assoc::Left),
        Tok::And => (BinOp::And, 3, Assoc::Left),
        Tok::Eq => (BinOp::Eq, 4, Assoc::None),
        Tok::NotEq => (BinOp::NotEq, 4, Assoc::None),
        Tok::Less => (BinOp::Less, 5, Assoc::None),
        Tok::Greater => (BinOp::Greater, 5, Assoc::None),
        Tok::LessEq => (BinOp::LessEq, 5, Assoc::None),
        Tok::GreaterEq => (BinOp::GreaterEq, 5, Assoc::None),
        Tok::Update => (BinOp::Update, 6, Assoc::Right),
        Tok::Plus => (BinOp::Add, 8, Assoc::Left),
        Tok::Minus => (BinOp::Sub, 8, Assoc::Left),
        Tok::Star => (BinOp::Mul, 9, Assoc::Left),
        Tok::Slash => (BinOp::Div, 9, Assoc::Left),
        Tok::Concat => (BinOp::Concat, 10, Assoc::Right),
        _ => return None,
    })
}

const NOT_PREC: u8 = 7;
const HAS_ATTR_PREC: u8 = 11;
const NEGATE_PREC: u8 = 12;

/// Whether a token can start an `expr_simple` (an argument of an application).
fn starts_simple(kind: Tok) -> bool {
    matches!(
        kind,
        Tok::Ident
            | Tok::Int
            | Tok::Float
            | Tok::Quote
            | Tok::IndOpen
            | Tok::Path
            | Tok::HomePath
            | Tok::PathSegInterpolation
            | Tok::HomeInterpolation
            | Tok::SearchPath
            | Tok::Uri
            | Tok::LParen
            | Tok::Rec
            | Tok::LBrace
            | Tok::LBrack
            // `or` is no variable, but is parsed as one to be reported by lowering.
            | Tok::OrKw
    )
}

fn is_path_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'+')
}

impl<'s> Parser<'s> {
    // Tokens.

    fn bump(&mut self) -> Token {
        let t = self.cur;
        self.cur = if self.ahead.is_empty() {
            self.lex.next_token()
        } else {
            self.ahead.remove(0)
        };
        t
    }

    /// The token `n` places after the current one (1 = the next).
    fn peek(&mut self, n: usize) -> Tok {
        while self.ahead.len() < n {
            let t = self.lex.next_token();
            self.ahead.push(t);
        }
        self.ahead[n - 1].kind
    }

    /// Continues with code at byte `pos`, after literal text scanned by hand.
    fn resume_code(&mut self, pos: usize) {
        self.ahead.clear();
        self.lex.reset(pos);
        self.cur = self.lex.next_token();
    }

    fn expect(&mut self, kind: Tok) -> Parse<Token> {
        if self.cur.kind == kind {
            Ok(self.bump())
        } else {
            Err(self.unexpected())
        }
    }

    fn unexpected(&self) -> Failure {
        let t = self.cur;
        let message = match t.kind {
            Tok::Eof => "syntax error, unexpected end of file".to_string(),
            _ => format!(
                "syntax error, unexpected '{}'",
                &self.src[t.start as usize..t.end as usize]
            ),
        };
        let code = match t.kind {
            Tok::Eof => "syntax::unexpected_eof",
            _ => "syntax::unexpected_token",
        };
        Failure {
            start: t.start,
            end: t.end,
            code,
            message,
            depth: 0,
        }
    }

    fn fail_at(
        &self,
        start: u32,
        end: u32,
        code: &'static str,
        message: impl Into<String>,
    ) -> Failure {
        Failure {
            start,
            end,
            code,
            message: message.into(),
            depth: 0,
        }
    }

    fn too_deep(&self, start: u32, end: u32) -> Failure {
        self.fail_at(
            start,
            end,
            "syntax::too_deep",
            format!("the expression is nested more than {MAX_NESTING} levels deep, deeper than ntop parses"),
        )
    }

    fn node(&mut self, node: Node, span: Span) -> NodeId {
        self.ast.push(node, span)
    }

    // Expressions.

    /// Runs a recursive production, growing the stack when it runs low, and refusing input
    /// nested deeper than [`MAX_NESTING`].
    fn nested(&mut self, f: impl FnOnce(&mut Self) -> Parse<NodeId>) -> Parse<NodeId> {
        let outer = (self.levels, self.level_start);
        if self.cur.start != self.level_start {
            if self.levels >= MAX_NESTING {
                return Err(self.too_deep(self.cur.start, self.cur.end));
            }
            self.levels += 1;
            self.level_start = self.cur.start;
        }
        self.depth += 1;
        self.max_depth = self.max_depth.max(self.depth);
        let r = if self.depth.is_multiple_of(STACK_CHECK_EVERY) {
            stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || f(self))
        } else {
            f(self)
        };
        self.depth -= 1;
        (self.levels, self.level_start) = outer;
        r
    }

    fn expr(&mut self) -> Parse<NodeId> {
        self.nested(|p| p.expr_function())
    }

    fn expr_function(&mut self) -> Parse<NodeId> {
        let start = self.cur;
        let kind = self.cur.kind;
        match kind {
            Tok::LBrace if self.is_formals() => self.pattern_lambda(start, None),
            // `or: …` is reported by lowering.
            Tok::Ident | Tok::OrKw if self.peek(1) == Tok::Colon => {
                self.bump();
                self.bump();
                let body = self.expr()?;
                let span = span(start).to(self.ast.span(body));
                Ok(self.node(
                    Node::Lambda {
                        param: Param::Ident(span_of(start)),
                        body,
                    },
                    span,
                ))
            }
            Tok::Ident if self.peek(1) == Tok::At => {
                self.bump();
                self.bump();
                if self.cur.kind != Tok::LBrace {
                    return Err(self.unexpected());
                }
                self.pattern_lambda(start, Some(span_of(start)))
            }
            Tok::Assert => {
                self.bump();
                let cond = self.expr()?;
                self.expect(Tok::Semi)?;
                let body = self.expr()?;
                let span = span(start).to(self.ast.span(body));
                Ok(self.node(Node::Assert { cond, body }, span))
            }
            Tok::With => {
                self.bump();
                let namespace = self.expr()?;
                self.expect(Tok::Semi)?;
                let body = self.expr()?;
                let span = span(start).to(self.ast.span(body));
                Ok(self.node(Node::With { namespace, body }, span))
            }
            Tok::Let if self.peek(1) != Tok::LBrace => {
                self.bump();
                let binds = self.binds(Tok::In)?;
                self.expect(Tok::In)?;
                let body = self.expr()?;
                let span = span(start).to(self.ast.span(body));
                Ok(self.node(Node::LetIn { binds, body }, span))
            }
            _ => self.expr_if(),
        }
    }

    /// After `{`: formals (`{ a, b ? 1, ... }:`) rather than a set?
    fn is_formals(&mut self) -> bool {
        match self.peek(1) {
            Tok::RBrace => matches!(self.peek(2), Tok::Colon | Tok::At),
            Tok::Ellipsis => true,
            Tok::Ident => matches!(self.peek(2), Tok::Comma | Tok::Question | Tok::RBrace),
            _ => false,
        }
    }

    /// `{ formals } (@ name)? : body`, the current token being `{`; `at` when the name came
    /// first (`name @ { … }`).
    fn pattern_lambda(&mut self, start: Token, mut at: Option<Span>) -> Parse<NodeId> {
        self.expect(Tok::LBrace)?;
        let first = self.ast.formals.len() as u32;
        let mut ellipsis = false;
        loop {
            match self.cur.kind {
                Tok::RBrace => break,
                Tok::Ellipsis => {
                    self.bump();
                    ellipsis = true;
                    if self.cur.kind != Tok::RBrace {
                        return Err(self.unexpected());
                    }
                    break;
                }
                Tok::Ident => {
                    let name = self.bump();
                    let default = if self.cur.kind == Tok::Question {
                        self.bump();
                        Some(self.expr()?)
                    } else {
                        None
                    };
                    let end = default.map_or(span(name), |d| self.ast.span(d));
                    self.ast.formals.push(Formal {
                        name: span(name),
                        default,
                        span: span(name).to(end),
                    });
                    if self.cur.kind == Tok::Comma {
                        self.bump();
                    } else if self.cur.kind != Tok::RBrace {
                        return Err(self.unexpected());
                    }
                }
                _ => return Err(self.unexpected()),
            }
        }
        self.expect(Tok::RBrace)?;
        if at.is_none() && self.cur.kind == Tok::At {
            self.bump();
            let name = self.expect(Tok::Ident)?;
            at = Some(span(name));
        }
        self.expect(Tok::Colon)?;
        let entries = Range {
            start: first,
            len: self.ast.formals.len() as u32 - first,
        };
        self.check_duplicate_formals(entries, at)?;
        let body = self.expr()?;
        let span = span(start).to(self.ast.span(body));
        Ok(self.node(
            Node::Lambda {
                param: Param::Pattern {
                    entries,
                    ellipsis,
                    at,
                },
                body,
            },
            span,
        ))
    }

    /// Nix's parser rejects a formal named twice, or named like the `@` binding.
    fn check_duplicate_formals(&self, entries: Range, at: Option<Span>) -> Parse<()> {
        let text = |s: Span| &self.src[s.start as usize..s.end as usize];
        let formals = self.ast.formals(entries);
        for (i, f) in formals.iter().enumerate() {
            if formals[..i].iter().any(|g| text(g.name) == text(f.name)) {
                return Err(self.fail_at(
                    f.span.start,
                    f.span.end,
                    "syntax::duplicate_formal",
                    format!("duplicate formal function argument '{}'", text(f.name)),
                ));
            }
        }
        if let Some(at) = at {
            if formals.iter().any(|g| text(g.name) == text(at)) {
                return Err(self.fail_at(
                    at.start,
                    at.end,
                    "syntax::duplicate_formal",
                    format!("duplicate formal function argument '{}'", text(at)),
                ));
            }
        }
        Ok(())
    }

    fn expr_if(&mut self) -> Parse<NodeId> {
        if self.cur.kind != Tok::If {
            return self.expr_op(0);
        }
        let start = self.bump();
        let cond = self.expr()?;
        self.expect(Tok::Then)?;
        let then = self.expr()?;
        self.expect(Tok::Else)?;
        let otherwise = self.expr()?;
        let span = span(start).to(self.ast.span(otherwise));
        Ok(self.node(
            Node::If {
                cond,
                then,
                otherwise,
            },
            span,
        ))
    }

    /// Operators binding at least as tightly as `min`.
    fn expr_op(&mut self, min: u8) -> Parse<NodeId> {
        self.nested(|p| p.expr_op_inner(min))
    }

    fn expr_op_inner(&mut self, min: u8) -> Parse<NodeId> {
        let start = self.cur;
        let mut lhs = match self.cur.kind {
            Tok::Bang => {
                self.bump();
                let operand = self.expr_op(NOT_PREC + 1)?;
                let span = span(start).to(self.ast.span(operand));
                self.node(Node::Not(operand), span)
            }
            Tok::Minus => {
                self.bump();
                let operand = self.expr_op(NEGATE_PREC + 1)?;
                let span = span(start).to(self.ast.span(operand));
                self.node(Node::Negate(operand), span)
            }
            _ => self.expr_app()?,
        };
        // The precedence of the non-associative operator just applied: another of the same
        // precedence right after it is a syntax error.
        let mut nonassoc: Option<u8> = None;
        // Each operator wraps the tree built so far: a left-associative chain nests as deep
        // as it is long in a syntax tree (rnix's), though it costs us no recursion.
        let mut chain = self.depth;
        loop {
            if self.cur.kind == Tok::Question {
                if HAS_ATTR_PREC < min {
                    break;
                }
                self.bump();
                let path = self.attrpath()?;
                let end = self
                    .ast
                    .attr_span(*self.ast.attrs(path).last().expect("a path"));
                let span = self.ast.span(lhs).to(end);
                lhs = self.node(Node::HasAttr { expr: lhs, path }, span);
                chain = chain.saturating_add(1);
                self.max_depth = self.max_depth.max(chain);
                continue;
            }
            let Some((op, prec, assoc)) = binary_op(self.cur.kind) else {
                break;
            };
            if prec < min {
                break;
            }
            if nonassoc == Some(prec) {
                return Err(self.unexpected());
            }
            self.bump();
            let rhs = match assoc {
                Assoc::Right => self.expr_op(prec)?,
                Assoc::Left | Assoc::None => self.expr_op(prec + 1)?,
            };
            nonassoc = (assoc == Assoc::None).then_some(prec);
            let span = self.ast.span(lhs).to(self.ast.span(rhs));
            lhs = self.node(Node::Binary { op, lhs, rhs }, span);
            chain = chain.saturating_add(1);
            self.max_depth = self.max_depth.max(chain);
        }
        Ok(lhs)
    }

    /// Whether the current token starts an `expr_select` (an argument, or a list item).
    fn starts_select(&mut self) -> bool {
        starts_simple(self.cur.kind) || (self.cur.kind == Tok::Let && self.peek(1) == Tok::LBrace)
    }

    fn expr_app(&mut self) -> Parse<NodeId> {
        let mut function = self.expr_select()?;
        // As for operators: `f a b c …` nests one application node per argument.
        let mut chain = self.depth;
        while self.starts_select() {
            let arg = self.expr_select()?;
            let span = self.ast.span(function).to(self.ast.span(arg));
            function = self.node(Node::Apply { function, arg }, span);
            chain = chain.saturating_add(1);
            self.max_depth = self.max_depth.max(chain);
        }
        Ok(function)
    }

    fn expr_select(&mut self) -> Parse<NodeId> {
        self.nested(|p| p.expr_select_inner())
    }

    fn expr_select_inner(&mut self) -> Parse<NodeId> {
        let expr = self.expr_simple()?;
        match self.cur.kind {
            Tok::Dot => {
                self.bump();
                let path = self.attrpath()?;
                let mut end = self
                    .ast
                    .attr_span(*self.ast.attrs(path).last().expect("a path"));
                let default = if self.cur.kind == Tok::OrKw {
                    self.bump();
                    let d = self.expr_select()?;
                    end = self.ast.span(d);
                    Some(d)
                } else {
                    None
                };
                let span = self.ast.span(expr).to(end);
                Ok(self.node(
                    Node::Select {
                        expr,
                        path,
                        default,
                    },
                    span,
                ))
            }
            Tok::OrKw => {
                // Nix accepts `f or` as `f` applied to a variable `or` (old nixpkgs code).
                let or = self.bump();
                let arg = self.node(Node::Ident, span(or));
                let span = self.ast.span(expr).to(span(or));
                Ok(self.node(
                    Node::Apply {
                        function: expr,
                        arg,
                    },
                    span,
                ))
            }
            _ => Ok(expr),
        }
    }

    fn expr_simple(&mut self) -> Parse<NodeId> {
        let t = self.cur;
        let text = &self.src[t.start as usize..t.end as usize];
        match t.kind {
            Tok::Ident => {
                self.bump();
                let node = if text == "__curPos" {
                    Node::CurPos
                } else {
                    Node::Ident
                };
                Ok(self.node(node, span(t)))
            }
            Tok::OrKw => {
                self.bump();
                Ok(self.node(Node::OrKeyword, span(t)))
            }
            Tok::Int => {
                self.bump();
                Ok(self.node(Node::Int(text.parse().ok()), span(t)))
            }
            Tok::Float => {
                self.bump();
                Ok(self.node(Node::Float(text.parse().ok()), span(t)))
            }
            Tok::Uri => {
                self.bump();
                Ok(self.node(Node::Uri, span(t)))
            }
            Tok::SearchPath => {
                self.bump();
                Ok(self.node(Node::SearchPath, span(t)))
            }
            Tok::Quote => self.string(),
            Tok::IndOpen => self.indented_string(),
            Tok::Path | Tok::HomePath => self.path(t, false),
            Tok::PathSegInterpolation | Tok::HomeInterpolation => self.path(t, true),
            Tok::LParen => {
                self.bump();
                let inner = self.expr()?;
                let close = self.expect(Tok::RParen)?;
                Ok(self.node(Node::Paren(inner), span(t).to(span(close))))
            }
            Tok::LBrack => {
                self.bump();
                let first = self.scratch_nodes.len();
                while self.cur.kind != Tok::RBrack {
                    if !self.starts_select() {
                        return Err(self.unexpected());
                    }
                    let item = self.expr_select()?;
                    self.scratch_nodes.push(item);
                }
                let close = self.bump();
                let start = self.ast.children.len() as u32;
                self.ast.children.extend(self.scratch_nodes.drain(first..));
                let range = Range {
                    start,
                    len: self.ast.children.len() as u32 - start,
                };
                Ok(self.node(Node::List(range), span(t).to(span(close))))
            }
            Tok::Rec => {
                self.bump();
                self.expect(Tok::LBrace)?;
                let binds = self.binds(Tok::RBrace)?;
                let close = self.expect(Tok::RBrace)?;
                Ok(self.node(
                    Node::AttrSet {
                        rec: Some(span(t)),
                        binds,
                    },
                    span(t).to(span(close)),
                ))
            }
            Tok::LBrace => {
                self.bump();
                let binds = self.binds(Tok::RBrace)?;
                let close = self.expect(Tok::RBrace)?;
                Ok(self.node(Node::AttrSet { rec: None, binds }, span(t).to(span(close))))
            }
            Tok::Let => {
                self.bump();
                self.expect(Tok::LBrace)?;
                let binds = self.binds(Tok::RBrace)?;
                let close = self.expect(Tok::RBrace)?;
                Ok(self.node(
                    Node::LegacyLet {
                        keyword: span(t),
                        binds,
                    },
                    span(t).to(span(close)),
                ))
            }
            _ => Err(self.unexpected()),
        }
    }

    // Bindings and attribute paths.

    /// Bindings up to `end` (`}` or `in`, not consumed).
    fn binds(&mut self, end: Tok) -> Parse<Range> {
        let first = self.scratch_binds.len();
        while self.cur.kind != end {
            let start = self.cur;
            if self.cur.kind == Tok::Inherit {
                self.bump();
                let from = if self.cur.kind == Tok::LParen {
                    self.bump();
                    let e = self.expr()?;
                    self.expect(Tok::RParen)?;
                    Some(e)
                } else {
                    None
                };
                let first_name = self.scratch_attrs.len();
                while matches!(
                    self.cur.kind,
                    Tok::Ident | Tok::OrKw | Tok::Quote | Tok::DollarCurly
                ) {
                    let name = self.attr()?;
                    self.scratch_attrs.push(name);
                }
                let semi = self.expect(Tok::Semi)?;
                let names = self.take_attrs(first_name);
                self.scratch_binds.push(Bind::Inherit {
                    from,
                    names,
                    span: span(start).to(span(semi)),
                });
            } else {
                let path = self.attrpath()?;
                self.expect(Tok::Assign)?;
                // `a.b.c = v` nests `v` in sets as `a = { b = { c = v; }; }` would, and
                // counts against the limit the same way.
                let levels = path.len.saturating_sub(1);
                self.max_depth = self.max_depth.max(self.depth.saturating_add(levels));
                if self.levels.saturating_add(levels) > MAX_NESTING {
                    // Attribute `i` of the path nests the value `i` levels deeper.
                    let at = path.start + (MAX_NESTING - self.levels) + 1;
                    let s = self.ast.attr_span(self.ast.attrs[at as usize]);
                    return Err(self.too_deep(s.start, s.end));
                }
                self.levels += levels;
                let value = self.expr();
                self.levels -= levels;
                let value = value?;
                let semi = self.expect(Tok::Semi)?;
                self.scratch_binds.push(Bind::Value {
                    path,
                    value,
                    span: span(start).to(span(semi)),
                });
            }
        }
        let start = self.ast.binds.len() as u32;
        self.ast.binds.extend(self.scratch_binds.drain(first..));
        Ok(Range {
            start,
            len: self.ast.binds.len() as u32 - start,
        })
    }

    /// Moves the attributes collected since `first` into the tree.
    fn take_attrs(&mut self, first: usize) -> Range {
        let start = self.ast.attrs.len() as u32;
        self.ast.attrs.extend(self.scratch_attrs.drain(first..));
        Range {
            start,
            len: self.ast.attrs.len() as u32 - start,
        }
    }

    fn attrpath(&mut self) -> Parse<Range> {
        let first = self.scratch_attrs.len();
        let attr = self.attr()?;
        self.scratch_attrs.push(attr);
        while self.cur.kind == Tok::Dot {
            self.bump();
            let attr = self.attr()?;
            self.scratch_attrs.push(attr);
        }
        Ok(self.take_attrs(first))
    }

    fn attr(&mut self) -> Parse<Attr> {
        match self.cur.kind {
            Tok::Ident | Tok::OrKw => Ok(Attr::Ident(span(self.bump()))),
            Tok::Quote => Ok(Attr::Str(self.string()?)),
            Tok::DollarCurly => {
                let open = self.bump();
                let e = self.expr()?;
                let close = self.expect(Tok::RBrace)?;
                Ok(Attr::Dynamic(e, span(open).to(span(close))))
            }
            _ => Err(self.unexpected()),
        }
    }

    // Literals.

    /// The expression of an interpolation whose `${` ends at `pos`; returns it, its span
    /// (from `${` to `}`) and where the literal text continues.
    fn interpolation(&mut self, open: usize, pos: usize) -> Parse<(NodeId, Span, usize)> {
        self.resume_code(pos);
        let e = self.expr()?;
        if self.cur.kind != Tok::RBrace {
            return Err(self.unexpected());
        }
        let end = self.cur.end;
        Ok((e, Span::new(open as u32, end), end as usize))
    }

    /// `"…"`, the current token being the opening quote.
    fn string(&mut self) -> Parse<NodeId> {
        let open = self.cur;
        let bytes = self.src.as_bytes();
        // Most strings are plain text: copy it as it is.
        let body = open.end as usize;
        if let Some(n) = bytes[body..]
            .iter()
            .position(|&b| matches!(b, b'"' | b'\\' | b'$' | b'\r'))
        {
            let close = body + n;
            if bytes[close] == b'"' {
                self.no_nul(&bytes[body..close], body)?;
                let start = self.ast.parts.len() as u32;
                if n > 0 {
                    self.push_literal(&bytes[body..close]);
                }
                let parts = Range {
                    start,
                    len: self.ast.parts.len() as u32 - start,
                };
                self.resume_code(close + 1);
                return Ok(self.node(Node::Str(parts), Span::new(open.start, close as u32 + 1)));
            }
        }
        let mut pieces: Vec<Piece<(NodeId, Span)>> = Vec::new();
        let mut i = open.end as usize;
        let mut seg = i;
        let close = loop {
            match bytes.get(i) {
                None => return Err(self.fail_at(i as u32, i as u32, EOF_CODE, EOF_MESSAGE)),
                Some(b'"') => {
                    let text = strings::unescape_double_quoted(&self.src[seg..i]);
                    self.no_nul(&text, seg)?;
                    push_text(&mut pieces, text, false);
                    break i;
                }
                Some(b'\\') => {
                    if i + 1 >= bytes.len() {
                        return Err(self.fail_at(i as u32, i as u32, EOF_CODE, EOF_MESSAGE));
                    }
                    i += 1 + utf8_len(bytes[i + 1]);
                }
                Some(b'$') => match bytes.get(i + 1) {
                    Some(b'{') => {
                        let text = strings::unescape_double_quoted(&self.src[seg..i]);
                        self.no_nul(&text, seg)?;
                        push_text(&mut pieces, text, false);
                        let (e, span, next) = self.interpolation(i, i + 2)?;
                        pieces.push(Piece::Interpolation((e, span)));
                        i = next;
                        seg = i;
                    }
                    Some(b'"') | Some(b'\\') => i += 1,
                    Some(&b) => i += 1 + utf8_len(b),
                    None => return Err(self.fail_at(i as u32, i as u32, EOF_CODE, EOF_MESSAGE)),
                },
                Some(&b) => i += utf8_len(b),
            }
        };
        let parts = self.push_parts(pieces);
        self.resume_code(close + 1);
        Ok(self.node(Node::Str(parts), Span::new(open.start, close as u32 + 1)))
    }

    /// `''…''`, the current token being the opening `''` (with what it swallowed).
    fn indented_string(&mut self) -> Parse<NodeId> {
        let open = self.cur;
        let bytes = self.src.as_bytes();
        let mut pieces: Vec<Piece<(NodeId, Span)>> = Vec::new();
        let mut i = open.end as usize;
        // Text of the lexer's main IND_STR rule, whose leading spaces may be stripped.
        let mut text_start = i;
        let eof = |i: usize| Failure {
            start: i as u32,
            end: i as u32,
            code: EOF_CODE,
            message: EOF_MESSAGE.into(),
            depth: 0,
        };
        let close = loop {
            let Some(&b) = bytes.get(i) else {
                return Err(eof(i));
            };
            let next = bytes.get(i + 1).copied();
            match (b, next) {
                (b'\'', Some(b'\'')) => {
                    let special: Option<(Vec<u8>, usize)> = match bytes.get(i + 2) {
                        Some(b'$') => Some((b"$".to_vec(), 3)),
                        Some(b'\'') => Some((b"''".to_vec(), 3)),
                        Some(b'\\') => {
                            let Some(&c) = bytes.get(i + 3) else {
                                return Err(eof(i + 3));
                            };
                            // `''\` escapes one character (a whole UTF-8 sequence).
                            let end = (i + 3 + utf8_len(c)).min(bytes.len());
                            Some((
                                strings::unescape_double_quoted(&self.src[i + 2..end]),
                                end - i,
                            ))
                        }
                        _ => None,
                    };
                    self.no_nul(&bytes[text_start..i], text_start)?;
                    push_text(&mut pieces, bytes[text_start..i].to_vec(), true);
                    match special {
                        Some((text, len)) => {
                            self.no_nul(&text, i)?;
                            push_text(&mut pieces, text, false);
                            i += len;
                            text_start = i;
                        }
                        None => break i,
                    }
                }
                (b'$', Some(b'{')) => {
                    self.no_nul(&bytes[text_start..i], text_start)?;
                    push_text(&mut pieces, bytes[text_start..i].to_vec(), true);
                    let (e, span, next) = self.interpolation(i, i + 2)?;
                    pieces.push(Piece::Interpolation((e, span)));
                    i = next;
                    text_start = i;
                }
                // A lone `$` or `'` (before `''`, `'$`, or the end) is a token of its own.
                (b'$', Some(b'\'') | None) | (b'\'', Some(b'$') | None) => {
                    self.no_nul(&bytes[text_start..i], text_start)?;
                    push_text(&mut pieces, bytes[text_start..i].to_vec(), true);
                    push_text(&mut pieces, vec![b], false);
                    i += 1;
                    text_start = i;
                }
                (b'$' | b'\'', Some(c)) => i += 1 + utf8_len(c),
                _ => i += 1,
            }
        };
        let pieces = strings::strip_indentation(pieces);
        let parts = self.push_parts(pieces);
        self.resume_code(close + 2);
        Ok(self.node(Node::Str(parts), Span::new(open.start, close as u32 + 2)))
    }

    /// A piece of a string literal's text (as Nix's lexer cuts it into tokens: the text between
    /// interpolations, escapes unescaped; in `''…''` strings before indentation is stripped)
    /// may not hold NUL, as in Nix 2.26 and later (its lexer's `forceNoNullByte`; Nix 2.8 cut
    /// the string at it). The error is at the start of the piece, as Nix reports it.
    fn no_nul(&self, text: &[u8], at: usize) -> Parse<()> {
        match crate::value::nul_shown(text) {
            None => Ok(()),
            Some(shown) => Err(self.fail_at(
                at as u32,
                at as u32,
                "syntax::nul_in_string",
                crate::error::ErrorKind::NulInString { shown }.to_string(),
            )),
        }
    }

    fn push_parts(&mut self, pieces: Vec<Piece<(NodeId, Span)>>) -> Range {
        let start = self.ast.parts.len() as u32;
        for p in pieces {
            match p {
                // Nix's lexer produces no empty pieces.
                Piece::Text { bytes, .. } if bytes.is_empty() => {}
                Piece::Text { bytes, .. } => {
                    let at = self.ast.bytes.len() as u32;
                    self.ast.bytes.extend_from_slice(&bytes);
                    self.ast.parts.push(Part::Literal {
                        start: at,
                        len: bytes.len() as u32,
                    });
                }
                Piece::Interpolation((e, span)) => {
                    self.ast.parts.push(Part::Interpolation(e, span))
                }
            }
        }
        Range {
            start,
            len: self.ast.parts.len() as u32 - start,
        }
    }

    fn push_literal(&mut self, text: &[u8]) {
        let at = self.ast.bytes.len() as u32;
        self.ast.bytes.extend_from_slice(text);
        self.ast.parts.push(Part::Literal {
            start: at,
            len: text.len() as u32,
        });
    }

    /// A path literal; `interpolating` when the token ended with `${`.
    fn path(&mut self, t: Token, interpolating: bool) -> Parse<NodeId> {
        let bytes = self.src.as_bytes();
        let first = self.ast.parts.len() as u32;
        let token_end = t.end as usize;
        let prefix_end = if interpolating {
            token_end - 2
        } else {
            token_end
        };
        let prefix = &self.src[t.start as usize..prefix_end];
        let trailing_slash = |p: &Parser, s: usize, e: usize| {
            p.fail_at(
                s as u32,
                e as u32,
                "syntax::path_trailing_slash",
                format!("path '{}' has a trailing slash", &p.src[s..e]),
            )
        };
        self.push_literal(prefix.as_bytes());
        // Where the path's text ends, and whether it continues with `${` there.
        let mut end = prefix_end;
        let mut open = if interpolating {
            Some(prefix_end)
        } else if bytes.get(end) == Some(&b'$') && bytes.get(end + 1) == Some(&b'{') {
            Some(end)
        } else {
            if prefix.ends_with('/') {
                return Err(trailing_slash(self, t.start as usize, end));
            }
            None
        };
        while let Some(at) = open {
            let (e, span, next) = self.interpolation(at, at + 2)?;
            self.ast.parts.push(Part::Interpolation(e, span));
            end = next;
            // Literal text after the interpolation: the longest of Nix's `{PATH}`,
            // `{PATH_SEG}` and `{PATH_CHAR}+` rules.
            let mut j = end;
            while bytes.get(j).is_some_and(|&b| is_path_char(b)) {
                j += 1;
            }
            while bytes.get(j) == Some(&b'/') && bytes.get(j + 1).is_some_and(|&b| is_path_char(b))
            {
                j += 1;
                while bytes.get(j).is_some_and(|&b| is_path_char(b)) {
                    j += 1;
                }
            }
            if bytes.get(j) == Some(&b'/') {
                j += 1;
            }
            if j > end {
                let text = self.src[end..j].to_owned();
                self.push_literal(text.as_bytes());
                end = j;
            }
            open = if bytes.get(end) == Some(&b'$') && bytes.get(end + 1) == Some(&b'{') {
                Some(end)
            } else {
                if bytes[..end].ends_with(b"/") {
                    return Err(trailing_slash(self, t.start as usize, end));
                }
                None
            };
        }
        let parts = Range {
            start: first,
            len: self.ast.parts.len() as u32 - first,
        };
        if interpolating || parts.len > 1 {
            self.resume_code(end);
        } else {
            self.bump();
        }
        Ok(self.node(Node::Path(parts), Span::new(t.start, end as u32)))
    }
}

fn span_of(t: Token) -> Span {
    span(t)
}

fn push_text(pieces: &mut Vec<Piece<(NodeId, Span)>>, bytes: Vec<u8>, indented: bool) {
    if !bytes.is_empty() {
        pieces.push(Piece::Text { bytes, indented });
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}
