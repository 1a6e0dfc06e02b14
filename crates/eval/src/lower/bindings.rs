//! Attribute bindings: merging nested paths and lowering `rec`/`let` frames.
//!
//! `{ a.b = 1; a.c = 2; }` and `{ a = { b = 1; }; a.c = 2; }` both define one attribute `a`
//! holding a set: bindings are first collected into a [`PendingAttrs`] tree, merging paths and
//! literal sets, then lowered. Dynamic names (`${e} = …`) are checked at run time.

use std::collections::BTreeMap;

use super::scope::BindingInfo;
use super::{Lowerer, Problem, RED_ZONE, STACK_CHUNK};
use crate::check::index::{BindingKind, FrameKind};
use crate::diagnostic::Diagnostic;
use crate::ir::*;
use crate::parse::ast::{self, Attr, Bind, Node, NodeId};
use crate::symbol::Symbol;

pub struct PendingAttrs {
    recursive: bool,
    /// The `rec` keyword, when written.
    rec_token: Option<ast::Span>,
    span: ast::Span,
    statics: BTreeMap<Symbol, PendingStatic>,
    dynamics: Vec<PendingDynamic>,
    inherit_sources: Vec<NodeId>,
}

struct PendingStatic {
    value: PendingValue,
    /// Where errors about it point (the entry, or the inherited attribute).
    span: ast::Span,
    /// The name that defines it, and the whole definition (for the index).
    name_range: ast::Span,
    def_range: ast::Span,
}

struct PendingDynamic {
    name: Attr,
    value: PendingValue,
    span: ast::Span,
}

enum PendingValue {
    Expr(NodeId),
    /// A set built from attribute paths (and literal sets merged into it).
    Nested(PendingAttrs),
    Inherit(Symbol),
    InheritFrom {
        source: u32,
    },
}

impl PendingAttrs {
    fn new(recursive: bool, rec_token: Option<ast::Span>, span: ast::Span) -> PendingAttrs {
        PendingAttrs {
            recursive,
            rec_token,
            span,
            statics: BTreeMap::new(),
            dynamics: Vec::new(),
            inherit_sources: Vec::new(),
        }
    }
}

impl Lowerer<'_> {
    pub(super) fn attr_set(
        &mut self,
        rec: Option<ast::Span>,
        binds: ast::Range,
        s: ast::Span,
    ) -> ExprRef {
        let recursive = rec.is_some();
        let mut pending = PendingAttrs::new(recursive, rec, s);
        self.collect_entries(&mut pending, binds);
        let (bindings, _) = self.lower_pending(pending, BindingKind::RecAttr, None);
        let code = self.code;
        code.expr(Expr::Attrs(code.alloc(AttrsExpr {
            recursive,
            bindings,
            span: self.span(s),
        })))
    }

    pub(super) fn let_in(&mut self, binds: ast::Range, body: NodeId, s: ast::Span) -> ExprRef {
        let mut pending = PendingAttrs::new(true, None, s);
        self.collect_entries(&mut pending, binds);
        if !pending.dynamics.is_empty() {
            // Nix reports this at the `let`.
            self.error(
                self.span(s).start_point(),
                "syntax::dynamic_let",
                "dynamic attributes are not allowed in let",
            );
        }
        let (bindings, body) = self.lower_pending(pending, BindingKind::Let, Some(body));
        let code = self.code;
        let body = body.expect("lowered inside the frame");
        code.expr(Expr::Let(code.alloc(Let { bindings, body })))
    }

    pub(super) fn legacy_let(
        &mut self,
        keyword: ast::Span,
        binds: ast::Range,
        s: ast::Span,
    ) -> ExprRef {
        let span = self.span(s);
        let kw = self.span(keyword);
        self.warn(|| {
            Diagnostic::warning(
                "check::deprecated_let",
                "the legacy 'let { … }' syntax is deprecated",
                kw,
            )
            .with_label("legacy let")
            .with_help("write 'let … in body' instead; the value is the 'body' binding")
        });
        let mut pending = PendingAttrs::new(true, None, s);
        self.collect_entries(&mut pending, binds);
        let (bindings, _) = self.lower_pending(pending, BindingKind::LegacyLet, None);
        let code = self.code;
        let set = code.expr(Expr::Attrs(code.alloc(AttrsExpr {
            recursive: true,
            bindings,
            span,
        })));
        let path = code.slice(vec![AttrKey::Static(crate::sym!("body"))]);
        code.expr(Expr::Select(code.alloc(Select {
            expr: set,
            path,
            default: None,
            span,
        })))
    }

    fn collect_entries(&mut self, into: &mut PendingAttrs, binds: ast::Range) {
        for &bind in self.ast.binds(binds) {
            match bind {
                Bind::Inherit { from, names, span } => {
                    let source = from.map(|e| {
                        into.inherit_sources.push(e);
                        (into.inherit_sources.len() - 1) as u32
                    });
                    for &attr in self.ast.attrs(names) {
                        let aspan = self.ast.attr_span(attr);
                        let Some(name) = self.static_name(attr) else {
                            self.error(
                                self.span(aspan),
                                "syntax::dynamic_inherit",
                                "dynamic attributes are not allowed in inherit",
                            );
                            continue;
                        };
                        let value = match source {
                            Some(source) => PendingValue::InheritFrom { source },
                            None => PendingValue::Inherit(name),
                        };
                        if let Some(prev) = into.statics.get(&name) {
                            let prev = prev.span;
                            self.duplicate(name, aspan, prev);
                            continue;
                        }
                        into.statics.insert(
                            name,
                            PendingStatic {
                                value,
                                span: aspan,
                                name_range: aspan,
                                def_range: span,
                            },
                        );
                    }
                }
                Bind::Value { path, value, span } => {
                    let attrs = self.ast.attrs(path);
                    self.collect_path(into, attrs, value, span);
                }
            }
        }
    }

    fn duplicate(&mut self, name: Symbol, span: ast::Span, previous: ast::Span) {
        self.problems.push(Problem::Duplicate {
            name,
            span: self.span(span),
            previous: self.span(previous),
        });
    }

    fn collect_path(
        &mut self,
        into: &mut PendingAttrs,
        path: &[Attr],
        value: NodeId,
        span: ast::Span,
    ) {
        let Some((&first, rest)) = path.split_first() else {
            return;
        };
        let Some(name) = self.static_name(first) else {
            // A dynamic name: its subtree is never merged with anything.
            let value = if rest.is_empty() {
                PendingValue::Expr(value)
            } else {
                let mut nested = PendingAttrs::new(false, None, span);
                stacker::maybe_grow(RED_ZONE, STACK_CHUNK, || {
                    self.collect_path(&mut nested, rest, value, span)
                });
                PendingValue::Nested(nested)
            };
            into.dynamics.push(PendingDynamic {
                name: first,
                value,
                span,
            });
            return;
        };
        let name_range = self.ast.attr_span(first);
        if rest.is_empty() {
            match into.statics.get_mut(&name) {
                None => {
                    into.statics.insert(
                        name,
                        PendingStatic {
                            value: PendingValue::Expr(value),
                            span,
                            name_range,
                            def_range: span,
                        },
                    );
                }
                Some(existing) => {
                    // Two definitions of one name merge only when both are attribute sets.
                    let literal = match self.ast.node(value) {
                        Node::AttrSet { binds, .. } => Some(binds),
                        _ => None,
                    };
                    let prev_span = existing.span;
                    match (self.as_nested(existing), literal) {
                        (Some(nested), Some(binds)) => self.collect_entries(nested, binds),
                        _ => self.duplicate(name, span, prev_span),
                    }
                }
            }
            return;
        }
        let existing = into.statics.entry(name).or_insert_with(|| PendingStatic {
            value: PendingValue::Nested(PendingAttrs::new(false, None, span)),
            span,
            name_range,
            def_range: span,
        });
        let prev_span = existing.span;
        match self.as_nested(existing) {
            Some(nested) => stacker::maybe_grow(RED_ZONE, STACK_CHUNK, || {
                self.collect_path(nested, rest, value, span)
            }),
            None => self.duplicate(name, span, prev_span),
        }
    }

    /// Turns a binding into a mergeable nested set if it is one (a path-built set or a set
    /// literal); `None` if it is any other expression.
    fn as_nested<'p>(&mut self, existing: &'p mut PendingStatic) -> Option<&'p mut PendingAttrs> {
        if let PendingValue::Expr(e) = existing.value {
            if let Node::AttrSet { rec, binds } = self.ast.node(e) {
                let mut nested = PendingAttrs::new(rec.is_some(), rec, self.ast.span(e));
                self.collect_entries(&mut nested, binds);
                existing.value = PendingValue::Nested(nested);
            }
        }
        match &mut existing.value {
            PendingValue::Nested(n) => Some(n),
            _ => None,
        }
    }

    /// Lowers collected bindings (and `body`, in their frame). For a recursive set (or `let`)
    /// the statics get a frame whose slot `i` is static binding `i` (in name order); values,
    /// dynamic names and inherit sources are lowered inside it, while `inherit x;` looks
    /// outside it. `kind` is what the index calls these bindings.
    fn lower_pending(
        &mut self,
        pending: PendingAttrs,
        kind: BindingKind,
        body: Option<NodeId>,
    ) -> (Bindings, Option<ExprRef>) {
        let recursive = pending.recursive;
        if recursive {
            let names: Vec<Symbol> = pending.statics.keys().copied().collect();
            let info = self.scopes.recording().then(|| {
                let frame = match kind {
                    BindingKind::Let => FrameKind::Let,
                    BindingKind::LegacyLet => FrameKind::LegacyLet,
                    _ => FrameKind::Rec {
                        rec_token: pending
                            .rec_token
                            .map(|t| crate::check::index::text_range(t.start, t.end)),
                    },
                };
                let bindings = pending
                    .statics
                    .values()
                    .map(|st| BindingInfo {
                        kind,
                        name_range: st.name_range,
                        def_range: st.def_range,
                    })
                    .collect();
                (frame, bindings)
            });
            self.scopes.push_frame(&names, info);
            if kind == BindingKind::RecAttr {
                if let Some(st) = pending.statics.get(&crate::sym!("__overrides")) {
                    let span = self.span(st.name_range);
                    self.warn(|| {
                        Diagnostic::warning(
                            "check::deprecated_overrides",
                            "'__overrides' in a recursive set is deprecated",
                            span,
                        )
                        .with_label("overrides the set's attributes")
                        .with_help("use the '//' operator or a fixed point (lib.extends) instead")
                    });
                }
            }
        }
        let inherit_sources: Vec<ExprRef> = pending
            .inherit_sources
            .iter()
            .map(|&e| self.expr(e))
            .collect();
        let skip = usize::from(recursive);
        let mut statics = Vec::with_capacity(pending.statics.len());
        for (name, st) in pending.statics {
            let value = match st.value {
                PendingValue::Expr(e) => {
                    let lowered = self.expr(e);
                    if let Expr::Lambda(l) = lowered {
                        if l.name.get().is_none() {
                            l.name.set(Some(name));
                        }
                    }
                    BindingValue::Expr(lowered)
                }
                PendingValue::Nested(n) => BindingValue::Expr(self.nested(n)),
                PendingValue::Inherit(var) => {
                    let r = self.scopes.reference(var, st.span, skip, None, false);
                    let span = self.span(st.span);
                    match self.resolved(r, var, span) {
                        Some(e) => BindingValue::Inherit(e),
                        None => {
                            self.undefined(var, span, skip);
                            BindingValue::Inherit(self.placeholder())
                        }
                    }
                }
                PendingValue::InheritFrom { source } => BindingValue::InheritFrom {
                    source,
                    span: self.span(st.span),
                },
            };
            statics.push(StaticBinding {
                name,
                value,
                span: self.span(st.span),
            });
        }
        let dynamics: Vec<DynamicBinding> = pending
            .dynamics
            .into_iter()
            .map(|d| {
                let name = match self.attr_key(d.name) {
                    AttrKey::Dynamic(e) => e,
                    AttrKey::Static(_) => unreachable!("static names were collected as statics"),
                };
                let value = match d.value {
                    PendingValue::Expr(e) => self.expr(e),
                    PendingValue::Nested(n) => self.nested(n),
                    _ => unreachable!("inherits are always static"),
                };
                DynamicBinding {
                    name,
                    value,
                    span: self.span(d.span),
                }
            })
            .collect();
        let body = body.map(|b| self.expr(b));
        if recursive {
            self.scopes.pop();
        }
        let code = self.code;
        let bindings = Bindings {
            statics: code.slice(statics),
            dynamics: code.slice(dynamics),
            inherit_sources: code.slice(inherit_sources),
        };
        (bindings, body)
    }

    fn nested(&mut self, n: PendingAttrs) -> ExprRef {
        let recursive = n.recursive;
        let span = self.span(n.span);
        let (bindings, _) = stacker::maybe_grow(RED_ZONE, STACK_CHUNK, || {
            self.lower_pending(n, BindingKind::RecAttr, None)
        });
        let code = self.code;
        code.expr(Expr::Attrs(code.alloc(AttrsExpr {
            recursive,
            bindings,
            span,
        })))
    }
}
