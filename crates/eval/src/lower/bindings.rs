//! Attribute bindings: merging nested paths and lowering `rec`/`let` frames.
//!
//! `{ a.b = 1; a.c = 2; }` and `{ a = { b = 1; }; a.c = 2; }` both define one attribute `a`
//! holding a set: bindings are first collected into a [`PendingAttrs`] tree, merging paths and
//! literal sets, then lowered. Dynamic names (`${e} = …`) are checked at run time.

use std::collections::BTreeMap;

use rnix::ast::{self, HasEntry};
use rowan::ast::AstNode;

use super::scope::{Resolution, Scope};
use super::{leak, Lowerer};
use crate::ir::*;
use crate::source::Span;
use crate::symbol::Symbol;

pub struct PendingAttrs {
    pub recursive: bool,
    pub span: Span,
    pub statics: BTreeMap<Symbol, PendingStatic>,
    pub dynamics: Vec<PendingDynamic>,
    pub inherit_sources: Vec<ast::Expr>,
}

pub struct PendingStatic {
    pub value: PendingValue,
    pub span: Span,
}

pub struct PendingDynamic {
    pub name: ast::Attr,
    pub value: PendingValue,
    pub span: Span,
}

pub enum PendingValue {
    Expr(ast::Expr),
    /// A set built from attribute paths (and literal sets merged into it).
    Nested(PendingAttrs),
    Inherit(Symbol),
    InheritFrom {
        source: u32,
        name: Symbol,
    },
}

impl PendingAttrs {
    pub fn new(recursive: bool, span: Span) -> PendingAttrs {
        PendingAttrs {
            recursive,
            span,
            statics: BTreeMap::new(),
            dynamics: Vec::new(),
            inherit_sources: Vec::new(),
        }
    }
}

impl Lowerer<'_> {
    pub(super) fn collect_entries(
        &mut self,
        into: &mut PendingAttrs,
        entries: impl Iterator<Item = ast::Entry>,
    ) {
        for entry in entries {
            match entry {
                ast::Entry::Inherit(inh) => self.collect_inherit(into, &inh),
                ast::Entry::AttrpathValue(apv) => {
                    let span = self.span(apv.syntax());
                    let (Some(path), Some(value)) = (apv.attrpath(), apv.value()) else {
                        continue;
                    };
                    let attrs: Vec<ast::Attr> = path.attrs().collect();
                    self.collect_path(into, &attrs, value, span);
                }
            }
        }
    }

    fn collect_inherit(&mut self, into: &mut PendingAttrs, inh: &ast::Inherit) {
        let source = inh.from().map(|from| {
            into.inherit_sources.push(from.expr().unwrap_or_else(|| {
                ast::Expr::cast(from.syntax().clone()).expect("inherit source")
            }));
            (into.inherit_sources.len() - 1) as u32
        });
        for attr in inh.attrs() {
            let span = self.span(attr.syntax());
            let Some(name) = self.static_attr_name(&attr) else {
                self.error(
                    span,
                    "syntax::dynamic_inherit",
                    "dynamic attributes are not allowed in inherit",
                );
                continue;
            };
            let value = match source {
                Some(source) => PendingValue::InheritFrom { source, name },
                None => PendingValue::Inherit(name),
            };
            if let Some(prev) = into.statics.get(&name) {
                let prev_span = prev.span;
                self.duplicate(name, span, prev_span);
                continue;
            }
            into.statics.insert(name, PendingStatic { value, span });
        }
    }

    fn duplicate(&mut self, name: Symbol, span: Span, previous: Span) {
        let (line, col) = crate::source::source(previous.file).line_col(previous.start);
        self.error(
            span,
            "syntax::duplicate_attribute",
            format!(
                "attribute '{name}' already defined at {}:{line}:{col}",
                crate::source::source(previous.file).display_name()
            ),
        );
    }

    fn collect_path(
        &mut self,
        into: &mut PendingAttrs,
        path: &[ast::Attr],
        value: ast::Expr,
        span: Span,
    ) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        let name = self.static_attr_name(first);
        let Some(name) = name else {
            // A dynamic name: its subtree is never merged with anything.
            let value = if rest.is_empty() {
                PendingValue::Expr(value)
            } else {
                let mut nested = PendingAttrs::new(false, span);
                self.collect_path(&mut nested, rest, value, span);
                PendingValue::Nested(nested)
            };
            into.dynamics.push(PendingDynamic {
                name: first.clone(),
                value,
                span,
            });
            return;
        };
        if rest.is_empty() {
            match into.statics.get_mut(&name) {
                None => {
                    into.statics.insert(
                        name,
                        PendingStatic {
                            value: PendingValue::Expr(value),
                            span,
                        },
                    );
                }
                Some(existing) => {
                    // Two definitions of one name merge only when both are attribute sets.
                    let literal = match &value {
                        ast::Expr::AttrSet(s) => Some(s.clone()),
                        _ => None,
                    };
                    let prev_span = existing.span;
                    match (self.as_nested(existing), literal) {
                        (Some(nested), Some(set)) => {
                            self.collect_entries(nested, set.entries());
                        }
                        _ => self.duplicate(name, span, prev_span),
                    }
                }
            }
            return;
        }
        let existing = into.statics.entry(name).or_insert_with(|| PendingStatic {
            value: PendingValue::Nested(PendingAttrs::new(false, span)),
            span,
        });
        let prev_span = existing.span;
        match self.as_nested(existing) {
            Some(nested) => self.collect_path(nested, rest, value, span),
            None => self.duplicate(name, span, prev_span),
        }
    }

    /// Turns a binding into a mergeable nested set if it is one (a path-built set or a set
    /// literal); `None` if it is any other expression.
    fn as_nested<'p>(&mut self, existing: &'p mut PendingStatic) -> Option<&'p mut PendingAttrs> {
        if let PendingValue::Expr(ast::Expr::AttrSet(set)) = &existing.value {
            let set = set.clone();
            let span = self.span(set.syntax());
            let mut nested = PendingAttrs::new(set.rec_token().is_some(), span);
            self.collect_entries(&mut nested, set.entries());
            existing.value = PendingValue::Nested(nested);
        }
        match &mut existing.value {
            PendingValue::Nested(n) => Some(n),
            _ => None,
        }
    }

    /// Lowers collected bindings. For a recursive set (or `let`) the statics get a frame whose
    /// slot `i` is static binding `i` (in name order); values, dynamic names and inherit sources
    /// are lowered inside it, while `inherit x;` looks outside it.
    pub(super) fn lower_pending(&mut self, recursive: bool, pending: PendingAttrs) -> Bindings {
        if recursive {
            let names = pending
                .statics
                .keys()
                .enumerate()
                .map(|(i, n)| (*n, i as u32))
                .collect();
            self.scopes.push(Scope::Frame(names));
        }
        let inherit_sources: Vec<ExprRef> = pending
            .inherit_sources
            .iter()
            .map(|e| self.expr(e))
            .collect();
        let skip = usize::from(recursive);
        let mut statics = Vec::with_capacity(pending.statics.len());
        for (name, st) in pending.statics {
            let value = match st.value {
                PendingValue::Expr(e) => {
                    let lowered = self.expr(&e);
                    if let Expr::Lambda(l) = lowered {
                        if l.name.get().is_none() {
                            l.name.set(Some(name));
                        }
                    }
                    BindingValue::Expr(lowered)
                }
                PendingValue::Nested(n) => BindingValue::Expr(self.nested(n)),
                PendingValue::Inherit(var) => {
                    let resolved = self.scopes.resolve(var, st.span, skip);
                    match resolved {
                        Resolution::Undefined => {
                            self.error(
                                st.span,
                                "syntax::undefined_variable",
                                format!("undefined variable '{var}'"),
                            );
                            BindingValue::Inherit(self.placeholder())
                        }
                        r => BindingValue::Inherit(leak(r.into_expr().expect("defined"))),
                    }
                }
                PendingValue::InheritFrom { source, .. } => BindingValue::InheritFrom {
                    source,
                    span: st.span,
                },
            };
            statics.push(StaticBinding {
                name,
                value,
                span: st.span,
            });
        }
        let dynamics = pending
            .dynamics
            .into_iter()
            .map(|d| {
                let name = match self.attr_key(&d.name) {
                    AttrKey::Dynamic(e) => e,
                    AttrKey::Static(_) => unreachable!("static names were collected as statics"),
                };
                let value = match d.value {
                    PendingValue::Expr(e) => self.expr(&e),
                    PendingValue::Nested(n) => self.nested(n),
                    _ => unreachable!("inherits are always static"),
                };
                DynamicBinding {
                    name,
                    value,
                    span: d.span,
                }
            })
            .collect();
        if recursive {
            self.scopes.pop();
        }
        Bindings {
            statics: statics.into(),
            dynamics,
            inherit_sources: inherit_sources.into(),
        }
    }

    fn nested(&mut self, n: PendingAttrs) -> ExprRef {
        let recursive = n.recursive;
        let span = n.span;
        let bindings = self.lower_pending(recursive, n);
        leak(Expr::Attrs(Box::new(AttrsExpr {
            recursive,
            bindings,
            span,
        })))
    }
}
