//! Laziness: the only place where a suspended computation becomes a value.
//!
//! A thunk is evaluated at most once. While it runs it is a *blackhole*; forcing it again then
//! is an infinite recursion, reported with both the re-entering position and the definition.
//! When evaluation fails the thunk is restored to its suspended state, so that `tryEval` (and
//! a later, different demand) can run it again, as C++ Nix does.

use std::cell::RefCell;
use std::rc::Rc;

use crate::env::Env;
use crate::error::{EvalError, EvalResult};
use crate::eval::Machine;
use crate::ir::ExprRef;
use crate::source::Span;
use crate::symbol::Symbol;
use crate::value::Value;

#[derive(Clone)]
pub struct Thunk(Rc<RefCell<State>>);

/// What a blackholed thunk was computing; turned into a span only when reporting.
#[derive(Clone, Copy)]
enum Definition {
    Code(ExprRef),
    At(Span),
    Unknown,
}

impl Definition {
    fn span(self) -> Option<Span> {
        match self {
            Definition::Code(e) => crate::ir_span(e),
            Definition::At(s) => Some(s),
            Definition::Unknown => None,
        }
    }
}

pub type NativeFn = Rc<dyn Fn(&mut Machine) -> EvalResult<Value>>;

enum State {
    /// Code to run in a frame.
    Suspended {
        expr: ExprRef,
        env: Rc<Env>,
    },
    /// `f arg`, built by builtins such as `map` and `genList`.
    Apply {
        function: Value,
        arg: Value,
        span: Span,
    },
    /// `from.name`, for `inherit (from) name`.
    Select {
        from: Value,
        name: Symbol,
        span: Span,
    },
    /// Anything else a builtin needs to defer.
    Native(NativeFn),
    /// Being evaluated; `definition` says what, for the infinite-recursion message.
    Blackhole {
        definition: Definition,
    },
    Done(Value),
}

impl Thunk {
    pub fn suspended(expr: ExprRef, env: Rc<Env>) -> Thunk {
        Thunk(Rc::new(RefCell::new(State::Suspended { expr, env })))
    }

    pub fn apply(function: Value, arg: Value, span: Span) -> Thunk {
        Thunk(Rc::new(RefCell::new(State::Apply {
            function,
            arg,
            span,
        })))
    }

    pub fn select(from: Value, name: Symbol, span: Span) -> Thunk {
        Thunk(Rc::new(RefCell::new(State::Select { from, name, span })))
    }

    pub fn native(f: NativeFn) -> Thunk {
        Thunk(Rc::new(RefCell::new(State::Native(f))))
    }

    pub fn ptr_eq(&self, other: &Thunk) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// The value, if the thunk has already been evaluated.
    #[inline]
    pub fn value(&self) -> Option<Value> {
        match &*self.0.borrow() {
            State::Done(v) => Some(v.clone()),
            _ => None,
        }
    }

    pub fn is_blackhole(&self) -> bool {
        matches!(&*self.0.borrow(), State::Blackhole { .. })
    }

    /// Evaluates the thunk to weak head normal form. `at` is the position that demanded it.
    pub fn force(&self, machine: &mut Machine, at: Span) -> EvalResult<Value> {
        let definition = match &*self.0.borrow() {
            State::Done(v) => return Ok(v.clone()),
            State::Suspended { expr, .. } => Definition::Code(expr),
            State::Apply { span, .. } | State::Select { span, .. } => Definition::At(*span),
            State::Blackhole { definition } => {
                return Err(EvalError::infinite_recursion(at, definition.span()));
            }
            State::Native(_) => Definition::Unknown,
        };
        let state = self.0.replace(State::Blackhole { definition });
        let result = match &state {
            State::Suspended { expr, env } => machine.eval(expr, env),
            State::Apply {
                function,
                arg,
                span,
            } => machine.call(function.clone(), arg.clone(), *span),
            State::Select { from, name, span } => machine.select_attr(from, *name, *span),
            State::Native(f) => f(machine),
            State::Blackhole { .. } | State::Done(_) => unreachable!("handled above"),
        };
        match result {
            Ok(v) => {
                *self.0.borrow_mut() = State::Done(v.clone());
                Ok(v)
            }
            Err(e) => {
                *self.0.borrow_mut() = state;
                Err(e.at(at))
            }
        }
    }
}
