//! Lowering: the syntax tree ([`crate::parse::ast`]) to the evaluator's IR — the one semantic
//! pass over a file.
//!
//! This is where Nix's parse-time semantics live: variables are resolved to frame slots (or to
//! `with` lookups, or to builtins) by the one name resolver ([`scope`]), nested attribute
//! paths are merged, the operators that Nix defines as calls (`-`, `*`, `/`, `<`, unary minus,
//! `<path>`) are desugared, and paths are made absolute against the file's directory. Every
//! error found is collected; lowering never stops at the first.
//!
//! The same pass serves `ntop check` and the language server: [`analyse`] runs it with the
//! resolver recording every binding and reference into an index, on a throwaway arena.

mod bindings;
pub mod code;
mod consts;
pub mod scope;
pub mod strings;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::check::index::{text_range, BindingKind, FrameKind, Index, PathLiteral};
use crate::diagnostic::Diagnostic;
use crate::ir::*;
use crate::parse::ast::{self, Ast, Attr, Node, NodeId, Part};
use crate::source::{FileId, Span};
use crate::symbol::Symbol;
use crate::syntax::SyntaxError;
use crate::value::Value;
use code::Code;
use scope::{BindingInfo, Resolution, Resolver};

pub use code::CodeCache;

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

/// Parses `text` (unless its tree is given, parsed ahead of time) and lowers it into an arena
/// of its own, kept by `cache` for the machine's lifetime. Returns the code and the tree.
pub fn compile(
    cache: &mut CodeCache,
    ctx: &LowerContext<'_>,
    text: &str,
    ast: Option<Ast>,
) -> Result<(ExprRef, Ast), Vec<SyntaxError>> {
    let ast = match ast {
        Some(ast) => ast,
        None => crate::parse::parse(ctx.file, text)?,
    };
    let code = Code::with_capacity(text.len() * 2);
    let expr = lower(ctx, text, &ast, &code)?;
    cache.keep(code);
    Ok((expr, ast))
}

/// Lowers a parsed file into `code`.
pub fn lower(
    ctx: &LowerContext<'_>,
    text: &str,
    ast: &Ast,
    code: &Code,
) -> Result<ExprRef, Vec<SyntaxError>> {
    let (expr, problems, _) = run(ctx, text, ast, code, false);
    if problems.is_empty() {
        Ok(expr)
    } else {
        Err(problems.iter().map(Problem::syntax_error).collect())
    }
}

/// The static analysis of a parsed file: its scope index, and the errors and warnings that
/// lowering finds, as `ntop check` reports them.
pub fn analyse(ctx: &LowerContext<'_>, text: &str, ast: &Ast) -> (Index, Vec<Diagnostic>) {
    let code = Code::new();
    let (_, problems, recorded) = run(ctx, text, ast, &code, true);
    let (index, mut diagnostics) = recorded.unwrap_or_default();
    diagnostics.extend(problems.iter().map(Problem::diagnostic));
    (index, diagnostics)
}

/// What the checker gets when lowering records: the index and the warnings.
type Recorded = (Index, Vec<Diagnostic>);

fn run(
    ctx: &LowerContext<'_>,
    text: &str,
    ast: &Ast,
    code: &Code,
    record: bool,
) -> (ExprRef, Vec<Problem>, Option<Recorded>) {
    let mut l = Lowerer {
        ctx,
        text,
        ast,
        code,
        scopes: Resolver::new(ctx.globals, record),
        problems: Vec::new(),
        warnings: Vec::new(),
        depth: 0,
    };
    if let Some(names) = ctx.outer_frame {
        l.scopes.push_frame(names, None);
    }
    let expr = match ast.root {
        Some(root) => l.expr(root),
        None => {
            let span = Span::new(ctx.file, 0, text.len() as u32);
            l.error(
                span,
                "syntax::empty",
                "syntax error, the file has no expression",
            );
            consts::placeholder(code)
        }
    };
    let Lowerer {
        scopes,
        problems,
        warnings,
        ..
    } = l;
    let recorded = scopes.into_index().map(|index| (index, warnings));
    (expr, problems, recorded)
}

/// An error lowering found, kept as data until it is reported (evaluation and the checker
/// word some differently).
enum Problem {
    Plain(SyntaxError),
    Undefined {
        name: Symbol,
        span: Span,
        /// Bound names close to it (computed only for the checker).
        similar: Vec<String>,
    },
    Duplicate {
        name: Symbol,
        span: Span,
        previous: Span,
    },
}

impl Problem {
    fn syntax_error(&self) -> SyntaxError {
        match self {
            Problem::Plain(e) => e.clone(),
            Problem::Undefined { name, span, .. } => SyntaxError::new(
                *span,
                "syntax::undefined_variable",
                format!("undefined variable '{name}'"),
            ),
            Problem::Duplicate {
                name,
                span,
                previous,
            } => {
                let source = crate::source::source(previous.file);
                let (line, col) = source.line_col(previous.start);
                SyntaxError::new(
                    *span,
                    "syntax::duplicate_attribute",
                    format!(
                        "attribute '{name}' already defined at {}:{line}:{col}",
                        source.display_name()
                    ),
                )
            }
        }
    }

    fn diagnostic(&self) -> Diagnostic {
        match self {
            Problem::Plain(e) => Diagnostic::from(e.clone()),
            Problem::Undefined {
                name,
                span,
                similar,
            } => {
                let mut d = Diagnostic::error(
                    "syntax::undefined_variable",
                    format!("undefined variable '{name}'"),
                    *span,
                )
                .with_label("not bound in any enclosing scope, and not a builtin");
                if !similar.is_empty() {
                    let list: Vec<String> = similar.iter().map(|s| format!("'{s}'")).collect();
                    d = d.with_help(format!("did you mean {}?", list.join(" or ")));
                }
                d
            }
            Problem::Duplicate {
                name,
                span,
                previous,
            } => Diagnostic::error(
                "syntax::duplicate_attribute",
                format!("attribute '{name}' already defined"),
                *span,
            )
            .with_label("defined again here")
            .with_secondary(*previous, "first defined here"),
        }
    }
}

/// Lowering recurses along the tree (and along attribute paths such as `a.b.c = …`): the
/// stack grows by STACK_CHUNK whenever less than RED_ZONE is left. One level uses far less
/// than RED_ZONE / 8, so `expr` checks every eighth level.
pub(super) const RED_ZONE: usize = 256 * 1024;
pub(super) const STACK_CHUNK: usize = 2 * 1024 * 1024;

struct Lowerer<'a> {
    ctx: &'a LowerContext<'a>,
    text: &'a str,
    ast: &'a Ast,
    code: &'a Code,
    scopes: Resolver<'a>,
    problems: Vec<Problem>,
    /// The checker's warnings about deprecated syntax (only when recording).
    warnings: Vec<Diagnostic>,
    /// Nesting of `expr`, to check the stack every few levels only.
    depth: u32,
}

impl<'a> Lowerer<'a> {
    fn span(&self, s: ast::Span) -> Span {
        Span::new(self.ctx.file, s.start, s.end)
    }

    fn node_span(&self, id: NodeId) -> Span {
        self.span(self.ast.span(id))
    }

    fn slice(&self, s: ast::Span) -> &'a str {
        &self.text[s.start as usize..s.end as usize]
    }

    fn error(&mut self, span: Span, code: &'static str, message: impl Into<String>) {
        self.problems
            .push(Problem::Plain(SyntaxError::new(span, code, message)));
    }

    fn warn(&mut self, d: impl FnOnce() -> Diagnostic) {
        if self.scopes.recording() {
            self.warnings.push(d());
        }
    }

    fn placeholder(&self) -> ExprRef {
        consts::placeholder(self.code)
    }

    fn expr(&mut self, id: NodeId) -> ExprRef {
        self.depth += 1;
        let e = if self.depth.is_multiple_of(8) {
            stacker::maybe_grow(RED_ZONE, STACK_CHUNK, || self.expr_inner(id))
        } else {
            self.expr_inner(id)
        };
        self.depth -= 1;
        e
    }

    fn expr_inner(&mut self, id: NodeId) -> ExprRef {
        let s = self.ast.span(id);
        let span = self.span(s);
        let code = self.code;
        match self.ast.node(id) {
            Node::Paren(inner) => self.expr(inner),
            Node::Int(Some(i)) => consts::int(code, i),
            Node::Int(None) => {
                let text = self.slice(s);
                self.error(
                    span,
                    "syntax::invalid_integer",
                    format!("invalid integer '{text}'"),
                );
                self.placeholder()
            }
            Node::Float(Some(f)) => consts::float(code, f),
            Node::Float(None) => {
                let text = self.slice(s);
                self.error(
                    span,
                    "syntax::invalid_float",
                    format!("invalid float '{text}'"),
                );
                self.placeholder()
            }
            Node::Uri => {
                let text = self.slice(s);
                self.warn(|| {
                    Diagnostic::warning(
                        "check::deprecated_url_literal",
                        "unquoted URL literals are deprecated",
                        span,
                    )
                    .with_label("a URL literal")
                    .with_help(format!("write it as a string: \"{text}\""))
                });
                consts::string(code, text.as_bytes())
            }
            Node::Ident => {
                let name = self.slice(s);
                self.variable(name, s, None)
            }
            Node::OrKeyword => {
                self.error(span, "syntax::or_keyword", "syntax error, unexpected 'or' (it is a keyword; only attribute names may be 'or')");
                self.placeholder()
            }
            Node::CurPos => code.expr(Expr::CurPos(span)),
            Node::Str(parts) => self.string(parts, span),
            Node::Path(parts) => self.path(parts, s),
            Node::SearchPath => self.search_path(s),
            Node::List(items) => {
                let ast = self.ast;
                let items = code.slice_iter(ast.children(items).iter().map(|&i| self.expr(i)));
                code.expr(Expr::List(items))
            }
            Node::AttrSet { rec, binds } => self.attr_set(rec, binds, s),
            Node::LetIn { binds, body } => self.let_in(binds, body, s),
            Node::LegacyLet { keyword, binds } => self.legacy_let(keyword, binds, s),
            Node::Lambda { param, body } => self.lambda(param, body, s),
            Node::Apply { .. } => self.apply(id, span),
            Node::Select {
                expr,
                path,
                default,
            } => self.select(expr, path, default, span),
            Node::HasAttr { expr, path } => {
                let expr = self.expr(expr);
                let path = self.attr_path(path);
                code.expr(Expr::HasAttr(code.alloc(HasAttr { expr, path, span })))
            }
            Node::With { namespace, body } => {
                let namespace = self.expr(namespace);
                self.scopes.push_with();
                let body = self.expr(body);
                self.scopes.pop();
                code.expr(Expr::With(code.alloc(With {
                    namespace,
                    body,
                    span,
                })))
            }
            Node::If {
                cond,
                then,
                otherwise,
            } => {
                let cond = self.expr(cond);
                let then = self.expr(then);
                let otherwise = self.expr(otherwise);
                code.expr(Expr::If(code.alloc(If {
                    cond,
                    then,
                    otherwise,
                    span,
                })))
            }
            Node::Assert { cond, body } => {
                let cond_span = self.node_span(cond);
                let cond = self.expr(cond);
                let body = self.expr(body);
                code.expr(Expr::Assert(code.alloc(Assert {
                    cond,
                    body,
                    base_dir: code.path(self.ctx.base_dir),
                    span,
                    cond_span,
                })))
            }
            Node::Not(operand) => {
                let operand = self.expr(operand);
                code.expr(Expr::Not(operand, span))
            }
            Node::Negate(operand) => {
                let operand = self.expr(operand);
                let zero = consts::int(code, 0);
                self.arith("__sub", BinaryOp::Sub, zero, operand, s)
            }
            Node::Binary { op, lhs, rhs } => self.binary(op, lhs, rhs, s),
            Node::Missing => self.placeholder(),
        }
    }

    /// The expression a resolved name stands for; None when it is undefined.
    fn resolved(&self, r: Resolution, name: Symbol, span: Span) -> Option<ExprRef> {
        let code = self.code;
        Some(match r {
            Resolution::Local { depth, index } => {
                code.expr(Expr::Var(LocalVar { depth, index, span }))
            }
            Resolution::With(depths) => code.expr(Expr::WithVar(code.alloc(WithVar {
                name,
                with_depths: code.slice(depths),
                span,
            }))),
            Resolution::Global(v) => consts::global(code, v),
            Resolution::Undefined => return None,
        })
    }

    fn variable(&mut self, name: &str, s: ast::Span, selects: Option<String>) -> ExprRef {
        let sym = Symbol::new(name);
        let r = self.scopes.reference(sym, s, 0, selects, false);
        let span = self.span(s);
        match self.resolved(r, sym, span) {
            Some(e) => e,
            None => {
                self.undefined(sym, span, 0);
                self.placeholder()
            }
        }
    }

    fn undefined(&mut self, name: Symbol, span: Span, skip: usize) {
        let similar = if self.scopes.recording() {
            let in_scope = self.scopes.names_in_scope(skip);
            let plain_globals = self
                .ctx
                .globals
                .keys()
                .map(|g| g.as_str())
                .filter(|g| !g.starts_with("__"));
            crate::suggest::similar_names(
                name.as_str(),
                in_scope.iter().map(|s| s.as_str()).chain(plain_globals),
            )
        } else {
            Vec::new()
        };
        self.problems.push(Problem::Undefined {
            name,
            span,
            similar,
        });
    }

    /// Resolves one of the names Nix's desugarings call (`__sub`, `__lessThan`, …).
    fn desugar_var(&mut self, name: &str, s: ast::Span) -> ExprRef {
        let sym = Symbol::new(name);
        let r = self.scopes.reference(sym, s, 0, None, true);
        let span = self.span(s);
        match self.resolved(r, sym, span) {
            Some(e) => e,
            None => {
                self.undefined(sym, span, 0);
                self.placeholder()
            }
        }
    }

    fn call(&self, function: ExprRef, args: Vec<ExprRef>, span: Span) -> ExprRef {
        let code = self.code;
        code.expr(Expr::Call(code.alloc(Call {
            function,
            args: code.slice(args),
            span,
        })))
    }

    fn binary_expr(&self, op: BinaryOp, lhs: ExprRef, rhs: ExprRef, span: Span) -> ExprRef {
        let code = self.code;
        code.expr(Expr::Binary(code.alloc(Binary { op, lhs, rhs, span })))
    }

    fn arith(
        &mut self,
        name: &str,
        op: BinaryOp,
        lhs: ExprRef,
        rhs: ExprRef,
        s: ast::Span,
    ) -> ExprRef {
        let span = self.span(s);
        if self.scopes.is_unshadowed_global(Symbol::new(name)) {
            self.binary_expr(op, lhs, rhs, span)
        } else {
            let function = self.desugar_var(name, s);
            self.call(function, vec![lhs, rhs], span)
        }
    }

    /// A binary operator and the chain of binary operators down its left operand
    /// (`a + b - c * d …` parses left-nested): lowered in one loop from the leftmost operand
    /// up, so a chain a million operators long costs no stack. Operands are lowered left to
    /// right, as recursion would.
    fn binary(&mut self, op: ast::BinOp, lhs: NodeId, rhs: NodeId, s: ast::Span) -> ExprRef {
        if op == ast::BinOp::Pipe {
            let span = self.span(s);
            self.error(span, "syntax::pipe_operator", "the pipe operators '|>' and '<|' are not part of the Nix language ntop implements (Nix 2.8)");
            return self.placeholder();
        }
        let mut levels = vec![(op, rhs, s)];
        let mut leftmost = lhs;
        while let Node::Binary { op, lhs, rhs } = self.ast.node(leftmost) {
            if op == ast::BinOp::Pipe {
                break;
            }
            levels.push((op, rhs, self.ast.span(leftmost)));
            leftmost = lhs;
        }
        let mut lhs_span = self.node_span(leftmost);
        let mut lhs = self.expr(leftmost);
        for (op, rhs, s) in levels.into_iter().rev() {
            lhs = self.binary_level(op, lhs, lhs_span, rhs, s);
            lhs_span = self.span(s);
        }
        lhs
    }

    /// One binary operator whose left operand is lowered already.
    fn binary_level(
        &mut self,
        op: ast::BinOp,
        lhs: ExprRef,
        lhs_span: Span,
        rhs: NodeId,
        s: ast::Span,
    ) -> ExprRef {
        use ast::BinOp as K;
        let span = self.span(s);
        let rhs_span = self.node_span(rhs);
        let rhs = self.expr(rhs);
        let code = self.code;
        match op {
            K::Add => code.expr(Expr::Concat(code.alloc(Concat {
                parts: code.slice(vec![(lhs, lhs_span), (rhs, rhs_span)]),
                force_string: false,
                span,
            }))),
            K::Sub => self.arith("__sub", BinaryOp::Sub, lhs, rhs, s),
            K::Mul => self.arith("__mul", BinaryOp::Mul, lhs, rhs, s),
            K::Div => self.arith("__div", BinaryOp::Div, lhs, rhs, s),
            K::Less => self.comparison(BinaryOp::Less, lhs, rhs, s),
            K::Greater => self.comparison(BinaryOp::Greater, lhs, rhs, s),
            K::LessEq => self.comparison(BinaryOp::LessEq, lhs, rhs, s),
            K::GreaterEq => self.comparison(BinaryOp::GreaterEq, lhs, rhs, s),
            K::Eq => self.binary_expr(BinaryOp::Eq, lhs, rhs, span),
            K::NotEq => self.binary_expr(BinaryOp::NotEq, lhs, rhs, span),
            K::And => self.binary_expr(BinaryOp::And, lhs, rhs, span),
            K::Or => self.binary_expr(BinaryOp::Or, lhs, rhs, span),
            K::Implies => self.binary_expr(BinaryOp::Implies, lhs, rhs, span),
            K::Update => self.binary_expr(BinaryOp::Update, lhs, rhs, span),
            K::Concat => self.binary_expr(BinaryOp::ConcatLists, lhs, rhs, span),
            K::Pipe => unreachable!("rejected above"),
        }
    }

    /// `<`, `>`, `<=`, `>=` are calls of `__lessThan` (swapped and/or negated).
    fn comparison(&mut self, op: BinaryOp, lhs: ExprRef, rhs: ExprRef, s: ast::Span) -> ExprRef {
        let span = self.span(s);
        if self.scopes.is_unshadowed_global(crate::sym!("__lessThan")) {
            return self.binary_expr(op, lhs, rhs, span);
        }
        let f = self.desugar_var("__lessThan", s);
        let code = self.code;
        match op {
            BinaryOp::Less => self.call(f, vec![lhs, rhs], span),
            BinaryOp::Greater => self.call(f, vec![rhs, lhs], span),
            BinaryOp::LessEq => code.expr(Expr::Not(self.call(f, vec![rhs, lhs], span), span)),
            _ => code.expr(Expr::Not(self.call(f, vec![lhs, rhs], span), span)),
        }
    }

    fn apply(&mut self, id: NodeId, span: Span) -> ExprRef {
        // Flatten `f a b c` into one call with three arguments.
        let mut args = Vec::new();
        let mut head = id;
        while let Node::Apply { function, arg } = self.ast.node(head) {
            args.push(arg);
            head = function;
        }
        let function = self.expr(head);
        let args: Vec<ExprRef> = args.iter().rev().map(|&a| self.expr(a)).collect();
        self.call(function, args, span)
    }

    fn select(
        &mut self,
        expr: NodeId,
        path: ast::Range,
        default: Option<NodeId>,
        span: Span,
    ) -> ExprRef {
        let attrs = self.ast.attrs(path);
        let mut lowered = match self.ast.node(expr) {
            Node::Ident => {
                let s = self.ast.span(expr);
                let name = self.slice(s);
                let first = attrs.first().copied();
                if self.scopes.recording() {
                    if let Some(first) = first {
                        let selects = self.static_name(first).map(|n| n.as_str().to_owned());
                        if name == "builtins"
                            && matches!(
                                self.scopes.resolve(crate::sym!("builtins"), 0),
                                Resolution::Global(_)
                            )
                        {
                            if let Some(attr) = &selects {
                                let r = self.ast.attr_span(first);
                                let entry = (text_range(r.start, r.end), attr.clone());
                                if let Some(index) = self.scopes.index_mut() {
                                    index.builtin_selects.push(entry);
                                }
                            }
                        }
                        self.variable(name, s, selects)
                    } else {
                        self.variable(name, s, None)
                    }
                } else {
                    self.variable(name, s, None)
                }
            }
            _ => self.expr(expr),
        };
        let mut path = self.attr_keys(path);
        let default = default.map(|d| self.expr(d));
        // `builtins.foo` (with `builtins` not shadowed) is known now: select it once here
        // rather than on every evaluation. Only values that need no evaluation are taken.
        while let (
            Expr::Const(Value::Attrs(set)) | Expr::Resolved(Value::Attrs(set)),
            Some(AttrKey::Static(name)),
        ) = (lowered, path.first())
        {
            match set.get(*name) {
                Some(v) if !matches!(v, Value::Thunk(_)) => {
                    lowered = consts::resolved(self.code, v.clone());
                    path.remove(0);
                }
                _ => break,
            }
        }
        if path.is_empty() {
            return lowered;
        }
        let code = self.code;
        code.expr(Expr::Select(code.alloc(Select {
            expr: lowered,
            path: code.slice(path),
            default,
            span,
        })))
    }

    fn attr_path(&mut self, path: ast::Range) -> &'static [AttrKey] {
        let keys = self.attr_keys(path);
        self.code.slice(keys)
    }

    fn attr_keys(&mut self, path: ast::Range) -> Vec<AttrKey> {
        self.ast
            .attrs(path)
            .iter()
            .map(|&a| self.attr_key(a))
            .collect()
    }

    /// An attribute name: static when it is an identifier or a string without interpolation
    /// (also `${"…"}`, as Nix's parser does), dynamic otherwise.
    fn attr_key(&mut self, attr: Attr) -> AttrKey {
        if let Some(name) = self.static_name(attr) {
            return AttrKey::Static(name);
        }
        let e = match attr {
            Attr::Dynamic(e, _) => self.expr(e),
            Attr::Str(n) => self.expr(n),
            Attr::Ident(_) => unreachable!("identifiers are static"),
        };
        AttrKey::Dynamic(e)
    }

    fn static_name(&self, attr: Attr) -> Option<Symbol> {
        self.ast.static_attr_name(attr, self.text).map(|n| match n {
            ast::StaticName::Text(t) => Symbol::new(t),
            ast::StaticName::Bytes(b) => Symbol::from_bytes(&b),
        })
    }

    fn string(&mut self, parts: ast::Range, span: Span) -> ExprRef {
        let code = self.code;
        let pieces = self.ast.parts(parts);
        if !pieces.iter().any(|p| matches!(p, Part::Interpolation(..))) {
            let mut bytes = Vec::new();
            for p in pieces {
                if let Part::Literal { start, len } = *p {
                    bytes.extend_from_slice(self.ast.literal(start, len));
                }
            }
            return consts::string(code, &bytes);
        }
        let mut lowered: Vec<(ExprRef, Span)> = Vec::with_capacity(pieces.len());
        for p in pieces {
            match *p {
                // Adjacent literal pieces stay separate parts, as in Nix.
                Part::Literal { start, len } => {
                    lowered.push((consts::string(code, self.ast.literal(start, len)), span))
                }
                Part::Interpolation(e, ispan) => {
                    let ispan = self.span(ispan);
                    lowered.push((self.expr(e), ispan));
                }
            }
        }
        code.expr(Expr::Concat(code.alloc(Concat {
            parts: code.slice(lowered),
            force_string: true,
            span,
        })))
    }

    fn path(&mut self, parts: ast::Range, s: ast::Span) -> ExprRef {
        let span = self.span(s);
        let code = self.code;
        let pieces = self.ast.parts(parts);
        let mut lowered: Vec<(ExprRef, Span)> = Vec::with_capacity(pieces.len());
        for (i, p) in pieces.iter().enumerate() {
            match *p {
                Part::Literal { start, len } => {
                    let text = String::from_utf8_lossy(self.ast.literal(start, len)).into_owned();
                    if i == 0 {
                        let Some(abs) = self.resolve_path_literal(&text, span) else {
                            return self.placeholder();
                        };
                        let keep_slash = text.ends_with('/') && text.len() > 1;
                        let mut p = canonicalize_lexically(&abs);
                        if keep_slash {
                            let mut s = p.into_os_string();
                            s.push("/");
                            p = PathBuf::from(s);
                        }
                        lowered.push((consts::path(code, p), span));
                    } else {
                        lowered.push((consts::string(code, text.as_bytes()), span));
                    }
                }
                Part::Interpolation(e, ispan) => {
                    let ispan = self.span(ispan);
                    lowered.push((self.expr(e), ispan));
                }
            }
        }
        if lowered.len() == 1 {
            let text = self.slice(s);
            if let Some(index) = self.scopes.index_mut() {
                index.paths.push(PathLiteral {
                    range: text_range(s.start, s.end),
                    text: text.to_owned(),
                });
            }
            if text.ends_with('/') && text.len() > 1 {
                self.error(
                    span,
                    "syntax::path_trailing_slash",
                    format!("path '{text}' has a trailing slash"),
                );
            }
            return lowered[0].0;
        }
        code.expr(Expr::Concat(code.alloc(Concat {
            parts: code.slice(lowered),
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

    fn search_path(&mut self, s: ast::Span) -> ExprRef {
        let span = self.span(s);
        let text = self.slice(s);
        let inner = text.trim_start_matches('<').trim_end_matches('>');
        let find_file = self.desugar_var("__findFile", s);
        let nix_path = self.desugar_var("__nixPath", s);
        let name = consts::string(self.code, inner.as_bytes());
        self.call(find_file, vec![nix_path, name], span)
    }

    fn lambda(&mut self, param: ast::Param, body: NodeId, s: ast::Span) -> ExprRef {
        let span = self.span(s);
        let code = self.code;
        let recording = self.scopes.recording();
        let lambda_frame = |at: bool| FrameKind::Lambda {
            // Filled in by the resolver with the last binding.
            at: at.then_some(0),
        };
        match param {
            ast::Param::Ident(p) => {
                let name = self.slice(p);
                if name == "or" {
                    self.error(self.span(p), "syntax::or_keyword", "syntax error, unexpected 'or' (it is a keyword and cannot name an argument)");
                }
                let sym = Symbol::new(name);
                let info = recording.then(|| {
                    let b = BindingInfo {
                        kind: BindingKind::Arg,
                        name_range: p,
                        def_range: p,
                    };
                    (lambda_frame(false), vec![b])
                });
                self.scopes.push_frame(&[sym], info);
                let body = self.expr(body);
                self.scopes.pop();
                code.expr(Expr::Lambda(code.alloc(Lambda {
                    name: Default::default(),
                    param: Param::Ident(sym),
                    body,
                    span,
                    frame_size: 1,
                })))
            }
            ast::Param::Pattern {
                entries,
                ellipsis,
                at,
            } => {
                let formals = self.ast.formals(entries);
                let mut names = Vec::with_capacity(formals.len() + 1);
                let mut infos = Vec::new();
                for f in formals {
                    let name = self.slice(f.name);
                    let sym = Symbol::new(name);
                    if names.contains(&sym) {
                        self.error(
                            self.span(f.span),
                            "syntax::duplicate_formal",
                            format!("duplicate formal function argument '{name}'"),
                        );
                    }
                    names.push(sym);
                    if recording {
                        infos.push(BindingInfo {
                            kind: BindingKind::Formal,
                            name_range: f.name,
                            def_range: f.span,
                        });
                    }
                }
                let at_sym = at.map(|a| Symbol::new(self.slice(a)));
                if let (Some(a), Some(sym)) = (at, at_sym) {
                    if names.contains(&sym) {
                        self.error(
                            span,
                            "syntax::duplicate_formal",
                            format!("duplicate formal function argument '{sym}'"),
                        );
                    }
                    names.push(sym);
                    if recording {
                        infos.push(BindingInfo {
                            kind: BindingKind::AtPattern,
                            name_range: a,
                            def_range: a,
                        });
                    }
                }
                let info = recording.then(|| (lambda_frame(at.is_some()), infos));
                self.scopes.push_frame(&names, info);
                let entries: Vec<Formal> = formals
                    .iter()
                    .zip(&names)
                    .map(|(f, &name)| Formal {
                        name,
                        default: f.default.map(|d| self.expr(d)),
                        span: self.span(f.span),
                    })
                    .collect();
                let body = self.expr(body);
                self.scopes.pop();
                let formals = code.alloc(Formals {
                    entries: code.slice(entries),
                    ellipsis,
                    at: at_sym,
                });
                code.expr(Expr::Lambda(code.alloc(Lambda {
                    name: Default::default(),
                    param: Param::Formals(formals),
                    body,
                    span,
                    frame_size: names.len() as u32,
                })))
            }
            ast::Param::Missing => {
                self.scopes
                    .push_frame(&[], recording.then(|| (lambda_frame(false), Vec::new())));
                let body = self.expr(body);
                self.scopes.pop();
                code.expr(Expr::Lambda(code.alloc(Lambda {
                    name: Default::default(),
                    param: Param::Ident(crate::sym!("_")),
                    body,
                    span,
                    frame_size: 1,
                })))
            }
        }
    }
}

/// Nix's `canonPath` (lexical: symlinks are not followed); the store's implementation.
pub fn canonicalize_lexically(p: &Path) -> PathBuf {
    ntop_store::canon_path_buf(p)
}
