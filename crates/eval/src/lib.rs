//! The Nix language evaluator.
//!
//! Data flow: source text → [`syntax`] (rnix tree + all syntax errors) → `lower` (IR with
//! resolved variables) → [`eval::Machine`] (lazy evaluation over environment frames) →
//! [`value::Value`]. Printing for the CLI lives in [`print`]; nothing in this crate writes to
//! the terminal.

pub mod builtins;
pub mod check;
pub mod diagnostic;
pub mod env;
pub mod error;
pub mod eval;
pub mod io;
pub mod ir;
pub mod json;
pub mod lower;
pub mod parse;
pub mod prefetch;
pub mod print;
pub mod show;
pub mod source;
pub mod store;
pub mod suggest;
pub mod symbol;
pub mod syntax;
pub mod thunk;
pub mod value;
pub mod xml;

pub use error::{ErrorKind, EvalError, EvalResult};
pub use eval::{EvalOptions, Machine};
pub use value::Value;

/// The span of an IR expression, where it has one (for errors about a thunk's definition).
pub fn ir_span(e: &ir::Expr) -> Option<source::Span> {
    use ir::Expr;
    match e {
        Expr::Const(_) | Expr::Resolved(_) => None,
        Expr::Var(v) => Some(v.span),
        Expr::WithVar(w) => Some(w.span),
        Expr::Lambda(l) => Some(l.span),
        Expr::Call(c) => Some(c.span),
        Expr::Attrs(a) => Some(a.span),
        Expr::List(items) => items.first().and_then(|i| ir_span(i)),
        Expr::Select(s) => Some(s.span),
        Expr::HasAttr(h) => Some(h.span),
        Expr::Let(l) => ir_span(l.body),
        Expr::With(w) => Some(w.span),
        Expr::If(i) => Some(i.span),
        Expr::Assert(a) => Some(a.span),
        Expr::Not(_, s) => Some(*s),
        Expr::Binary(b) => Some(b.span),
        Expr::Concat(c) => Some(c.span),
        Expr::CurPos(s) => Some(*s),
    }
}
