//! Attribute sets at run time: building them from bindings, selecting and testing paths.

use std::rc::Rc;

use super::Machine;
use crate::env::Env;
use crate::error::{ErrorKind, EvalError, EvalResult};
use crate::ir::*;
use crate::source::Span;
use crate::symbol::Symbol;
use crate::thunk::Thunk;
use crate::value::{AttrEntry, AttrSet, Attrs, Value};

impl Machine {
    pub(super) fn eval_attrs(&mut self, a: &AttrsExpr, env: &Rc<Env>) -> EvalResult<Value> {
        let b = &a.bindings;
        let scope = if a.recursive {
            Env::new(b.statics.len(), env)
        } else {
            env.clone()
        };
        let overrides_index = if a.recursive {
            b.statics
                .iter()
                .position(|st| st.name == crate::sym!("__overrides"))
        } else {
            None
        };
        if overrides_index.is_none() && b.dynamics.is_empty() {
            // The common case: the set is its static bindings, written straight into place.
            let sources = self.inherit_sources(b, &scope);
            let recursive = a.recursive;
            let entries = b.statics.iter().enumerate().map(|(i, st)| {
                let entry = self.static_entry(st, &sources, &scope);
                if recursive {
                    scope.set(i, entry.value.clone());
                }
                entry
            });
            let set = AttrSet::from_sorted_exact(b.statics.len(), Some(a.span), entries);
            return Ok(Value::Attrs(set));
        }
        let mut attrs = match overrides_index {
            None => Attrs::from_sorted(self.static_values(b, &scope, a.recursive)).with_pos(a.span),
            Some(index) => self.overridden_values(b, &scope, index, a.span)?,
        };
        for d in b.dynamics.iter() {
            let name = self.eval(d.name, &scope)?;
            if matches!(name, Value::Null) {
                continue;
            }
            let name = self.force_string_no_context(&name, d.span)?;
            let sym = Symbol::from_bytes(name.as_bytes());
            if let Some(prev) = attrs.get_entry(sym) {
                let at = prev
                    .pos
                    .map(crate::source::describe_position)
                    .unwrap_or_else(|| "(unknown position)".into());
                return Err(EvalError::other(
                    "eval::duplicate_attribute",
                    format!("dynamic attribute '{sym}' already defined at {at}"),
                    d.span,
                ));
            }
            let value = self.maybe_thunk(d.value, &scope);
            attrs.insert(sym, value, Some(d.span));
        }
        Ok(Value::attrs(attrs))
    }

    /// A `rec` set with the legacy `__overrides` attribute: the attributes of `__overrides`
    /// (evaluated in the set's own scope) replace the set's bindings, both in the result and
    /// for the other bindings that refer to them, and extra ones are added.
    fn overridden_values(
        &mut self,
        b: &Bindings,
        scope: &Rc<Env>,
        index: usize,
        pos: Span,
    ) -> EvalResult<Attrs> {
        let sources: Vec<Value> = b
            .inherit_sources
            .iter()
            .map(|e| self.maybe_thunk(e, scope))
            .collect();
        // Filled once `__overrides` is evaluated; until then the bindings are the originals, as
        // in Nix, where the overrides are evaluated before the frame is updated.
        let overrides: Rc<std::cell::OnceCell<AttrSet>> = Rc::default();
        let mut entries = Vec::with_capacity(b.statics.len());
        for (i, st) in b.statics.iter().enumerate() {
            let original = match &st.value {
                BindingValue::Expr(e) | BindingValue::Inherit(e) => self.maybe_thunk(e, scope),
                BindingValue::InheritFrom { source, span } => Value::Thunk(Thunk::select(
                    sources[*source as usize].clone(),
                    st.name,
                    *span,
                )),
            };
            let value = if i == index {
                original
            } else {
                let (overrides, name, span) = (overrides.clone(), st.name, st.span);
                Value::Thunk(Thunk::native(Rc::new(move |m: &mut Machine| {
                    let chosen = overrides
                        .get()
                        .and_then(|o| o.get(name).cloned())
                        .unwrap_or_else(|| original.clone());
                    m.force(&chosen, span)
                })))
            };
            scope.set(i, value.clone());
            entries.push(AttrEntry {
                name: st.name,
                value,
                pos: Some(st.span),
            });
        }
        let mut attrs = Attrs::from_sorted(entries).with_pos(pos);
        let over = scope.get(index as u32).clone();
        let over = self.force_attrs(&over, b.statics[index].span)?;
        for e in over.entries() {
            attrs.insert(e.name, e.value.clone(), e.pos);
        }
        let _ = overrides.set(over);
        Ok(attrs)
    }

    /// The frame of a `let`: one slot per binding, filled with thunks that see the frame.
    pub(super) fn instantiate_frame(&mut self, b: &Bindings, env: &Rc<Env>) -> Rc<Env> {
        let frame = Env::new(b.statics.len(), env);
        self.static_values(b, &frame, true);
        frame
    }

    /// The values of the static bindings; for recursive bindings also stored in `scope`.
    fn static_values(&mut self, b: &Bindings, scope: &Rc<Env>, recursive: bool) -> Vec<AttrEntry> {
        let sources = self.inherit_sources(b, scope);
        let mut entries = Vec::with_capacity(b.statics.len() + b.dynamics.len());
        for (i, st) in b.statics.iter().enumerate() {
            let entry = self.static_entry(st, &sources, scope);
            if recursive {
                scope.set(i, entry.value.clone());
            }
            entries.push(entry);
        }
        entries
    }

    /// The sets `inherit (e) …` takes from, each suspended once for all its names.
    fn inherit_sources(&mut self, b: &Bindings, scope: &Rc<Env>) -> Vec<Value> {
        b.inherit_sources
            .iter()
            .map(|e| self.maybe_thunk(e, scope))
            .collect()
    }

    /// A static binding's attribute: its value suspended in `scope`.
    fn static_entry(
        &mut self,
        st: &crate::ir::StaticBinding,
        sources: &[Value],
        scope: &Rc<Env>,
    ) -> AttrEntry {
        let value = match &st.value {
            BindingValue::Expr(e) | BindingValue::Inherit(e) => self.maybe_thunk(e, scope),
            BindingValue::InheritFrom { source, span } => Value::Thunk(Thunk::select(
                sources[*source as usize].clone(),
                st.name,
                *span,
            )),
        };
        AttrEntry {
            name: st.name,
            value,
            pos: Some(st.span),
        }
    }

    /// The name an attribute-path component denotes.
    fn key_name(&mut self, key: &AttrKey, env: &Rc<Env>, span: Span) -> EvalResult<Symbol> {
        match key {
            AttrKey::Static(s) => Ok(*s),
            AttrKey::Dynamic(e) => {
                let v = self.eval(e, env)?;
                let s = self.force_string_no_context(&v, span)?;
                Ok(Symbol::from_bytes(s.as_bytes()))
            }
        }
    }

    pub(super) fn eval_select(&mut self, s: &Select, env: &Rc<Env>) -> EvalResult<Value> {
        let mut current = self.eval(s.expr, env)?;
        for key in s.path.iter() {
            let name = self.key_name(key, env, s.span)?;
            let found = match &current {
                Value::Attrs(a) => a.get_entry(name).map(|e| (e.value.clone(), e.pos)),
                _ if s.default.is_some() => None,
                other => return Err(self.type_error("a set", other, s.span)),
            };
            match found {
                // Like Nix, the value is demanded "at" the attribute's definition.
                Some((v, pos)) => current = self.force(&v, pos.unwrap_or(s.span))?,
                None => match s.default {
                    Some(d) => return self.eval(d, env),
                    None => return Err(self.missing_attribute(&current, name, s.span)),
                },
            }
        }
        Ok(current)
    }

    pub(super) fn eval_has_attr(&mut self, h: &HasAttr, env: &Rc<Env>) -> EvalResult<Value> {
        let mut current = self.eval(h.expr, env)?;
        let last = h.path.len().saturating_sub(1);
        for (i, key) in h.path.iter().enumerate() {
            let name = self.key_name(key, env, h.span)?;
            let next = match &current {
                Value::Attrs(a) => a.get(name).cloned(),
                _ => None,
            };
            match next {
                // The last attribute's value is never forced: `{ a = throw ""; } ? a` is true.
                Some(_) if i == last => return Ok(Value::Bool(true)),
                Some(v) => current = self.force(&v, h.span)?,
                None => return Ok(Value::Bool(false)),
            }
        }
        Ok(Value::Bool(true))
    }

    /// `from.name`, forcing both (used by `inherit (e) x` thunks and builtins).
    pub fn select_attr(&mut self, from: &Value, name: Symbol, span: Span) -> EvalResult<Value> {
        let from = self.force(from, span)?;
        let attrs = self.expect_attrs(&from, span)?;
        match attrs.get(name) {
            Some(v) => {
                let v = v.clone();
                self.force(&v, span)
            }
            None => Err(self.missing_attribute(&from, name, span)),
        }
    }

    pub fn missing_attribute(&self, set: &Value, name: Symbol, span: Span) -> EvalError {
        let suggestions = match set {
            Value::Attrs(a) => {
                crate::suggest::similar_names(name.as_str(), a.names().map(|n| n.as_str()))
            }
            _ => Vec::new(),
        };
        EvalError::new(
            ErrorKind::MissingAttribute {
                name: name.to_string(),
                suggestions,
            },
            span,
        )
    }
}
