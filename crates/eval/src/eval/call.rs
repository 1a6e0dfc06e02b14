//! Function application: lambdas (plain and with formals), builtins and `__functor` sets.

use std::rc::Rc;

use super::Machine;
use crate::env::Env;
use crate::error::{ErrorKind, EvalError, EvalResult};
use crate::ir::{Expr, Formals, Lambda, Param};
use crate::source::Span;
use crate::symbol::Symbol;
use crate::thunk::Thunk;
use crate::value::{Closure, PrimOpApp, Value};

impl Machine {
    /// Applies a forced function value to one (possibly unforced) argument; the result is
    /// forced.
    pub fn call(&mut self, function: Value, arg: Value, span: Span) -> EvalResult<Value> {
        match function {
            Value::Lambda(c) => self
                .call_lambda(&c, arg, span)
                .map_err(|e| calling(e, c.lambda, span)),
            Value::PrimOp(op) => {
                if op.arity == 1 {
                    (op.func)(self, &[arg], span)
                } else {
                    Ok(Value::PrimOpApp(Rc::new(PrimOpApp {
                        op,
                        args: vec![arg],
                    })))
                }
            }
            Value::PrimOpApp(app) => self.call_partial(&app, arg, span),
            Value::Attrs(ref a) => match a.get(crate::sym!("__functor")) {
                Some(functor) => {
                    let functor = functor.clone();
                    let functor = self.force(&functor, span)?;
                    let partial = self.call(functor, function.clone(), span)?;
                    self.call(partial, arg, span)
                }
                None => Err(EvalError::new(
                    ErrorKind::NotCallable {
                        found: function.type_phrase(),
                    },
                    span,
                )),
            },
            Value::Thunk(t) => {
                let f = t.force(self, span)?;
                self.call(f, arg, span)
            }
            other => Err(EvalError::new(
                ErrorKind::NotCallable {
                    found: other.type_phrase(),
                },
                span,
            )),
        }
    }

    /// A builtin applied to one more argument: called once it has them all.
    #[inline(never)]
    fn call_partial(&mut self, app: &PrimOpApp, arg: Value, span: Span) -> EvalResult<Value> {
        let mut args = Vec::with_capacity(app.args.len() + 1);
        args.extend(app.args.iter().cloned());
        args.push(arg);
        if args.len() == app.op.arity {
            (app.op.func)(self, &args, span)
        } else {
            Ok(Value::PrimOpApp(Rc::new(PrimOpApp { op: app.op, args })))
        }
    }

    /// Applies a function to several arguments in turn.
    pub fn call_many(&mut self, function: &Value, args: &[Value], span: Span) -> EvalResult<Value> {
        let mut f = self.force(function, span)?;
        let mut rest = args;
        while let Some((first, tail)) = rest.split_first() {
            if let (Value::Lambda(c), Some(second)) = (&f, tail.first()) {
                if let Some(inner) = curried(c) {
                    f = self.enter_curried(c, inner, first.clone(), second.clone(), span)?;
                    rest = &tail[1..];
                    continue;
                }
            }
            f = self.call(f, first.clone(), span)?;
            rest = tail;
        }
        Ok(f)
    }

    /// `(f first) second` for `f` written `a: b: body` (`inner` is `b: body`, see
    /// [`curried`]): enters `body` directly, without building the closure `b: body` that the
    /// first application would return only to be called at once — folds and most library
    /// functions are curried this way. Errors carry the same frame as the two calls would.
    pub(super) fn enter_curried(
        &mut self,
        closure: &Closure,
        inner: &'static Lambda,
        first: Value,
        second: Value,
        span: Span,
    ) -> EvalResult<Value> {
        let outer = Env::single(first, &closure.env);
        let frame = Env::single(second, &outer);
        self.eval(inner.body, &frame)
            .map_err(|e| calling(e, inner, span))
    }

    /// A thunk for `function arg`, evaluated only when demanded.
    pub fn lazy_call(&self, function: &Value, arg: Value, span: Span) -> Value {
        Value::Thunk(Thunk::apply(function.clone(), arg, span))
    }

    fn call_lambda(&mut self, closure: &Closure, arg: Value, span: Span) -> EvalResult<Value> {
        let lambda = closure.lambda;
        let frame = match &lambda.param {
            Param::Ident(_) => Env::single(arg, &closure.env),
            Param::Formals(formals) => self.formals_frame(closure, formals, arg, span)?,
        };
        self.eval(lambda.body, &frame)
    }
    /// The frame of a call of a lambda with formals (`{ a, b ? 1, ... }@args: …`): kept out
    /// of `call`, whose stack frame every call pays, with its error reports.
    #[inline(never)]
    fn formals_frame(
        &mut self,
        closure: &Closure,
        formals: &Formals,
        arg: Value,
        span: Span,
    ) -> EvalResult<Rc<Env>> {
        let lambda = closure.lambda;
        let arg = self.force(&arg, span)?;
        let attrs = self
            .expect_attrs(&arg, span)
            .map_err(|e| e.with_label(lambda.span, "the function expects a set of arguments"))?;
        let frame = Env::new(lambda.frame_size as usize, &closure.env);
        for (i, formal) in formals.entries.iter().enumerate() {
            let value = match (attrs.get(formal.name), formal.default) {
                (Some(v), _) => v.clone(),
                (None, Some(d)) => self.maybe_thunk(d, &frame),
                (None, None) => return Err(missing_argument(lambda, formal.name, span)),
            };
            frame.set(i, value);
        }
        if !formals.ellipsis {
            if let Some(name) = attrs
                .names()
                .find(|&name| !formals.entries.iter().any(|f| f.name == name))
            {
                return Err(unexpected_argument(lambda, formals, name, span));
            }
        }
        if formals.at.is_some() {
            frame.set(formals.entries.len(), arg);
        }
        Ok(frame)
    }
}

/// The frame an error gets when it leaves a lambda called at `span`.
#[cold]
fn calling(e: EvalError, lambda: &Lambda, span: Span) -> EvalError {
    e.with_frame(
        Some(span),
        format!("while calling {}", describe_lambda(lambda)),
    )
}

#[cold]
fn missing_argument(lambda: &Lambda, name: Symbol, span: Span) -> EvalError {
    EvalError::new(
        ErrorKind::MissingArgument {
            function: describe_lambda(lambda),
            name: name.to_string(),
        },
        span,
    )
    .with_label(lambda.span, "the function is defined here")
}

#[cold]
fn unexpected_argument(lambda: &Lambda, formals: &Formals, name: Symbol, span: Span) -> EvalError {
    let suggestions = crate::suggest::similar_names(
        name.as_str(),
        formals.entries.iter().map(|f| f.name.as_str()),
    );
    let err = EvalError::new(
        ErrorKind::UnexpectedArgument {
            function: describe_lambda(lambda),
            name: name.to_string(),
        },
        span,
    )
    .with_label(lambda.span, "the function is defined here");
    if suggestions.is_empty() {
        err
    } else {
        err.with_note(format!("did you mean '{}'?", suggestions.join("' or '")))
    }
}

/// For a closure written `a: b: body`, the inner lambda `b: body`.
pub(super) fn curried(closure: &Closure) -> Option<&'static Lambda> {
    match (&closure.lambda.param, closure.lambda.body) {
        (Param::Ident(_), Expr::Lambda(inner)) if matches!(inner.param, Param::Ident(_)) => {
            Some(inner)
        }
        _ => None,
    }
}

/// "function 'name'" or "anonymous function", as Nix's messages name a lambda.
pub fn describe_lambda(lambda: &Lambda) -> String {
    match lambda.name.get() {
        Some(name) => format!("function '{name}'"),
        None => "anonymous function".to_string(),
    }
}
