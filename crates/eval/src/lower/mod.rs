//! Lowering: rnix's syntax tree to the evaluator's IR.
//!
//! This is where Nix's parse-time semantics live: variables are resolved to frame slots (or to
//! `with` lookups, or to builtins), nested attribute paths are merged, the operators that Nix
//! defines as calls (`-`, `*`, `/`, `<`, unary minus, `<path>`) are desugared, string escapes and
//! indentation are processed, and paths are made absolute against the file's directory. Every
//! error found is collected; lowering never stops at the first.

mod bindings;
mod scope;
pub mod strings;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rnix::ast::{self, AstToken, HasEntry};
use rowan::ast::AstNode;

use crate::ir::*;
use crate::source::{FileId, Span};
use crate::symbol::Symbol;
use crate::syntax::{span_of, SyntaxError};
use crate::value::{NixString, Value};
use scope::{Scope, Scopes};
use strings::Piece;

pub use bindings::PendingAttrs;

/// What lowering needs to know about its surroundings.
pub struct LowerContext<'a> {
    pub file: FileId,
    /// The directory relative paths are resolved against.
    pub base_dir: &'a Path,
    /// `$HOME`, for `~/…` paths.
    pub home: Option<&'a Path>,
    /// The names every file sees: `builtins`, `true`, `map`, `__sub`, ….
    pub globals: &'a HashMap<Symbol, Value>,
    /// Extra names in a frame around the file (`scopedImport`'s scope), in slot order.
    pub outer_frame: Option<&'a [Symbol]>,
}

pub struct Lowerer<'a> {
    ctx: &'a LowerContext<'a>,
    scopes: Scopes<'a>,
    errors: Vec<SyntaxError>,
}

/// Lowers a parsed file. The result is leaked: lowered code lives for the whole evaluation.
pub fn lower_root(ctx: &LowerContext<'_>, root: &ast::Root) -> Result<ExprRef, Vec<SyntaxError>> {
    let mut l = Lowerer {
        ctx,
        scopes: Scopes::new(ctx.globals),
        errors: Vec::new(),
    };
    if let Some(names) = ctx.outer_frame {
        let map = names
            .iter()
            .enumerate()
            .map(|(i, n)| (*n, i as u32))
            .collect();
        l.scopes.push(Scope::Frame(map));
    }
    let expr = match root.expr() {
        Some(e) => l.expr(&e),
        None => {
            l.error(
                l.span(root.syntax()),
                "syntax::empty",
                "syntax error, the file has no expression",
            );
            leak(Expr::Const(Value::Null))
        }
    };
    if l.errors.is_empty() {
        Ok(expr)
    } else {
        Err(l.errors)
    }
}

pub fn leak(e: Expr) -> ExprRef {
    Box::leak(Box::new(e))
}

impl<'a> Lowerer<'a> {
    fn span(&self, node: &rnix::SyntaxNode) -> Span {
        span_of(self.ctx.file, node.text_range())
    }

    fn error(&mut self, span: Span, code: &'static str, message: impl Into<String>) {
        self.errors.push(SyntaxError::new(span, code, message));
    }

    fn placeholder(&self) -> ExprRef {
        leak(Expr::Const(Value::Null))
    }

    pub fn expr(&mut self, e: &ast::Expr) -> ExprRef {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_inner(e))
    }

    fn expr_inner(&mut self, e: &ast::Expr) -> ExprRef {
        let span = self.span(e.syntax());
        match e {
            ast::Expr::Paren(p) => match p.expr() {
                Some(inner) => self.expr(&inner),
                None => self.placeholder(),
            },
            ast::Expr::Root(r) => match r.expr() {
                Some(inner) => self.expr(&inner),
                None => self.placeholder(),
            },
            ast::Expr::Literal(lit) => self.literal(lit, span),
            ast::Expr::Ident(id) => {
                let name = ident_text(id);
                // `or` is a keyword that Nix accepts only as an attribute name.
                // (Nix accepts it as a function argument, `f or`, for old nixpkgs code.)
                let is_argument = id
                    .syntax()
                    .parent()
                    .and_then(ast::Apply::cast)
                    .and_then(|a| a.argument())
                    .is_some_and(|arg| arg.syntax() == id.syntax());
                if name == "or" && !is_argument {
                    self.error(span, "syntax::or_keyword", "syntax error, unexpected 'or' (it is a keyword; only attribute names may be 'or')");
                    return self.placeholder();
                }
                self.variable(&name, span)
            }
            ast::Expr::Str(s) => self.string(s, span),
            ast::Expr::PathAbs(_) | ast::Expr::PathRel(_) | ast::Expr::PathHome(_) => {
                self.path(e, span)
            }
            ast::Expr::PathSearch(p) => self.search_path(p, span),
            ast::Expr::List(list) => {
                let items: Vec<ExprRef> = list.items().map(|i| self.expr(&i)).collect();
                leak(Expr::List(items.into()))
            }
            ast::Expr::AttrSet(set) => self.attr_set(set, span),
            ast::Expr::LetIn(l) => self.let_in(l, span),
            ast::Expr::LegacyLet(l) => self.legacy_let(l, span),
            ast::Expr::Lambda(l) => self.lambda(l, span),
            ast::Expr::Apply(_) => self.apply(e, span),
            ast::Expr::Select(s) => self.select(s, span),
            ast::Expr::HasAttr(h) => {
                let expr = self.opt_expr(h.expr());
                let path = self.attr_path(h.attrpath());
                leak(Expr::HasAttr(Box::new(HasAttr { expr, path, span })))
            }
            ast::Expr::With(w) => {
                let namespace = self.opt_expr(w.namespace());
                self.scopes.push(Scope::With);
                let body = self.opt_expr(w.body());
                self.scopes.pop();
                leak(Expr::With(Box::new(With {
                    namespace,
                    body,
                    span,
                })))
            }
            ast::Expr::IfElse(i) => {
                let cond = self.opt_expr(i.condition());
                let then = self.opt_expr(i.body());
                let otherwise = self.opt_expr(i.else_body());
                leak(Expr::If(Box::new(If {
                    cond,
                    then,
                    otherwise,
                    span,
                })))
            }
            ast::Expr::Assert(a) => {
                let text = a
                    .condition()
                    .map(|c| crate::show::show_expr(&c, self.ctx.base_dir, self.ctx.home))
                    .unwrap_or_default();
                let cond_span = a.condition().map(|c| self.span(c.syntax())).unwrap_or(span);
                let cond = self.opt_expr(a.condition());
                let body = self.opt_expr(a.body());
                leak(Expr::Assert(Box::new(Assert {
                    cond,
                    body,
                    text: text.into(),
                    span,
                    cond_span,
                })))
            }
            ast::Expr::UnaryOp(u) => {
                let operand = self.opt_expr(u.expr());
                match u.operator() {
                    Some(ast::UnaryOpKind::Invert) => leak(Expr::Not(operand, span)),
                    _ => {
                        let zero = leak(Expr::Const(Value::Int(0)));
                        self.arith("__sub", BinaryOp::Sub, zero, operand, span)
                    }
                }
            }
            ast::Expr::BinOp(b) => self.binary(b, span),
            ast::Expr::CurPos(_) => leak(Expr::CurPos(span)),
            ast::Expr::Error(_) => self.placeholder(),
        }
    }

    fn opt_expr(&mut self, e: Option<ast::Expr>) -> ExprRef {
        match e {
            Some(e) => self.expr(&e),
            None => self.placeholder(),
        }
    }

    fn literal(&mut self, lit: &ast::Literal, span: Span) -> ExprRef {
        let value = match lit.kind() {
            ast::LiteralKind::Integer(i) => match i.value() {
                Ok(v) => Value::Int(v),
                Err(_) => {
                    self.error(
                        span,
                        "syntax::invalid_integer",
                        format!("invalid integer '{}'", i.syntax().text()),
                    );
                    Value::Null
                }
            },
            ast::LiteralKind::Float(f) => match f.value() {
                Ok(v) => Value::Float(v),
                Err(_) => {
                    self.error(
                        span,
                        "syntax::invalid_float",
                        format!("invalid float '{}'", f.syntax().text()),
                    );
                    Value::Null
                }
            },
            ast::LiteralKind::Uri(u) => Value::string(u.syntax().text()),
        };
        leak(Expr::Const(value))
    }

    fn variable(&mut self, name: &str, span: Span) -> ExprRef {
        let sym = Symbol::new(name);
        match self.scopes.resolve(sym, span, 0).into_expr() {
            Some(e) => leak(e),
            None => {
                self.error(
                    span,
                    "syntax::undefined_variable",
                    format!("undefined variable '{name}'"),
                );
                self.placeholder()
            }
        }
    }

    /// Resolves one of the names Nix's desugarings call (`__sub`, `__lessThan`, …).
    fn desugar_var(&mut self, name: &str, span: Span) -> ExprRef {
        self.variable(name, span)
    }

    fn arith(
        &mut self,
        name: &str,
        op: BinaryOp,
        lhs: ExprRef,
        rhs: ExprRef,
        span: Span,
    ) -> ExprRef {
        if self.scopes.is_unshadowed_global(Symbol::new(name)) {
            leak(Expr::Binary(Box::new(Binary { op, lhs, rhs, span })))
        } else {
            let function = self.desugar_var(name, span);
            leak(Expr::Call(Box::new(Call {
                function,
                args: vec![lhs, rhs].into(),
                span,
            })))
        }
    }

    fn binary(&mut self, b: &ast::BinOp, span: Span) -> ExprRef {
        use ast::BinOpKind as K;
        let op = match b.operator() {
            Some(op) => op,
            None => return self.placeholder(),
        };
        if matches!(op, K::PipeLeft | K::PipeRight) {
            self.error(span, "syntax::pipe_operator", "the pipe operators '|>' and '<|' are not part of the Nix language ntop implements (Nix 2.8)");
            return self.placeholder();
        }
        let lhs_span = b.lhs().map(|l| self.span(l.syntax())).unwrap_or(span);
        let rhs_span = b.rhs().map(|r| self.span(r.syntax())).unwrap_or(span);
        let lhs = self.opt_expr(b.lhs());
        let rhs = self.opt_expr(b.rhs());
        let simple = |op| leak(Expr::Binary(Box::new(Binary { op, lhs, rhs, span })));
        match op {
            K::Add => leak(Expr::Concat(Box::new(Concat {
                parts: vec![(lhs, lhs_span), (rhs, rhs_span)].into(),
                force_string: false,
                span,
            }))),
            K::Sub => self.arith("__sub", BinaryOp::Sub, lhs, rhs, span),
            K::Mul => self.arith("__mul", BinaryOp::Mul, lhs, rhs, span),
            K::Div => self.arith("__div", BinaryOp::Div, lhs, rhs, span),
            K::Less => self.comparison(BinaryOp::Less, lhs, rhs, span),
            K::More => self.comparison(BinaryOp::Greater, lhs, rhs, span),
            K::LessOrEq => self.comparison(BinaryOp::LessEq, lhs, rhs, span),
            K::MoreOrEq => self.comparison(BinaryOp::GreaterEq, lhs, rhs, span),
            K::Equal => simple(BinaryOp::Eq),
            K::NotEqual => simple(BinaryOp::NotEq),
            K::And => simple(BinaryOp::And),
            K::Or => simple(BinaryOp::Or),
            K::Implication => simple(BinaryOp::Implies),
            K::Update => simple(BinaryOp::Update),
            K::Concat => simple(BinaryOp::ConcatLists),
            K::PipeLeft | K::PipeRight => unreachable!("rejected above"),
        }
    }

    /// `<`, `>`, `<=`, `>=` are calls of `__lessThan` (swapped and/or negated).
    fn comparison(&mut self, op: BinaryOp, lhs: ExprRef, rhs: ExprRef, span: Span) -> ExprRef {
        if self.scopes.is_unshadowed_global(crate::sym!("__lessThan")) {
            return leak(Expr::Binary(Box::new(Binary { op, lhs, rhs, span })));
        }
        let f = self.desugar_var("__lessThan", span);
        let call = |a, b| {
            leak(Expr::Call(Box::new(Call {
                function: f,
                args: vec![a, b].into(),
                span,
            })))
        };
        match op {
            BinaryOp::Less => call(lhs, rhs),
            BinaryOp::Greater => call(rhs, lhs),
            BinaryOp::LessEq => leak(Expr::Not(call(rhs, lhs), span)),
            _ => leak(Expr::Not(call(lhs, rhs), span)),
        }
    }

    fn apply(&mut self, e: &ast::Expr, span: Span) -> ExprRef {
        // Flatten `f a b c` into one call with three arguments.
        let mut args = Vec::new();
        let mut head = e.clone();
        while let ast::Expr::Apply(a) = &head {
            match (a.lambda(), a.argument()) {
                (Some(f), Some(arg)) => {
                    args.push(arg);
                    head = f;
                }
                _ => return self.placeholder(),
            }
        }
        let function = self.expr(&head);
        let args: Vec<ExprRef> = args.iter().rev().map(|a| self.expr(a)).collect();
        leak(Expr::Call(Box::new(Call {
            function,
            args: args.into(),
            span,
        })))
    }

    fn select(&mut self, s: &ast::Select, span: Span) -> ExprRef {
        let mut expr = self.opt_expr(s.expr());
        let mut path = self.attr_path(s.attrpath()).into_vec();
        let default = s.default_expr().map(|d| self.expr(&d));
        // `builtins.foo` (with `builtins` not shadowed) is known now: select it once here
        // rather than on every evaluation. Only values that need no evaluation are taken.
        while let (
            Expr::Const(Value::Attrs(set)) | Expr::Resolved(Value::Attrs(set)),
            Some(AttrKey::Static(name)),
        ) = (expr, path.first())
        {
            match set.get(*name) {
                Some(v) if !matches!(v, Value::Thunk(_)) => {
                    expr = leak(Expr::Resolved(v.clone()));
                    path.remove(0);
                }
                _ => break,
            }
        }
        if path.is_empty() {
            return expr;
        }
        let path = path.into_boxed_slice();
        leak(Expr::Select(Box::new(Select {
            expr,
            path,
            default,
            span,
        })))
    }

    fn attr_path(&mut self, path: Option<ast::Attrpath>) -> Box<[AttrKey]> {
        let Some(path) = path else {
            return Box::new([]);
        };
        path.attrs().map(|a| self.attr_key(&a)).collect()
    }

    /// An attribute name: static when it is an identifier or a string without interpolation
    /// (also `${"…"}`, as Nix's parser does), dynamic otherwise.
    pub fn attr_key(&mut self, attr: &ast::Attr) -> AttrKey {
        if let Some(name) = self.static_attr_name(attr) {
            return AttrKey::Static(name);
        }
        let e = match attr {
            ast::Attr::Dynamic(d) => self.opt_expr(d.expr()),
            ast::Attr::Str(s) => {
                let span = self.span(s.syntax());
                self.string(s, span)
            }
            ast::Attr::Ident(_) => unreachable!("identifiers are static"),
        };
        AttrKey::Dynamic(e)
    }

    pub fn static_attr_name(&mut self, attr: &ast::Attr) -> Option<Symbol> {
        match attr {
            ast::Attr::Ident(id) => Some(Symbol::new(&ident_text(id))),
            ast::Attr::Str(s) => self.constant_string(s).map(|b| Symbol::from_bytes(&b)),
            ast::Attr::Dynamic(d) => match d.expr() {
                Some(ast::Expr::Str(s)) => self.constant_string(&s).map(|b| Symbol::from_bytes(&b)),
                _ => None,
            },
        }
    }

    /// The bytes of a string literal without interpolations.
    fn constant_string(&mut self, s: &ast::Str) -> Option<Vec<u8>> {
        let pieces = self.string_pieces(s);
        let mut out = Vec::new();
        for p in pieces {
            match p {
                Piece::Text { bytes, .. } => out.extend(bytes),
                Piece::Interpolation(_) => return None,
            }
        }
        Some(out)
    }

    fn string_pieces(&mut self, s: &ast::Str) -> Vec<Piece<ast::Interpol>> {
        let indented = s.syntax().first_token().is_some_and(|t| t.text() == "''");
        let mut raw_parts: Vec<Piece<ast::Interpol>> = Vec::new();
        let mut first = true;
        for part in crate::syntax::literal_parts(s.syntax()) {
            match part {
                crate::syntax::Part::Literal(lit) => {
                    let mut text = lit.as_str();
                    if indented {
                        if first {
                            // The lexer swallows spaces and one newline right after `''`.
                            let spaces = text.len() - text.trim_start_matches(' ').len();
                            if text[spaces..].starts_with('\n') {
                                text = &text[spaces + 1..];
                            }
                        }
                        let mut pieces = Vec::new();
                        strings::lex_indented_segment(text, &mut pieces);
                        raw_parts.extend(pieces.into_iter().map(|p| match p {
                            Piece::Text { bytes, indented } => Piece::Text { bytes, indented },
                            Piece::Interpolation(()) => {
                                unreachable!("segments hold no interpolation")
                            }
                        }));
                    } else {
                        raw_parts.push(Piece::Text {
                            bytes: strings::unescape_double_quoted(text),
                            indented: false,
                        });
                    }
                }
                crate::syntax::Part::Interpolation(i) => raw_parts.push(Piece::Interpolation(i)),
            }
            first = false;
        }
        if indented {
            strings::strip_indentation(raw_parts)
        } else {
            raw_parts
        }
    }

    fn string(&mut self, s: &ast::Str, span: Span) -> ExprRef {
        let pieces = self.string_pieces(s);
        let mut parts: Vec<(ExprRef, Span)> = Vec::new();
        let mut has_interpolation = false;
        for p in pieces {
            match p {
                Piece::Text { bytes, .. } => {
                    // Adjacent literal pieces stay separate parts, as in Nix; only empty pieces
                    // that Nix's lexer would not produce are dropped.
                    if bytes.is_empty() {
                        continue;
                    }
                    parts.push((
                        leak(Expr::Const(Value::String(NixString::from(bytes)))),
                        span,
                    ));
                }
                Piece::Interpolation(i) => {
                    has_interpolation = true;
                    let ispan = self.span(i.syntax());
                    let e = self.opt_expr(i.expr());
                    parts.push((e, ispan));
                }
            }
        }
        if !has_interpolation {
            let mut bytes = Vec::new();
            for (e, _) in &parts {
                if let Expr::Const(Value::String(s)) = e {
                    bytes.extend_from_slice(s.as_bytes());
                }
            }
            return leak(Expr::Const(Value::String(NixString::from(bytes))));
        }
        leak(Expr::Concat(Box::new(Concat {
            parts: parts.into(),
            force_string: true,
            span,
        })))
    }

    fn path(&mut self, e: &ast::Expr, span: Span) -> ExprRef {
        let parts = match e {
            ast::Expr::PathAbs(_) | ast::Expr::PathRel(_) | ast::Expr::PathHome(_) => {
                crate::syntax::literal_parts(e.syntax())
            }
            _ => unreachable!("only path expressions reach here"),
        };
        let mut lowered: Vec<(ExprRef, Span)> = Vec::new();
        let mut first = true;
        for part in parts {
            match part {
                crate::syntax::Part::Literal(lit) => {
                    let text = lit.as_str();
                    if first {
                        let Some(abs) = self.resolve_path_literal(text, span) else {
                            return self.placeholder();
                        };
                        let keep_slash = text.ends_with('/') && text.len() > 1;
                        let mut p = canonicalize_lexically(&abs);
                        if keep_slash {
                            let mut s = p.into_os_string();
                            s.push("/");
                            p = PathBuf::from(s);
                        }
                        lowered.push((leak(Expr::Const(Value::path(p))), span));
                    } else {
                        lowered.push((leak(Expr::Const(Value::string(text))), span));
                    }
                }
                crate::syntax::Part::Interpolation(i) => {
                    let ispan = self.span(i.syntax());
                    let e = self.opt_expr(i.expr());
                    lowered.push((e, ispan));
                }
            }
            first = false;
        }
        if lowered.len() == 1 {
            let text = e.syntax().text().to_string();
            if text.ends_with('/') && text.len() > 1 {
                self.error(
                    span,
                    "syntax::path_trailing_slash",
                    format!("path '{text}' has a trailing slash"),
                );
            }
            return lowered[0].0;
        }
        leak(Expr::Concat(Box::new(Concat {
            parts: lowered.into(),
            force_string: false,
            span,
        })))
    }

    fn resolve_path_literal(&mut self, text: &str, span: Span) -> Option<PathBuf> {
        if let Some(rest) = text.strip_prefix('~') {
            match self.ctx.home {
                Some(home) => {
                    let mut s = home.as_os_str().to_owned();
                    s.push(rest);
                    Some(PathBuf::from(s))
                }
                None => {
                    self.error(
                        span,
                        "syntax::no_home",
                        "cannot resolve '~/…' paths: HOME is not set",
                    );
                    None
                }
            }
        } else if text.starts_with('/') {
            Some(PathBuf::from(text))
        } else {
            Some(self.ctx.base_dir.join(text))
        }
    }

    fn search_path(&mut self, p: &ast::PathSearch, span: Span) -> ExprRef {
        let text = p.syntax().text().to_string();
        let inner = text
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string();
        let find_file = self.desugar_var("__findFile", span);
        let nix_path = self.desugar_var("__nixPath", span);
        let name = leak(Expr::Const(Value::string(inner)));
        leak(Expr::Call(Box::new(Call {
            function: find_file,
            args: vec![nix_path, name].into(),
            span,
        })))
    }

    fn lambda(&mut self, l: &ast::Lambda, span: Span) -> ExprRef {
        let (param, names) = match l.param() {
            Some(ast::Param::IdentParam(p)) => {
                let name = p.ident().map(|i| ident_text(&i)).unwrap_or_default();
                if name == "or" {
                    self.error(self.span(p.syntax()), "syntax::or_keyword", "syntax error, unexpected 'or' (it is a keyword and cannot name an argument)");
                }
                let sym = Symbol::new(&name);
                (Param::Ident(sym), vec![sym])
            }
            Some(ast::Param::Pattern(pat)) => {
                let mut names = Vec::new();
                let mut entries_ast = Vec::new();
                for entry in pat.pat_entries() {
                    let name = entry.ident().map(|i| ident_text(&i)).unwrap_or_default();
                    let sym = Symbol::new(&name);
                    let espan = self.span(entry.syntax());
                    if names.contains(&sym) {
                        self.error(
                            espan,
                            "syntax::duplicate_formal",
                            format!("duplicate formal function argument '{name}'"),
                        );
                    }
                    names.push(sym);
                    entries_ast.push((sym, entry.default(), espan));
                }
                let at = pat
                    .pat_bind()
                    .and_then(|b| b.ident())
                    .map(|i| Symbol::new(&ident_text(&i)));
                if let Some(at) = at {
                    if names.contains(&at) {
                        self.error(
                            span,
                            "syntax::duplicate_formal",
                            format!("duplicate formal function argument '{at}'"),
                        );
                    }
                    names.push(at);
                }
                let map = names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (*n, i as u32))
                    .collect();
                self.scopes.push(Scope::Frame(map));
                let entries: Vec<Formal> = entries_ast
                    .into_iter()
                    .map(|(name, default, span)| Formal {
                        name,
                        default: default.map(|d| self.expr(&d)),
                        span,
                    })
                    .collect();
                let body = self.opt_expr(l.body());
                self.scopes.pop();
                let formals = Formals {
                    entries: entries.into(),
                    ellipsis: pat.ellipsis_token().is_some(),
                    at,
                };
                let frame_size = names.len() as u32;
                return leak(Expr::Lambda(Box::new(Lambda {
                    name: Default::default(),
                    param: Param::Formals(Box::new(formals)),
                    body,
                    span,
                    frame_size,
                })));
            }
            None => (Param::Ident(crate::sym!("_")), vec![crate::sym!("_")]),
        };
        let map: HashMap<Symbol, u32> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (*n, i as u32))
            .collect();
        self.scopes.push(Scope::Frame(map));
        let body = self.opt_expr(l.body());
        self.scopes.pop();
        leak(Expr::Lambda(Box::new(Lambda {
            name: Default::default(),
            param,
            body,
            span,
            frame_size: 1,
        })))
    }

    fn attr_set(&mut self, set: &ast::AttrSet, span: Span) -> ExprRef {
        let recursive = set.rec_token().is_some();
        let mut pending = PendingAttrs::new(recursive, span);
        self.collect_entries(&mut pending, set.entries());
        let bindings = self.lower_pending(recursive, pending);
        leak(Expr::Attrs(Box::new(AttrsExpr {
            recursive,
            bindings,
            span,
        })))
    }

    fn let_in(&mut self, l: &ast::LetIn, span: Span) -> ExprRef {
        let mut pending = PendingAttrs::new(true, span);
        self.collect_entries(&mut pending, l.entries());
        if !pending.dynamics.is_empty() {
            // Nix reports this at the `let`.
            self.error(
                span.start_point(),
                "syntax::dynamic_let",
                "dynamic attributes are not allowed in let",
            );
        }
        let bindings = self.lower_pending(true, pending);
        // lower_pending popped its frame; the body needs it again.
        let names = bindings
            .statics
            .iter()
            .enumerate()
            .map(|(i, b)| (b.name, i as u32))
            .collect();
        self.scopes.push(Scope::Frame(names));
        let body = self.opt_expr(l.body());
        self.scopes.pop();
        leak(Expr::Let(Box::new(Let { bindings, body })))
    }

    fn legacy_let(&mut self, l: &ast::LegacyLet, span: Span) -> ExprRef {
        let mut pending = PendingAttrs::new(true, span);
        self.collect_entries(&mut pending, l.entries());
        let bindings = self.lower_pending(true, pending);
        let set = leak(Expr::Attrs(Box::new(AttrsExpr {
            recursive: true,
            bindings,
            span,
        })));
        let path = vec![AttrKey::Static(crate::sym!("body"))].into();
        leak(Expr::Select(Box::new(Select {
            expr: set,
            path,
            default: None,
            span,
        })))
    }
}

pub fn ident_text(id: &ast::Ident) -> String {
    // The token's own text; collecting the node's text goes through a formatter.
    match id.ident_token() {
        Some(token) => token.text().to_owned(),
        None => id.syntax().text().to_string(),
    }
}

/// Nix's `canonPath`: removes `.` and empty components and resolves `..` lexically (symlinks
/// are not followed).
pub fn canonicalize_lexically(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::from("/");
    for c in p.components() {
        match c {
            Component::RootDir | Component::Prefix(_) | Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(n) => out.push(n),
        }
    }
    out
}
