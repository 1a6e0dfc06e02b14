//! rnix's lossless, error-tolerant tree turned into our syntax tree, for files that do not
//! parse: an editor's file is broken most of the time it is being typed, and the language
//! server still resolves its names. A pure syntax walk — every scoping rule stays in the one
//! resolver, which then runs over the converted tree as over any other.

use rnix::ast::{self, HasEntry};
use rowan::ast::AstNode;

use crate::lower::strings::{self, Piece};
use crate::parse::ast::{Ast, Attr, BinOp, Bind, Formal, Node, NodeId, Param, Part, Range, Span};
use crate::syntax::{literal_parts, Part as RawPart};

/// Converts a parsed (possibly broken) file.
pub fn convert(root: &ast::Root) -> Ast {
    let mut c = Converter {
        ast: Ast::default(),
    };
    let top = root.expr().map(|e| c.expr(&e));
    c.ast.root = top;
    c.ast
}

struct Converter {
    ast: Ast,
}

fn span(node: &impl AstNode) -> Span {
    let r = node.syntax().text_range();
    Span::new(r.start().into(), r.end().into())
}

fn token_span(t: &rnix::SyntaxToken) -> Span {
    let r = t.text_range();
    Span::new(r.start().into(), r.end().into())
}

impl Converter {
    fn missing(&mut self, at: Span) -> NodeId {
        self.ast.push(Node::Missing, at)
    }

    fn opt(&mut self, e: Option<ast::Expr>, parent: Span) -> NodeId {
        match e {
            Some(e) => self.expr(&e),
            None => self.missing(Span::new(parent.end, parent.end)),
        }
    }

    fn expr(&mut self, e: &ast::Expr) -> NodeId {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_inner(e))
    }

    fn expr_inner(&mut self, e: &ast::Expr) -> NodeId {
        let s = span(e);
        let node = match e {
            ast::Expr::Paren(p) => Node::Paren(self.opt(p.expr(), s)),
            ast::Expr::Root(r) => Node::Paren(self.opt(r.expr(), s)),
            ast::Expr::Literal(lit) => match lit.kind() {
                ast::LiteralKind::Integer(i) => Node::Int(i.value().ok()),
                ast::LiteralKind::Float(f) => Node::Float(f.value().ok()),
                ast::LiteralKind::Uri(_) => Node::Uri,
            },
            ast::Expr::Ident(id) => {
                let is_or = id.ident_token().is_some_and(|t| t.text() == "or");
                // Nix accepts `or` as a function argument, `f or`, for old nixpkgs code.
                let is_argument = id
                    .syntax()
                    .parent()
                    .and_then(ast::Apply::cast)
                    .and_then(|a| a.argument())
                    .is_some_and(|arg| arg.syntax() == id.syntax());
                if is_or && !is_argument {
                    Node::OrKeyword
                } else {
                    Node::Ident
                }
            }
            ast::Expr::Str(st) => Node::Str(self.string(st)),
            ast::Expr::PathAbs(_) | ast::Expr::PathRel(_) | ast::Expr::PathHome(_) => {
                Node::Path(self.path(e))
            }
            ast::Expr::PathSearch(_) => Node::SearchPath,
            ast::Expr::List(list) => {
                let items: Vec<NodeId> = list.items().map(|i| self.expr(&i)).collect();
                Node::List(self.children(items))
            }
            ast::Expr::AttrSet(set) => Node::AttrSet {
                rec: set.rec_token().map(|t| token_span(&t)),
                binds: self.binds(set.entries()),
            },
            ast::Expr::LetIn(l) => {
                let binds = self.binds(l.entries());
                Node::LetIn {
                    binds,
                    body: self.opt(l.body(), s),
                }
            }
            ast::Expr::LegacyLet(l) => Node::LegacyLet {
                keyword: l.let_token().map_or(s, |t| token_span(&t)),
                binds: self.binds(l.entries()),
            },
            ast::Expr::Lambda(l) => {
                let param = self.param(l.param());
                Node::Lambda {
                    param,
                    body: self.opt(l.body(), s),
                }
            }
            ast::Expr::Apply(a) => {
                let function = self.opt(a.lambda(), s);
                let arg = self.opt(a.argument(), s);
                Node::Apply { function, arg }
            }
            ast::Expr::Select(sel) => {
                let expr = self.opt(sel.expr(), s);
                let path = self.attrpath(sel.attrpath());
                let default = sel.default_expr().map(|d| self.expr(&d));
                Node::Select {
                    expr,
                    path,
                    default,
                }
            }
            ast::Expr::HasAttr(h) => {
                let expr = self.opt(h.expr(), s);
                Node::HasAttr {
                    expr,
                    path: self.attrpath(h.attrpath()),
                }
            }
            ast::Expr::With(w) => {
                let namespace = self.opt(w.namespace(), s);
                Node::With {
                    namespace,
                    body: self.opt(w.body(), s),
                }
            }
            ast::Expr::IfElse(i) => {
                let cond = self.opt(i.condition(), s);
                let then = self.opt(i.body(), s);
                Node::If {
                    cond,
                    then,
                    otherwise: self.opt(i.else_body(), s),
                }
            }
            ast::Expr::Assert(a) => {
                let cond = self.opt(a.condition(), s);
                Node::Assert {
                    cond,
                    body: self.opt(a.body(), s),
                }
            }
            ast::Expr::UnaryOp(u) => {
                let operand = self.opt(u.expr(), s);
                match u.operator() {
                    Some(ast::UnaryOpKind::Invert) => Node::Not(operand),
                    _ => Node::Negate(operand),
                }
            }
            ast::Expr::BinOp(b) => {
                use ast::BinOpKind as K;
                let Some(kind) = b.operator() else {
                    return self.missing(s);
                };
                let op = match kind {
                    K::Concat => BinOp::Concat,
                    K::Update => BinOp::Update,
                    K::Add => BinOp::Add,
                    K::Sub => BinOp::Sub,
                    K::Mul => BinOp::Mul,
                    K::Div => BinOp::Div,
                    K::And => BinOp::And,
                    K::Equal => BinOp::Eq,
                    K::Implication => BinOp::Implies,
                    K::Less => BinOp::Less,
                    K::LessOrEq => BinOp::LessEq,
                    K::More => BinOp::Greater,
                    K::MoreOrEq => BinOp::GreaterEq,
                    K::NotEqual => BinOp::NotEq,
                    K::Or => BinOp::Or,
                    K::PipeLeft | K::PipeRight => BinOp::Pipe,
                };
                let lhs = self.opt(b.lhs(), s);
                let rhs = self.opt(b.rhs(), s);
                Node::Binary { op, lhs, rhs }
            }
            ast::Expr::CurPos(_) => Node::CurPos,
            ast::Expr::Error(_) => Node::Missing,
        };
        self.ast.push(node, s)
    }

    fn children(&mut self, items: Vec<NodeId>) -> Range {
        let start = self.ast.children.len() as u32;
        self.ast.children.extend(items);
        Range {
            start,
            len: self.ast.children.len() as u32 - start,
        }
    }

    fn param(&mut self, p: Option<ast::Param>) -> Param {
        match p {
            Some(ast::Param::IdentParam(p)) => match p.ident() {
                Some(id) => Param::Ident(span(&id)),
                None => Param::Missing,
            },
            Some(ast::Param::Pattern(pat)) => {
                let mut formals = Vec::new();
                for entry in pat.pat_entries() {
                    let Some(ident) = entry.ident() else {
                        continue;
                    };
                    let default = entry.default().map(|d| self.expr(&d));
                    formals.push(Formal {
                        name: span(&ident),
                        default,
                        span: span(&entry),
                    });
                }
                let start = self.ast.formals.len() as u32;
                self.ast.formals.extend(formals);
                Param::Pattern {
                    entries: Range {
                        start,
                        len: self.ast.formals.len() as u32 - start,
                    },
                    ellipsis: pat.ellipsis_token().is_some(),
                    at: pat.pat_bind().and_then(|b| b.ident()).map(|i| span(&i)),
                }
            }
            None => Param::Missing,
        }
    }

    fn binds(&mut self, entries: impl Iterator<Item = ast::Entry>) -> Range {
        let mut binds = Vec::new();
        for entry in entries {
            match entry {
                ast::Entry::Inherit(inh) => {
                    let s = span(&inh);
                    let from = inh.from().map(|f| {
                        let fs = span(&f);
                        self.opt(f.expr(), fs)
                    });
                    let names: Vec<Attr> = inh.attrs().map(|a| self.attr(&a)).collect();
                    let names = self.attrs(names);
                    binds.push(Bind::Inherit {
                        from,
                        names,
                        span: s,
                    });
                }
                ast::Entry::AttrpathValue(apv) => {
                    let (Some(path), Some(value)) = (apv.attrpath(), apv.value()) else {
                        continue;
                    };
                    let s = span(&apv);
                    let attrs: Vec<Attr> = path.attrs().map(|a| self.attr(&a)).collect();
                    let path = self.attrs(attrs);
                    let value = self.expr(&value);
                    binds.push(Bind::Value {
                        path,
                        value,
                        span: s,
                    });
                }
            }
        }
        let start = self.ast.binds.len() as u32;
        self.ast.binds.extend(binds);
        Range {
            start,
            len: self.ast.binds.len() as u32 - start,
        }
    }

    fn attrs(&mut self, attrs: Vec<Attr>) -> Range {
        let start = self.ast.attrs.len() as u32;
        self.ast.attrs.extend(attrs);
        Range {
            start,
            len: self.ast.attrs.len() as u32 - start,
        }
    }

    fn attrpath(&mut self, path: Option<ast::Attrpath>) -> Range {
        let attrs: Vec<Attr> = path
            .iter()
            .flat_map(|p| p.attrs())
            .map(|a| self.attr(&a))
            .collect();
        self.attrs(attrs)
    }

    fn attr(&mut self, attr: &ast::Attr) -> Attr {
        match attr {
            ast::Attr::Ident(id) => Attr::Ident(span(id)),
            ast::Attr::Str(st) => {
                let parts = self.string(st);
                Attr::Str(self.ast.push(Node::Str(parts), span(st)))
            }
            ast::Attr::Dynamic(d) => {
                let s = span(d);
                Attr::Dynamic(self.opt(d.expr(), s), s)
            }
        }
    }

    fn push_parts(&mut self, pieces: Vec<Piece<(NodeId, Span)>>) -> Range {
        let start = self.ast.parts.len() as u32;
        for p in pieces {
            match p {
                Piece::Text { bytes, .. } if bytes.is_empty() => {}
                Piece::Text { bytes, .. } => {
                    let at = self.ast.bytes.len() as u32;
                    self.ast.bytes.extend_from_slice(&bytes);
                    self.ast.parts.push(Part::Literal {
                        start: at,
                        len: bytes.len() as u32,
                    });
                }
                Piece::Interpolation((e, s)) => self.ast.parts.push(Part::Interpolation(e, s)),
            }
        }
        Range {
            start,
            len: self.ast.parts.len() as u32 - start,
        }
    }

    /// A string's pieces, escapes and indentation processed as our parser processes them.
    fn string(&mut self, st: &ast::Str) -> Range {
        let indented = st.syntax().first_token().is_some_and(|t| t.text() == "''");
        let mut pieces: Vec<Piece<(NodeId, Span)>> = Vec::new();
        for (i, part) in literal_parts(st.syntax()).into_iter().enumerate() {
            match part {
                RawPart::Literal(lit) => {
                    let mut text = lit.as_str();
                    if indented {
                        if i == 0 {
                            // The lexer swallows spaces and one newline right after `''`.
                            let spaces = text.len() - text.trim_start_matches(' ').len();
                            if text[spaces..].starts_with('\n') {
                                text = &text[spaces + 1..];
                            }
                        }
                        let mut raw = Vec::new();
                        strings::lex_indented_segment(text, &mut raw);
                        pieces.extend(raw.into_iter().map(|p| match p {
                            Piece::Text { bytes, indented } => Piece::Text { bytes, indented },
                            Piece::Interpolation(()) => unreachable!("segments hold none"),
                        }));
                    } else {
                        pieces.push(Piece::Text {
                            bytes: strings::unescape_double_quoted(text),
                            indented: false,
                        });
                    }
                }
                RawPart::Interpolation(interp) => {
                    let s = span(&interp);
                    let e = self.opt(interp.expr(), s);
                    pieces.push(Piece::Interpolation((e, s)));
                }
            }
        }
        if indented {
            pieces = strings::strip_indentation(pieces);
        }
        self.push_parts(pieces)
    }

    fn path(&mut self, e: &ast::Expr) -> Range {
        let mut pieces = Vec::new();
        for part in literal_parts(e.syntax()) {
            match part {
                RawPart::Literal(lit) => pieces.push(Piece::Text {
                    bytes: lit.into_bytes(),
                    indented: false,
                }),
                RawPart::Interpolation(interp) => {
                    let s = span(&interp);
                    let e = self.opt(interp.expr(), s);
                    pieces.push(Piece::Interpolation((e, s)));
                }
            }
        }
        self.push_parts(pieces)
    }
}
