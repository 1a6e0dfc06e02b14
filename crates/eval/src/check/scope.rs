//! The scope walker: every binding and every reference of a file, resolved as lowering
//! resolves them, and the errors Nix reports at parse time.
//!
//! This walks rnix's tree rather than reusing `lower`, because lowering produces code (leaked
//! for the whole evaluation, and without any record of which binding a variable came from),
//! while the checker and the language server need facts about names, and must be able to run on
//! every keystroke without leaking. The walk mirrors `lower` step by step — the same scope
//! rules (lexical bindings and globals before `with`, `inherit x;` looking outside a recursive
//! set), the same attribute merging (`a.b = 1; a.c = 2;`, literal sets merged into paths) and
//! the same errors with the same codes and spans; `check::tests` holds it to that on the whole
//! language fixture suite.

use std::collections::{BTreeMap, HashMap};

use rnix::ast::{self, AstToken, HasEntry};
use rnix::TextRange;
use rowan::ast::AstNode;

use super::globals;
use crate::diagnostic::Diagnostic;
use crate::lower::strings::{self, Piece};
use crate::source::{FileId, Span};
use crate::syntax::{literal_parts, Part};

pub type BindingId = usize;
pub type FrameId = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindingKind {
    /// `let x = …; in`, including `let inherit …;`.
    Let,
    /// A binding of the legacy `let { …; body = …; }`.
    LegacyLet,
    /// An attribute of a `rec { … }` set.
    RecAttr,
    /// The argument of `x: …`.
    Arg,
    /// A formal of `{ x, y ? 1, ... }: …`.
    Formal,
    /// The whole-set name of `args@{ … }: …`.
    AtPattern,
}

#[derive(Clone, Debug)]
pub struct Binding {
    pub name: String,
    pub kind: BindingKind,
    /// The identifier (or attribute) that names it.
    pub name_range: TextRange,
    /// The whole definition: `x = 1;`, `inherit (a) x;`, `x ? 1`, or the identifier.
    pub def_range: TextRange,
    pub frame: FrameId,
}

#[derive(Clone, Debug)]
pub enum FrameKind {
    Let,
    LegacyLet,
    Rec {
        /// The `rec` keyword, when the set was written with one.
        rec_token: Option<TextRange>,
    },
    Lambda {
        /// The `args@` binding of a pattern.
        at: Option<BindingId>,
    },
}

#[derive(Clone, Debug)]
pub struct Frame {
    pub kind: FrameKind,
    pub bindings: Vec<BindingId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Binding(BindingId),
    /// Looked up at run time in the enclosing `with`s.
    With,
    /// A builtin or another global (`map`, `true`, `__sub`, `builtins`).
    Global,
    /// Not bound anywhere: an error.
    Undefined,
}

#[derive(Clone, Debug)]
pub struct Reference {
    pub name: String,
    pub range: TextRange,
    pub target: Target,
    /// `Some("x")` when the reference is selected from at once: `args.x`.
    pub selects: Option<String>,
}

/// A path literal without interpolation: `./x.nix`, `/etc/hosts`, `~/a`.
#[derive(Clone, Debug)]
pub struct PathLiteral {
    pub range: TextRange,
    pub text: String,
}

/// The scope facts of one file.
#[derive(Clone, Debug, Default)]
pub struct Index {
    pub bindings: Vec<Binding>,
    pub frames: Vec<Frame>,
    pub references: Vec<Reference>,
    /// `builtins.NAME` selections: the range of `NAME` and the name.
    pub builtin_selects: Vec<(TextRange, String)>,
    pub paths: Vec<PathLiteral>,
}

impl Index {
    /// The references that resolve to `binding`.
    pub fn references_to(&self, binding: BindingId) -> impl Iterator<Item = &Reference> {
        self.references
            .iter()
            .filter(move |r| r.target == Target::Binding(binding))
    }
}

/// Walks a parsed file: its index, and the parse-time errors and deprecations found.
pub fn walk(file: FileId, root: &ast::Root) -> (Index, Vec<Diagnostic>) {
    let mut w = Walker {
        file,
        stack: Vec::new(),
        index: Index::default(),
        diagnostics: Vec::new(),
    };
    match root.expr() {
        Some(e) => w.expr(&e),
        None => w.diagnostics.push(Diagnostic::error(
            "syntax::empty",
            "syntax error, the file has no expression",
            w.span(root.syntax().text_range()),
        )),
    }
    (w.index, w.diagnostics)
}

enum Scope {
    Frame(HashMap<String, BindingId>),
    With,
}

struct Walker {
    file: FileId,
    stack: Vec<Scope>,
    index: Index,
    diagnostics: Vec<Diagnostic>,
}

/// Attribute bindings being collected, as `lower::bindings::PendingAttrs`.
struct Pending {
    recursive: bool,
    rec_token: Option<TextRange>,
    statics: BTreeMap<String, PendingStatic>,
    dynamics: Vec<(ast::Attr, PendingValue)>,
    inherit_sources: Vec<ast::Expr>,
}

struct PendingStatic {
    value: PendingValue,
    /// Where errors about it point (the entry, or the inherited attribute).
    range: TextRange,
    name_range: TextRange,
    def_range: TextRange,
}

enum PendingValue {
    Expr(ast::Expr),
    Nested(Pending),
    Inherit(String),
    InheritFrom,
}

impl Pending {
    fn new(recursive: bool, rec_token: Option<TextRange>) -> Pending {
        Pending {
            recursive,
            rec_token,
            statics: BTreeMap::new(),
            dynamics: Vec::new(),
            inherit_sources: Vec::new(),
        }
    }
}

fn range(node: &impl AstNode) -> TextRange {
    node.syntax().text_range()
}

impl Walker {
    fn span(&self, r: TextRange) -> Span {
        Span::new(self.file, r.start().into(), r.end().into())
    }

    fn error(&mut self, r: TextRange, code: &'static str, message: impl Into<String>) {
        let span = self.span(r);
        self.diagnostics
            .push(Diagnostic::error(code, message, span));
    }

    fn resolve(&self, name: &str, skip: usize) -> Target {
        let live = &self.stack[..self.stack.len().saturating_sub(skip)];
        let mut in_with = false;
        for scope in live.iter().rev() {
            match scope {
                Scope::Frame(names) => {
                    if let Some(&b) = names.get(name) {
                        return Target::Binding(b);
                    }
                }
                Scope::With => in_with = true,
            }
        }
        if globals::is_global(name) {
            Target::Global
        } else if in_with {
            Target::With
        } else {
            Target::Undefined
        }
    }

    fn push_frame(
        &mut self,
        kind: FrameKind,
        names: Vec<(String, BindingKind, TextRange, TextRange)>,
    ) -> FrameId {
        let frame = self.index.frames.len();
        let mut map = HashMap::new();
        let mut ids = Vec::new();
        for (name, kind, name_range, def_range) in names {
            let id = self.index.bindings.len();
            self.index.bindings.push(Binding {
                name: name.clone(),
                kind,
                name_range,
                def_range,
                frame,
            });
            ids.push(id);
            map.insert(name, id);
        }
        self.index.frames.push(Frame {
            kind,
            bindings: ids,
        });
        self.stack.push(Scope::Frame(map));
        frame
    }

    fn push_existing(&mut self, frame: FrameId) {
        let map = self.index.frames[frame]
            .bindings
            .iter()
            .map(|&b| (self.index.bindings[b].name.clone(), b))
            .collect();
        self.stack.push(Scope::Frame(map));
    }

    fn expr(&mut self, e: &ast::Expr) {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_inner(e))
    }

    fn opt_expr(&mut self, e: Option<ast::Expr>) {
        if let Some(e) = e {
            self.expr(&e);
        }
    }

    fn expr_inner(&mut self, e: &ast::Expr) {
        let r = range(e);
        match e {
            ast::Expr::Paren(p) => self.opt_expr(p.expr()),
            ast::Expr::Root(root) => self.opt_expr(root.expr()),
            ast::Expr::Literal(lit) => self.literal(lit, r),
            ast::Expr::Ident(id) => {
                let name = id.syntax().text().to_string();
                let parent = id.syntax().parent();
                let is_argument = parent
                    .clone()
                    .and_then(ast::Apply::cast)
                    .and_then(|a| a.argument())
                    .is_some_and(|arg| arg.syntax() == id.syntax());
                if name == "or" && !is_argument {
                    self.error(r, "syntax::or_keyword", "syntax error, unexpected 'or' (it is a keyword; only attribute names may be 'or')");
                    return;
                }
                let selects = parent
                    .and_then(ast::Select::cast)
                    .filter(|s| s.expr().is_some_and(|x| x.syntax() == id.syntax()))
                    .and_then(|s| s.attrpath())
                    .and_then(|p| p.attrs().next())
                    .and_then(|a| static_attr_name(&a));
                self.variable(&name, r, selects);
            }
            ast::Expr::Str(s) => self.string(s),
            ast::Expr::PathAbs(_) | ast::Expr::PathRel(_) | ast::Expr::PathHome(_) => {
                self.path(e, r)
            }
            ast::Expr::PathSearch(_) => {
                self.desugared("__findFile", r);
                self.desugared("__nixPath", r);
            }
            ast::Expr::List(list) => {
                for item in list.items() {
                    self.expr(&item);
                }
            }
            ast::Expr::AttrSet(set) => {
                let rec_token = set.rec_token().map(|t| t.text_range());
                let mut pending = Pending::new(rec_token.is_some(), rec_token);
                self.collect_entries(&mut pending, set.entries());
                self.bindings(pending, BindingKind::RecAttr);
            }
            ast::Expr::LetIn(l) => {
                let mut pending = Pending::new(true, None);
                self.collect_entries(&mut pending, l.entries());
                if !pending.dynamics.is_empty() {
                    self.error(
                        TextRange::empty(r.start()),
                        "syntax::dynamic_let",
                        "dynamic attributes are not allowed in let",
                    );
                }
                if let Some(frame) = self.bindings(pending, BindingKind::Let) {
                    self.push_existing(frame);
                    self.opt_expr(l.body());
                    self.stack.pop();
                }
            }
            ast::Expr::LegacyLet(l) => {
                let span = self.span(l.let_token().map_or(r, |t| t.text_range()));
                self.diagnostics.push(
                    Diagnostic::warning(
                        "check::deprecated_let",
                        "the legacy 'let { … }' syntax is deprecated",
                        span,
                    )
                    .with_label("legacy let")
                    .with_help("write 'let … in body' instead; the value is the 'body' binding"),
                );
                let mut pending = Pending::new(true, None);
                self.collect_entries(&mut pending, l.entries());
                self.bindings(pending, BindingKind::LegacyLet);
            }
            ast::Expr::Lambda(l) => self.lambda(l, r),
            ast::Expr::Apply(a) => {
                self.opt_expr(a.lambda());
                self.opt_expr(a.argument());
            }
            ast::Expr::Select(s) => {
                self.opt_expr(s.expr());
                if let (Some(ast::Expr::Ident(id)), Some(first)) =
                    (s.expr(), s.attrpath().and_then(|p| p.attrs().next()))
                {
                    let name = id.syntax().text().to_string();
                    if name == "builtins" && self.resolve(&name, 0) == Target::Global {
                        if let Some(attr) = static_attr_name(&first) {
                            self.index.builtin_selects.push((range(&first), attr));
                        }
                    }
                }
                self.attr_path(s.attrpath());
                self.opt_expr(s.default_expr());
            }
            ast::Expr::HasAttr(h) => {
                self.opt_expr(h.expr());
                self.attr_path(h.attrpath());
            }
            ast::Expr::With(w) => {
                self.opt_expr(w.namespace());
                self.stack.push(Scope::With);
                self.opt_expr(w.body());
                self.stack.pop();
            }
            ast::Expr::IfElse(i) => {
                self.opt_expr(i.condition());
                self.opt_expr(i.body());
                self.opt_expr(i.else_body());
            }
            ast::Expr::Assert(a) => {
                self.opt_expr(a.condition());
                self.opt_expr(a.body());
            }
            ast::Expr::UnaryOp(u) => {
                self.opt_expr(u.expr());
                if !matches!(u.operator(), Some(ast::UnaryOpKind::Invert)) {
                    self.desugared("__sub", r);
                }
            }
            ast::Expr::BinOp(b) => self.binary(b, r),
            ast::Expr::CurPos(_) | ast::Expr::Error(_) => {}
        }
    }

    fn literal(&mut self, lit: &ast::Literal, r: TextRange) {
        match lit.kind() {
            ast::LiteralKind::Integer(i) => {
                if i.value().is_err() {
                    self.error(
                        r,
                        "syntax::invalid_integer",
                        format!("invalid integer '{}'", i.syntax().text()),
                    );
                }
            }
            ast::LiteralKind::Float(f) => {
                if f.value().is_err() {
                    self.error(
                        r,
                        "syntax::invalid_float",
                        format!("invalid float '{}'", f.syntax().text()),
                    );
                }
            }
            ast::LiteralKind::Uri(u) => {
                let text = u.syntax().text().to_string();
                let span = self.span(r);
                self.diagnostics.push(
                    Diagnostic::warning(
                        "check::deprecated_url_literal",
                        "unquoted URL literals are deprecated",
                        span,
                    )
                    .with_label("a URL literal")
                    .with_help(format!("write it as a string: \"{text}\"")),
                );
            }
        }
    }

    fn variable(&mut self, name: &str, r: TextRange, selects: Option<String>) {
        let target = self.resolve(name, 0);
        if target == Target::Undefined {
            self.undefined(name, r, 0);
        }
        self.index.references.push(Reference {
            name: name.to_string(),
            range: r,
            target,
            selects,
        });
    }

    fn undefined(&mut self, name: &str, r: TextRange, skip: usize) {
        let live = &self.stack[..self.stack.len().saturating_sub(skip)];
        let in_scope = live.iter().flat_map(|s| match s {
            Scope::Frame(names) => names.keys().map(String::as_str).collect(),
            Scope::With => Vec::new(),
        });
        let plain_globals = globals::names()
            .iter()
            .map(String::as_str)
            .filter(|g| !g.starts_with("__"));
        let similar = crate::suggest::similar_names(name, in_scope.chain(plain_globals));
        let mut d = Diagnostic::error(
            "syntax::undefined_variable",
            format!("undefined variable '{name}'"),
            self.span(r),
        )
        .with_label("not bound in any enclosing scope, and not a builtin");
        if !similar.is_empty() {
            let list: Vec<String> = similar.iter().map(|s| format!("'{s}'")).collect();
            d = d.with_help(format!("did you mean {}?", list.join(" or ")));
        }
        self.diagnostics.push(d);
    }

    /// A name one of Nix's desugarings looks up (`-` calls `__sub` …): a use only when a
    /// binding shadows the global.
    fn desugared(&mut self, name: &str, r: TextRange) {
        if let Target::Binding(b) = self.resolve(name, 0) {
            self.index.references.push(Reference {
                name: name.to_string(),
                range: r,
                target: Target::Binding(b),
                selects: None,
            });
        }
    }

    fn binary(&mut self, b: &ast::BinOp, r: TextRange) {
        use ast::BinOpKind as K;
        let Some(op) = b.operator() else {
            return;
        };
        if matches!(op, K::PipeLeft | K::PipeRight) {
            self.error(r, "syntax::pipe_operator", "the pipe operators '|>' and '<|' are not part of the Nix language ntop implements (Nix 2.8)");
            return;
        }
        self.opt_expr(b.lhs());
        self.opt_expr(b.rhs());
        match op {
            K::Sub => self.desugared("__sub", r),
            K::Mul => self.desugared("__mul", r),
            K::Div => self.desugared("__div", r),
            K::Less | K::More | K::LessOrEq | K::MoreOrEq => self.desugared("__lessThan", r),
            _ => {}
        }
    }

    fn string(&mut self, s: &ast::Str) {
        for part in literal_parts(s.syntax()) {
            if let Part::Interpolation(i) = part {
                self.opt_expr(i.expr());
            }
        }
    }

    fn path(&mut self, e: &ast::Expr, r: TextRange) {
        let parts = literal_parts(e.syntax());
        let mut interpolated = false;
        for part in &parts {
            if let Part::Interpolation(i) = part {
                interpolated = true;
                self.opt_expr(i.expr());
            }
        }
        if parts.len() == 1 && !interpolated {
            let text = e.syntax().text().to_string();
            if text.ends_with('/') && text.len() > 1 {
                self.error(
                    r,
                    "syntax::path_trailing_slash",
                    format!("path '{text}' has a trailing slash"),
                );
            }
            self.index.paths.push(PathLiteral { range: r, text });
        }
    }

    fn attr_path(&mut self, path: Option<ast::Attrpath>) {
        for attr in path.iter().flat_map(|p| p.attrs()) {
            self.attr_key(&attr);
        }
    }

    /// Walks the expression of a dynamic attribute name.
    fn attr_key(&mut self, attr: &ast::Attr) {
        if static_attr_name(attr).is_some() {
            return;
        }
        match attr {
            ast::Attr::Dynamic(d) => self.opt_expr(d.expr()),
            ast::Attr::Str(s) => self.string(s),
            ast::Attr::Ident(_) => {}
        }
    }

    fn lambda(&mut self, l: &ast::Lambda, r: TextRange) {
        match l.param() {
            Some(ast::Param::IdentParam(p)) => {
                let Some(ident) = p.ident() else {
                    self.push_frame(FrameKind::Lambda { at: None }, Vec::new());
                    self.opt_expr(l.body());
                    self.stack.pop();
                    return;
                };
                let name = ident.syntax().text().to_string();
                if name == "or" {
                    self.error(range(&p), "syntax::or_keyword", "syntax error, unexpected 'or' (it is a keyword and cannot name an argument)");
                }
                let ir = range(&ident);
                self.push_frame(
                    FrameKind::Lambda { at: None },
                    vec![(name, BindingKind::Arg, ir, ir)],
                );
                self.opt_expr(l.body());
                self.stack.pop();
            }
            Some(ast::Param::Pattern(pat)) => {
                let mut names = Vec::new();
                let mut seen: Vec<String> = Vec::new();
                let mut defaults = Vec::new();
                for entry in pat.pat_entries() {
                    let Some(ident) = entry.ident() else {
                        continue;
                    };
                    let name = ident.syntax().text().to_string();
                    if seen.contains(&name) {
                        self.error(
                            range(&entry),
                            "syntax::duplicate_formal",
                            format!("duplicate formal function argument '{name}'"),
                        );
                    }
                    seen.push(name.clone());
                    names.push((name, BindingKind::Formal, range(&ident), range(&entry)));
                    defaults.push(entry.default());
                }
                let at = pat.pat_bind().and_then(|b| b.ident());
                let has_at = at.is_some();
                if let Some(at) = at {
                    let name = at.syntax().text().to_string();
                    if seen.contains(&name) {
                        self.error(
                            r,
                            "syntax::duplicate_formal",
                            format!("duplicate formal function argument '{name}'"),
                        );
                    }
                    names.push((name, BindingKind::AtPattern, range(&at), range(&at)));
                }
                let frame = self.push_frame(FrameKind::Lambda { at: None }, names);
                if has_at {
                    let at_id = self.index.frames[frame].bindings.last().copied();
                    self.index.frames[frame].kind = FrameKind::Lambda { at: at_id };
                }
                for d in defaults {
                    self.opt_expr(d);
                }
                self.opt_expr(l.body());
                self.stack.pop();
            }
            None => {
                self.push_frame(FrameKind::Lambda { at: None }, Vec::new());
                self.opt_expr(l.body());
                self.stack.pop();
            }
        }
    }

    fn collect_entries(&mut self, into: &mut Pending, entries: impl Iterator<Item = ast::Entry>) {
        for entry in entries {
            match entry {
                ast::Entry::Inherit(inh) => self.collect_inherit(into, &inh),
                ast::Entry::AttrpathValue(apv) => {
                    let r = range(&apv);
                    let (Some(path), Some(value)) = (apv.attrpath(), apv.value()) else {
                        continue;
                    };
                    let attrs: Vec<ast::Attr> = path.attrs().collect();
                    self.collect_path(into, &attrs, value, r);
                }
            }
        }
    }

    fn collect_inherit(&mut self, into: &mut Pending, inh: &ast::Inherit) {
        let from = inh.from();
        if let Some(source) = from.as_ref().and_then(|f| f.expr()) {
            into.inherit_sources.push(source);
        }
        for attr in inh.attrs() {
            let r = range(&attr);
            let Some(name) = static_attr_name(&attr) else {
                self.error(
                    r,
                    "syntax::dynamic_inherit",
                    "dynamic attributes are not allowed in inherit",
                );
                continue;
            };
            if let Some(prev) = into.statics.get(&name) {
                let prev = prev.range;
                self.duplicate(&name, r, prev);
                continue;
            }
            let value = if from.is_some() {
                PendingValue::InheritFrom
            } else {
                PendingValue::Inherit(name.clone())
            };
            into.statics.insert(
                name,
                PendingStatic {
                    value,
                    range: r,
                    name_range: r,
                    def_range: range(inh),
                },
            );
        }
    }

    fn duplicate(&mut self, name: &str, r: TextRange, previous: TextRange) {
        let span = self.span(r);
        let prev = self.span(previous);
        self.diagnostics.push(
            Diagnostic::error(
                "syntax::duplicate_attribute",
                format!("attribute '{name}' already defined"),
                span,
            )
            .with_label("defined again here")
            .with_secondary(prev, "first defined here"),
        );
    }

    fn collect_path(
        &mut self,
        into: &mut Pending,
        path: &[ast::Attr],
        value: ast::Expr,
        r: TextRange,
    ) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        let Some(name) = static_attr_name(first) else {
            let value = if rest.is_empty() {
                PendingValue::Expr(value)
            } else {
                let mut nested = Pending::new(false, None);
                self.collect_path(&mut nested, rest, value, r);
                PendingValue::Nested(nested)
            };
            into.dynamics.push((first.clone(), value));
            return;
        };
        if rest.is_empty() {
            match into.statics.get_mut(&name) {
                None => {
                    into.statics.insert(
                        name,
                        PendingStatic {
                            value: PendingValue::Expr(value),
                            range: r,
                            name_range: range(first),
                            def_range: r,
                        },
                    );
                }
                Some(existing) => {
                    let literal = match &value {
                        ast::Expr::AttrSet(s) => Some(s.clone()),
                        _ => None,
                    };
                    let prev = existing.range;
                    match (self.as_nested(existing), literal) {
                        (Some(nested), Some(set)) => self.collect_entries(nested, set.entries()),
                        _ => self.duplicate(&name, r, prev),
                    }
                }
            }
            return;
        }
        let existing = into
            .statics
            .entry(name.clone())
            .or_insert_with(|| PendingStatic {
                value: PendingValue::Nested(Pending::new(false, None)),
                range: r,
                name_range: range(first),
                def_range: r,
            });
        let prev = existing.range;
        match self.as_nested(existing) {
            Some(nested) => self.collect_path(nested, rest, value, r),
            None => self.duplicate(&name, r, prev),
        }
    }

    fn as_nested<'p>(&mut self, existing: &'p mut PendingStatic) -> Option<&'p mut Pending> {
        if let PendingValue::Expr(ast::Expr::AttrSet(set)) = &existing.value {
            let set = set.clone();
            let rec_token = set.rec_token().map(|t| t.text_range());
            let mut nested = Pending::new(rec_token.is_some(), rec_token);
            self.collect_entries(&mut nested, set.entries());
            existing.value = PendingValue::Nested(nested);
        }
        match &mut existing.value {
            PendingValue::Nested(n) => Some(n),
            _ => None,
        }
    }

    /// Walks collected bindings; for a recursive set (or `let`) inside a frame of its static
    /// names, which is returned.
    fn bindings(&mut self, pending: Pending, kind: BindingKind) -> Option<FrameId> {
        let frame = pending.recursive.then(|| {
            let names = pending
                .statics
                .iter()
                .map(|(n, st)| (n.clone(), kind, st.name_range, st.def_range))
                .collect();
            let frame_kind = match kind {
                BindingKind::Let => FrameKind::Let,
                BindingKind::LegacyLet => FrameKind::LegacyLet,
                _ => FrameKind::Rec {
                    rec_token: pending.rec_token,
                },
            };
            self.push_frame(frame_kind, names)
        });
        if kind == BindingKind::RecAttr && pending.recursive {
            if let Some(st) = pending.statics.get("__overrides") {
                let span = self.span(st.name_range);
                self.diagnostics.push(
                    Diagnostic::warning(
                        "check::deprecated_overrides",
                        "'__overrides' in a recursive set is deprecated",
                        span,
                    )
                    .with_label("overrides the set's attributes")
                    .with_help("use the '//' operator or a fixed point (lib.extends) instead"),
                );
            }
        }
        for source in &pending.inherit_sources {
            self.expr(source);
        }
        let skip = usize::from(pending.recursive);
        for st in pending.statics.into_values() {
            match st.value {
                PendingValue::Expr(e) => self.expr(&e),
                PendingValue::Nested(n) => {
                    self.bindings(n, BindingKind::RecAttr);
                }
                PendingValue::Inherit(var) => {
                    let target = self.resolve(&var, skip);
                    if target == Target::Undefined {
                        self.undefined(&var, st.range, skip);
                    }
                    self.index.references.push(Reference {
                        name: var,
                        range: st.range,
                        target,
                        selects: None,
                    });
                }
                PendingValue::InheritFrom => {}
            }
        }
        for (name, value) in pending.dynamics {
            self.attr_key(&name);
            match value {
                PendingValue::Expr(e) => self.expr(&e),
                PendingValue::Nested(n) => {
                    self.bindings(n, BindingKind::RecAttr);
                }
                PendingValue::Inherit(_) | PendingValue::InheritFrom => {}
            }
        }
        if frame.is_some() {
            self.stack.pop();
        }
        frame
    }
}

/// An attribute name known without evaluating: an identifier, or a string (also `${"…"}`)
/// without interpolation.
pub fn static_attr_name(attr: &ast::Attr) -> Option<String> {
    match attr {
        ast::Attr::Ident(id) => Some(id.syntax().text().to_string()),
        ast::Attr::Str(s) => constant_string(s),
        ast::Attr::Dynamic(d) => match d.expr() {
            Some(ast::Expr::Str(s)) => constant_string(&s),
            _ => None,
        },
    }
}

/// The text of a string literal without interpolations, escapes and indentation processed as
/// lowering processes them.
fn constant_string(s: &ast::Str) -> Option<String> {
    let indented = s.syntax().first_token().is_some_and(|t| t.text() == "''");
    let mut pieces: Vec<Piece<()>> = Vec::new();
    for (i, part) in literal_parts(s.syntax()).into_iter().enumerate() {
        let Part::Literal(lit) = part else {
            return None;
        };
        if indented {
            let mut text = lit.as_str();
            if i == 0 {
                let spaces = text.len() - text.trim_start_matches(' ').len();
                if text[spaces..].starts_with('\n') {
                    text = &text[spaces + 1..];
                }
            }
            strings::lex_indented_segment(text, &mut pieces);
        } else {
            pieces.push(Piece::Text {
                bytes: strings::unescape_double_quoted(&lit),
                indented: false,
            });
        }
    }
    if indented {
        pieces = strings::strip_indentation(pieces);
    }
    let mut bytes = Vec::new();
    for p in pieces {
        if let Piece::Text { bytes: b, .. } = p {
            bytes.extend(b);
        }
    }
    Some(String::from_utf8_lossy(&bytes).into_owned())
}
