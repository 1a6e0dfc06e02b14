//! Laziness: the only place where a suspended computation becomes a value.
//!
//! A thunk is evaluated at most once. While it runs it is a *blackhole*; forcing it again then
//! is an infinite recursion, reported with both the re-entering position and the definition.
//! When evaluation fails the thunk is restored to its suspended state, so that `tryEval` (and
//! a later, different demand) can run it again, as C++ Nix does.
//!
//! Thunks are the most numerous objects of an evaluation (callgrind/DHAT over the module
//! workload: a third of all allocations and 40 % of the bytes live at peak), so their cell is
//! kept to 32 bytes: a reference count of its own (no weak count: nothing holds a thunk
//! weakly) and a 24-byte state. The common case, code suspended in a frame, is stored inline;
//! the rarer deferred applications and selections of builtins live in a box of their own. The
//! state needs no `RefCell`: it is only ever touched inside this file, by code that holds no
//! reference into it across an evaluation (see [`Thunk::force`]).

use std::cell::{Cell, UnsafeCell};
use std::ptr::NonNull;
use std::rc::Rc;

use crate::env::Env;
use crate::error::{EvalError, EvalResult};
use crate::eval::Machine;
use crate::ir::ExprRef;
use crate::source::Span;
use crate::symbol::Symbol;
use crate::value::Value;

/// A shared, lazily evaluated value: a counted pointer to a [`ThunkCell`].
pub struct Thunk(NonNull<ThunkCell>);

struct ThunkCell {
    refs: Cell<usize>,
    state: UnsafeCell<State>,
}

pub type NativeFn = Rc<dyn Fn(&mut Machine) -> EvalResult<Value>>;

enum State {
    /// Code to run in a frame.
    Suspended {
        expr: ExprRef,
        env: Rc<Env>,
    },
    /// A computation a builtin set up (`map`'s applications, `inherit (from)` selections).
    Deferred(Box<Deferred>),
    /// Anything else a builtin needs to defer.
    Native(NativeFn),
    /// Being evaluated; what it was computing is kept for the infinite-recursion message
    /// (turned into a span only when reporting).
    BlackholeCode(ExprRef),
    BlackholeAt(Span),
    BlackholeUnknown,
    Done(Value),
}

enum Deferred {
    /// `function arg`, built by builtins such as `map` and `genList`.
    Apply {
        function: Value,
        arg: Value,
        span: Span,
    },
    /// `function first second`, built by `mapAttrs` and `zipAttrsWith`.
    Apply2 {
        function: Value,
        first: Value,
        second: Value,
        span: Span,
    },
    /// `from.name`, for `inherit (from) name`.
    Select {
        from: Value,
        name: Symbol,
        span: Span,
    },
}

impl Deferred {
    fn span(&self) -> Span {
        match self {
            Deferred::Apply { span, .. }
            | Deferred::Apply2 { span, .. }
            | Deferred::Select { span, .. } => *span,
        }
    }

    fn run(&self, machine: &mut Machine) -> EvalResult<Value> {
        match self {
            Deferred::Apply {
                function,
                arg,
                span,
            } => machine.call(function.clone(), arg.clone(), *span),
            Deferred::Apply2 {
                function,
                first,
                second,
                span,
            } => machine.call_many(function, &[first.clone(), second.clone()], *span),
            Deferred::Select { from, name, span } => machine.select_attr(from, *name, *span),
        }
    }
}

impl Thunk {
    fn new(state: State) -> Thunk {
        let cell = Box::new(ThunkCell {
            refs: Cell::new(1),
            state: UnsafeCell::new(state),
        });
        Thunk(NonNull::from(Box::leak(cell)))
    }

    pub fn suspended(expr: ExprRef, env: Rc<Env>) -> Thunk {
        Thunk::new(State::Suspended { expr, env })
    }

    pub fn apply(function: Value, arg: Value, span: Span) -> Thunk {
        Thunk::new(State::Deferred(Box::new(Deferred::Apply {
            function,
            arg,
            span,
        })))
    }

    /// `function first second`, applied when demanded.
    pub fn apply2(function: Value, first: Value, second: Value, span: Span) -> Thunk {
        Thunk::new(State::Deferred(Box::new(Deferred::Apply2 {
            function,
            first,
            second,
            span,
        })))
    }

    pub fn select(from: Value, name: Symbol, span: Span) -> Thunk {
        Thunk::new(State::Deferred(Box::new(Deferred::Select {
            from,
            name,
            span,
        })))
    }

    pub fn native(f: NativeFn) -> Thunk {
        Thunk::new(State::Native(f))
    }

    pub fn ptr_eq(&self, other: &Thunk) -> bool {
        self.0 == other.0
    }

    /// The cell's address: the thunk's identity, for printers that recognise repeated values.
    pub fn address(&self) -> usize {
        self.0.as_ptr() as usize
    }

    fn cell(&self) -> &ThunkCell {
        // SAFETY: the cell lives as long as any `Thunk` pointing at it (reference counted).
        unsafe { self.0.as_ref() }
    }

    /// The state, for a look that ends before anything else can touch it.
    fn state(&self) -> &State {
        // SAFETY: the state is only written by `force`, which holds no reference into it
        // while it evaluates and writes only after every reader of this kind has returned.
        unsafe { &*self.cell().state.get() }
    }

    /// Replaces the state, returning the old one.
    fn replace(&self, state: State) -> State {
        // SAFETY: no reference into the state is alive here (see `state`).
        unsafe { std::mem::replace(&mut *self.cell().state.get(), state) }
    }

    /// The value, if the thunk has already been evaluated.
    #[inline]
    pub fn value(&self) -> Option<Value> {
        match self.state() {
            State::Done(v) => Some(v.clone()),
            _ => None,
        }
    }

    pub fn is_blackhole(&self) -> bool {
        matches!(
            self.state(),
            State::BlackholeCode(_) | State::BlackholeAt(_) | State::BlackholeUnknown
        )
    }

    /// Evaluates the thunk to weak head normal form. `at` is the position that demanded it.
    pub fn force(&self, machine: &mut Machine, at: Span) -> EvalResult<Value> {
        let blackhole = match self.state() {
            State::Done(v) => return Ok(v.clone()),
            State::Suspended { expr, .. } => State::BlackholeCode(expr),
            State::Deferred(d) => State::BlackholeAt(d.span()),
            State::Native(_) => State::BlackholeUnknown,
            State::BlackholeCode(expr) => {
                return Err(EvalError::infinite_recursion(at, crate::ir_span(expr)));
            }
            State::BlackholeAt(span) => {
                return Err(EvalError::infinite_recursion(at, Some(*span)));
            }
            State::BlackholeUnknown => return Err(EvalError::infinite_recursion(at, None)),
        };
        // The computation is moved out for the evaluation, which may force this very thunk
        // again (and find the blackhole) or drop other references to it, but never sees it
        // half-written.
        let suspended = self.replace(blackhole);
        let result = match &suspended {
            State::Suspended { expr, env } => machine.eval(expr, env),
            State::Deferred(d) => d.run(machine),
            State::Native(f) => f(machine),
            _ => unreachable!("only a suspended state is moved out"),
        };
        match result {
            Ok(v) => {
                self.replace(State::Done(v.clone()));
                Ok(v)
            }
            Err(e) => {
                self.replace(suspended);
                Err(e.at(at))
            }
        }
    }
}

impl Clone for Thunk {
    #[inline]
    fn clone(&self) -> Thunk {
        let refs = &self.cell().refs;
        // As `Rc` does: a count that would overflow means memory is corrupt; stop at once.
        let n = refs
            .get()
            .checked_add(1)
            .unwrap_or_else(|| std::process::abort());
        refs.set(n);
        Thunk(self.0)
    }
}

impl Drop for Thunk {
    #[inline]
    fn drop(&mut self) {
        let refs = &self.cell().refs;
        let n = refs.get() - 1;
        refs.set(n);
        if n == 0 {
            self.free();
        }
    }
}

impl Thunk {
    /// Frees the cell once its last reference is gone; kept out of line so that dropping a
    /// value (which happens everywhere) stays a decrement and a test.
    #[inline(never)]
    fn free(&mut self) {
        // SAFETY: this was the last reference; the cell was made by `Box::new` in `new`.
        unsafe { drop(Box::from_raw(self.0.as_ptr())) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a thunk costs: the budget is 32 bytes.
    #[test]
    fn a_thunk_is_32_bytes() {
        assert_eq!(std::mem::size_of::<ThunkCell>(), 32);
        assert_eq!(std::mem::size_of::<Thunk>(), 8);
    }
}
