//! The name resolver: which binding every name refers to, for evaluation, `ntop check` and the
//! language server alike.
//!
//! Lowering drives it (it is the one walk over a file's scopes): it pushes a frame for every
//! `let`, `rec` set and lambda (slot `i` holding name `i`), a scope for every `with`, and asks
//! where each name lives. The rules: lexical bindings, then the globals, then the enclosing
//! `with`s (innermost first) — an inner `with` never shadows an outer `let`. When asked to,
//! the resolver also records what it resolved (bindings, frames, references) into an
//! [`Index`], which is what the checker and the editor read; evaluation does not ask, and pays
//! nothing for it.

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use crate::check::index::{
    text_range, Binding, BindingId, BindingKind, Frame, FrameKind, Index, Reference, Target,
};
use crate::parse::ast::Span;
use crate::symbol::Symbol;
use crate::value::Value;

/// Where a name lives at run time.
pub enum Resolution {
    /// `depth` frames up, slot `index`.
    Local {
        depth: u32,
        index: u32,
    },
    /// Only a `with` can provide it: the depths of the enclosing `with` frames, innermost first.
    With(Vec<u32>),
    Global(Value),
    Undefined,
}

/// A binding of a frame being pushed, as the index records it.
pub struct BindingInfo {
    pub kind: BindingKind,
    pub name_range: Span,
    pub def_range: Span,
}

pub struct Resolver<'g> {
    globals: &'g HashMap<Symbol, Value>,
    /// For every bound name, its innermost entry in `entries`.
    names: FxHashMap<Symbol, u32>,
    /// The bindings of the open frames, each linked to the entry it shadows.
    entries: Vec<Entry>,
    scopes: Vec<Scope>,
    /// What was resolved, when the caller asked for it.
    index: Option<Index>,
}

#[derive(Clone, Copy)]
struct Entry {
    /// The scope's position in the stack.
    level: u32,
    slot: u32,
    /// The binding in the index (when recording).
    binding: u32,
    name: Symbol,
    /// The entry of the same name this one shadows (`NONE` if none).
    shadows: u32,
}

enum Scope {
    /// A frame whose bindings are `entries[first..first + len]`.
    Frame {
        first: u32,
        len: u32,
    },
    With,
}

const NONE: u32 = u32::MAX;

const NO_BINDING: u32 = u32::MAX;

impl<'g> Resolver<'g> {
    pub fn new(globals: &'g HashMap<Symbol, Value>, record: bool) -> Resolver<'g> {
        Resolver {
            globals,
            names: FxHashMap::default(),
            entries: Vec::new(),
            scopes: Vec::new(),
            index: record.then(Index::default),
        }
    }

    /// Whether an index is being recorded (callers then describe their frames).
    pub fn recording(&self) -> bool {
        self.index.is_some()
    }

    pub fn into_index(self) -> Option<Index> {
        self.index
    }

    /// Pushes a frame whose slot `i` is `names[i]`; `info` describes the frame and each binding
    /// for the index (needed only when recording).
    pub fn push_frame(&mut self, names: &[Symbol], info: Option<(FrameKind, Vec<BindingInfo>)>) {
        let level = self.scopes.len() as u32;
        let mut first_binding = NO_BINDING;
        if let (Some(index), Some((kind, infos))) = (&mut self.index, info) {
            let frame = index.frames.len();
            first_binding = index.bindings.len() as u32;
            let mut ids = Vec::with_capacity(names.len());
            for (name, b) in names.iter().zip(infos) {
                ids.push(index.bindings.len());
                index.bindings.push(Binding {
                    name: name.as_str().to_owned(),
                    kind: b.kind,
                    name_range: text_range(b.name_range.start, b.name_range.end),
                    def_range: text_range(b.def_range.start, b.def_range.end),
                    frame,
                });
            }
            if let FrameKind::Lambda { at: Some(_) } = kind {
                // The `@` binding is the last one.
                let at = ids.last().copied();
                index.frames.push(Frame {
                    kind: FrameKind::Lambda { at },
                    bindings: ids,
                });
            } else {
                index.frames.push(Frame {
                    kind,
                    bindings: ids,
                });
            }
        }
        let first = self.entries.len() as u32;
        for (slot, &name) in names.iter().enumerate() {
            let binding = if first_binding == NO_BINDING {
                NO_BINDING
            } else {
                first_binding + slot as u32
            };
            let id = self.entries.len() as u32;
            let shadows = self.names.insert(name, id).unwrap_or(NONE);
            self.entries.push(Entry {
                level,
                slot: slot as u32,
                binding,
                name,
                shadows,
            });
        }
        self.scopes.push(Scope::Frame {
            first,
            len: names.len() as u32,
        });
    }

    /// Pushes the scope of a `with` (one slot at run time: the namespace).
    pub fn push_with(&mut self) {
        self.scopes.push(Scope::With);
    }

    pub fn pop(&mut self) {
        if let Some(Scope::Frame { first, .. }) = self.scopes.pop() {
            while self.entries.len() > first as usize {
                let e = self.entries.pop().expect("non-empty");
                if e.shadows == NONE {
                    self.names.remove(&e.name);
                } else {
                    self.names.insert(e.name, e.shadows);
                }
            }
        }
    }

    /// Resolves `name`, ignoring the innermost `skip` scopes (for `inherit x;` inside a
    /// recursive set, which refers to the enclosing scope).
    pub fn resolve(&self, name: Symbol, skip: usize) -> Resolution {
        self.lookup(name, skip).0
    }

    fn lookup(&self, name: Symbol, skip: usize) -> (Resolution, Target) {
        let live = self.scopes.len().saturating_sub(skip) as u32;
        let innermost = self.scopes.len() as u32;
        let mut at = self.names.get(&name).copied().unwrap_or(NONE);
        while at != NONE && self.entries[at as usize].level >= live {
            at = self.entries[at as usize].shadows;
        }
        if at != NONE {
            let e = self.entries[at as usize];
            let target = if e.binding == NO_BINDING {
                Target::Undefined
            } else {
                Target::Binding(e.binding as BindingId)
            };
            let r = Resolution::Local {
                depth: innermost - 1 - e.level,
                index: e.slot,
            };
            return (r, target);
        }
        if let Some(v) = self.globals.get(&name) {
            return (Resolution::Global(v.clone()), Target::Global);
        }
        let withs: Vec<u32> = self.scopes[..live as usize]
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, s)| matches!(s, Scope::With))
            .map(|(level, _)| innermost - 1 - level as u32)
            .collect();
        if withs.is_empty() {
            (Resolution::Undefined, Target::Undefined)
        } else {
            (Resolution::With(withs), Target::With)
        }
    }

    /// Resolves a name written in the source at `span`, recording the reference. `selects` is
    /// the attribute selected from it at once (`args.x`); a `desugared` name (`__sub` for `-`)
    /// is recorded only when a binding provides it.
    pub fn reference(
        &mut self,
        name: Symbol,
        span: Span,
        skip: usize,
        selects: Option<String>,
        desugared: bool,
    ) -> Resolution {
        let (resolution, target) = self.lookup(name, skip);
        if let Some(index) = &mut self.index {
            if !desugared || matches!(target, Target::Binding(_)) {
                index.references.push(Reference {
                    name: name.as_str().to_owned(),
                    range: text_range(span.start, span.end),
                    target,
                    selects,
                });
            }
        }
        resolution
    }

    /// True when `name` resolves to the global of that name (no scope binds it).
    pub fn is_unshadowed_global(&self, name: Symbol) -> bool {
        !self.names.contains_key(&name) && self.globals.contains_key(&name)
    }

    /// The names bound in the scopes visible with `skip` innermost scopes ignored (for "did
    /// you mean …?").
    pub fn names_in_scope(&self, skip: usize) -> Vec<Symbol> {
        let live = self.scopes.len().saturating_sub(skip);
        self.scopes[..live]
            .iter()
            .flat_map(|s| match *s {
                Scope::Frame { first, len } => self.entries[first as usize..(first + len) as usize]
                    .iter()
                    .map(|e| e.name)
                    .collect(),
                Scope::With => Vec::new(),
            })
            .collect()
    }

    pub fn index_mut(&mut self) -> Option<&mut Index> {
        self.index.as_mut()
    }
}
