//! Compile-time scopes: where each variable lives at run time.

use std::collections::HashMap;

use crate::ir::{Expr, LocalVar, WithVar};
use crate::source::Span;
use crate::symbol::Symbol;
use crate::value::Value;

pub enum Scope {
    /// A frame of named slots (`let`, `rec`, lambda, scopedImport's scope).
    Frame(HashMap<Symbol, u32>),
    /// A `with`: one slot holding the namespace.
    With,
}

/// What a name refers to.
pub enum Resolution {
    Local(LocalVar),
    With(WithVar),
    Global(Value),
    Undefined,
}

pub struct Scopes<'g> {
    stack: Vec<Scope>,
    globals: &'g HashMap<Symbol, Value>,
}

impl<'g> Scopes<'g> {
    pub fn new(globals: &'g HashMap<Symbol, Value>) -> Scopes<'g> {
        Scopes {
            stack: Vec::new(),
            globals,
        }
    }

    pub fn push(&mut self, scope: Scope) {
        self.stack.push(scope);
    }

    pub fn pop(&mut self) {
        self.stack.pop();
    }

    /// Resolves `name`, ignoring the innermost `skip` scopes (for `inherit x;` inside a
    /// recursive set, which refers to the enclosing scope).
    ///
    /// Lexical bindings, including the global builtins, always win over `with`: an inner `with`
    /// never shadows a binding from an outer `let` or lambda.
    pub fn resolve(&self, name: Symbol, span: Span, skip: usize) -> Resolution {
        let mut with_depths = Vec::new();
        let live = &self.stack[..self.stack.len().saturating_sub(skip)];
        for (distance, scope) in live.iter().rev().enumerate() {
            let depth = (distance + skip) as u32;
            match scope {
                Scope::Frame(names) => {
                    if let Some(&index) = names.get(&name) {
                        return Resolution::Local(LocalVar { depth, index, span });
                    }
                }
                Scope::With => with_depths.push(depth),
            }
        }
        if let Some(v) = self.globals.get(&name) {
            return Resolution::Global(v.clone());
        }
        if with_depths.is_empty() {
            Resolution::Undefined
        } else {
            Resolution::With(WithVar {
                name,
                with_depths: with_depths.into(),
                span,
            })
        }
    }

    /// True when `name` resolves to the global of that name (not shadowed by any binding).
    pub fn is_unshadowed_global(&self, name: Symbol) -> bool {
        self.stack.iter().all(|s| match s {
            Scope::Frame(names) => !names.contains_key(&name),
            Scope::With => true,
        }) && self.globals.contains_key(&name)
    }
}

impl Resolution {
    pub fn into_expr(self) -> Option<Expr> {
        match self {
            Resolution::Local(v) => Some(Expr::Var(v)),
            Resolution::With(w) => Some(Expr::WithVar(Box::new(w))),
            Resolution::Global(v) => Some(Expr::Const(v)),
            Resolution::Undefined => None,
        }
    }
}
