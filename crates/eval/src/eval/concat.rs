//! `+` and string interpolation (Nix's `ExprConcatStrings`), and left-nested operator chains.
//!
//! `a + b + c …` parses left-nested, one `+` per level. Evaluated level by level, each `+`
//! would recurse into the one below it and copy the whole string built so far: a chain of a
//! million string additions took a million stack frames and time quadratic in its length.
//! [`Machine::eval_chain`] instead walks the chain down to its leftmost operand and folds the
//! levels upwards in one loop, keeping the string being built in one [`Acc`] across
//! consecutive `+` levels. What is observable stays Nix's: operands are evaluated left to
//! right, each level's errors carry that level's position, and a path built by `+` is
//! normalised after every level (as Nix's nested evaluation does), not only at the end.

use std::rc::Rc;

use super::{CoerceMode, Machine};
use crate::env::Env;
use crate::error::{ErrorKind, EvalError, EvalResult};
use crate::ir::*;
use crate::source::Span;
use crate::value::{Context, NixString, Value};

/// The value a `+` (or an interpolation) is building.
enum Acc {
    Int(i64),
    Float(f64),
    Text {
        /// The first operand was a path: the result is a path.
        path: bool,
        bytes: Vec<u8>,
        context: Context,
    },
}

/// One level of a left-nested chain of operators that [`Machine::eval_chain`] folds.
#[derive(Clone, Copy)]
enum Level {
    /// `&&`, `||`, `-`, `*`, `/`.
    Op(&'static Binary),
    /// `+`.
    Add(&'static Concat),
}

impl Level {
    fn of(e: ExprRef) -> Option<Level> {
        match e {
            Expr::Binary(b)
                if matches!(
                    b.op,
                    BinaryOp::And | BinaryOp::Or | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div
                ) =>
            {
                Some(Level::Op(b))
            }
            Expr::Concat(c) if !c.force_string && c.parts.len() == 2 => Some(Level::Add(c)),
            _ => None,
        }
    }

    fn lhs(self) -> ExprRef {
        match self {
            Level::Op(b) => b.lhs,
            Level::Add(c) => c.parts[0].0,
        }
    }
}

/// The result of the levels folded so far: a value, or a `+` still building (with the
/// position of the `+` that would report its errors).
enum Carry {
    Value(Value),
    Building(Acc, Span),
}

/// Whether the left operand of `e` continues a chain: then evaluating `e` level by level
/// would recurse once per operator, and [`Machine::eval_chain`] folds it instead.
pub(super) fn continues_chain(lhs: ExprRef) -> bool {
    Level::of(lhs).is_some()
}

impl Machine {
    /// `a + b`, string interpolation and interpolated paths (Nix's `ExprConcatStrings`).
    pub(super) fn eval_concat(&mut self, c: &'static Concat, env: &Rc<Env>) -> EvalResult<Value> {
        if let (false, [(l, _), (r, _)]) = (c.force_string, c.parts) {
            if continues_chain(l) {
                return self.eval_chain(Level::Add(c), env);
            }
            // `a + b` on integers is by far the most common case: no accumulator needed.
            let lv = self.eval(l, env)?;
            if let Value::Int(a) = lv {
                let rv = self.eval(r, env)?;
                if let Value::Int(b) = rv {
                    return a
                        .checked_add(b)
                        .map(Value::Int)
                        .ok_or_else(|| EvalError::new(ErrorKind::IntegerOverflow, c.span));
                }
                let acc = self.acc_start(lv, c.parts[0].1)?;
                let acc = self.acc_push(acc, rv, c.parts[1].1, c.span)?;
                return self.acc_finish(acc, c.span);
            }
            let acc = self.acc_start(lv, c.parts[0].1)?;
            let rv = self.eval(r, env)?;
            let acc = self.acc_push(acc, rv, c.parts[1].1, c.span)?;
            return self.acc_finish(acc, c.span);
        }
        // Each part is evaluated and folded in before the next one is evaluated, so errors
        // come in Nix's order.
        let mut acc = if c.force_string {
            Acc::Text {
                path: false,
                bytes: Vec::new(),
                context: Context::default(),
            }
        } else {
            match c.parts.first() {
                Some((part, pspan)) => {
                    let v = self.eval(part, env)?;
                    self.acc_start(v, *pspan)?
                }
                None => return Ok(Value::string("")),
            }
        };
        let skip = usize::from(!c.force_string);
        for (part, pspan) in &c.parts[skip..] {
            let v = self.eval(part, env)?;
            acc = self.acc_push(acc, v, *pspan, c.span)?;
        }
        self.acc_finish(acc, c.span)
    }

    /// A binary operator of a chain whose left operand continues the chain (see
    /// [`continues_chain`]).
    pub(super) fn eval_binary_chain(
        &mut self,
        b: &'static Binary,
        env: &Rc<Env>,
    ) -> EvalResult<Value> {
        self.eval_chain(Level::Op(b), env)
    }

    /// A left-nested chain of `&&`, `||`, `+`, `-`, `*`, `/` (in any mix), from `top` down:
    /// the leftmost operand is evaluated, then each level from the innermost outwards.
    fn eval_chain(&mut self, top: Level, env: &Rc<Env>) -> EvalResult<Value> {
        let mut levels = vec![top];
        let mut leftmost = top.lhs();
        while let Some(level) = Level::of(leftmost) {
            levels.push(level);
            leftmost = level.lhs();
        }
        let mut carry = Carry::Value(self.eval(leftmost, env)?);
        for level in levels.into_iter().rev() {
            carry = match level {
                Level::Op(b) => {
                    let lhs = self.settle(carry)?;
                    Carry::Value(self.binary_with_lhs(b, lhs, env)?)
                }
                Level::Add(c) => {
                    let (lhs_span, (rhs, rhs_span)) = (c.parts[0].1, c.parts[1]);
                    let acc = match carry {
                        // A path is normalised after every `+`, as nested evaluation does
                        // (`/a + "/.." + "b"` is `/b`, not `/a/..b`).
                        Carry::Building(acc @ Acc::Text { path: true, .. }, span) => {
                            let v = self.acc_finish(acc, span)?;
                            self.acc_start(v, lhs_span)?
                        }
                        Carry::Building(acc, _) => acc,
                        Carry::Value(v) => self.acc_start(v, lhs_span)?,
                    };
                    let v = self.eval(rhs, env)?;
                    Carry::Building(self.acc_push(acc, v, rhs_span, c.span)?, c.span)
                }
            };
        }
        self.settle(carry)
    }

    fn settle(&mut self, carry: Carry) -> EvalResult<Value> {
        match carry {
            Carry::Value(v) => Ok(v),
            Carry::Building(acc, span) => self.acc_finish(acc, span),
        }
    }

    /// The accumulator a `+` or interpolated path starts from its first operand: its type
    /// decides the result's.
    fn acc_start(&mut self, v: Value, span: Span) -> EvalResult<Acc> {
        Ok(match v {
            Value::Int(n) => Acc::Int(n),
            Value::Float(f) => Acc::Float(f),
            Value::Path(p) => Acc::Text {
                path: true,
                bytes: p.as_os_str().as_encoded_bytes().to_vec(),
                context: Context::default(),
            },
            other => {
                let mut context = Context::default();
                let bytes =
                    self.coerce_to_string(&other, span, CoerceMode::INTERPOLATION, &mut context)?;
                Acc::Text {
                    path: false,
                    bytes,
                    context,
                }
            }
        })
    }

    /// Adds the next operand `v` (at `span`) to `acc`; `op_span` is the `+`'s position, where
    /// an integer overflow is reported.
    fn acc_push(&mut self, acc: Acc, v: Value, span: Span, op_span: Span) -> EvalResult<Acc> {
        Ok(match acc {
            Acc::Int(n) => match v {
                Value::Int(m) => Acc::Int(
                    n.checked_add(m)
                        .ok_or_else(|| EvalError::new(ErrorKind::IntegerOverflow, op_span))?,
                ),
                Value::Float(f) => Acc::Float(n as f64 + f),
                other => {
                    return Err(EvalError::new(
                        ErrorKind::CannotAdd {
                            found: other.type_phrase(),
                            to: "an integer",
                        },
                        span,
                    ))
                }
            },
            Acc::Float(x) => match v {
                Value::Int(m) => Acc::Float(x + m as f64),
                Value::Float(f) => Acc::Float(x + f),
                other => {
                    return Err(EvalError::new(
                        ErrorKind::CannotAdd {
                            found: other.type_phrase(),
                            to: "a float",
                        },
                        span,
                    ))
                }
            },
            Acc::Text {
                path,
                mut bytes,
                mut context,
            } => {
                let mode = if path {
                    CoerceMode::PATH_APPEND
                } else {
                    CoerceMode::INTERPOLATION
                };
                let s = self.coerce_to_string(&v, span, mode, &mut context)?;
                bytes.extend_from_slice(&s);
                Acc::Text {
                    path,
                    bytes,
                    context,
                }
            }
        })
    }

    /// The value `acc` built, for the expression at `span`.
    fn acc_finish(&mut self, acc: Acc, span: Span) -> EvalResult<Value> {
        Ok(match acc {
            Acc::Int(n) => Value::Int(n),
            Acc::Float(f) => Value::Float(f),
            Acc::Text {
                path: true,
                bytes,
                context,
            } => {
                if !context.is_empty() {
                    return Err(EvalError::other(
                        "eval::path_with_context",
                        "a string that refers to a store path cannot be appended to a path",
                        span,
                    ));
                }
                let p = std::path::PathBuf::from(std::ffi::OsString::from(
                    String::from_utf8_lossy(&bytes).into_owned(),
                ));
                Value::path(crate::lower::canonicalize_lexically(&p))
            }
            Acc::Text {
                path: false,
                bytes,
                context,
            } => Value::String(NixString::new(bytes, context)),
        })
    }
}
