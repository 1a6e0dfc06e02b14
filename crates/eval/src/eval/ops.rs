//! Operators: arithmetic, comparison, equality, `//` and `++` (`+` is in `concat`).

use std::rc::Rc;

use super::Machine;
use crate::env::Env;
use crate::error::{ErrorKind, EvalError, EvalResult};
use crate::ir::*;
use crate::source::Span;
use crate::value::Value;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

impl Machine {
    #[inline(always)]
    pub(super) fn eval_binary(&mut self, b: &'static Binary, env: &Rc<Env>) -> EvalResult<Value> {
        let span = b.span;
        match b.op {
            BinaryOp::And | BinaryOp::Or | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                if super::concat::continues_chain(b.lhs) {
                    return self.eval_binary_chain(b, env);
                }
                let l = self.eval(b.lhs, env)?;
                self.binary_with_lhs(b, l, env)
            }
            BinaryOp::Implies => {
                let l = self.eval(b.lhs, env)?;
                if !self.expect_bool(&l, span)? {
                    return Ok(Value::Bool(true));
                }
                let r = self.eval(b.rhs, env)?;
                Ok(Value::Bool(self.expect_bool(&r, span)?))
            }
            BinaryOp::Eq | BinaryOp::NotEq => {
                let l = self.eval(b.lhs, env)?;
                let r = self.eval(b.rhs, env)?;
                // Both are in weak head normal form already (what `eval` returns).
                let eq = match (&l, &r) {
                    (Value::Int(x), Value::Int(y)) => x == y,
                    _ => self.forced_equal(&l, &r, span)?,
                };
                Ok(Value::Bool(eq == (b.op == BinaryOp::Eq)))
            }
            BinaryOp::Update => {
                let l = self.eval(b.lhs, env)?;
                let r = self.eval(b.rhs, env)?;
                let la = self.expect_attrs(&l, span)?;
                let ra = self.expect_attrs(&r, span)?;
                Ok(update(&l, &la, &r, &ra))
            }
            BinaryOp::ConcatLists => self.eval_concat_lists(b, env),
            BinaryOp::Less | BinaryOp::Greater | BinaryOp::LessEq | BinaryOp::GreaterEq => {
                let l = self.eval(b.lhs, env)?;
                let r = self.eval(b.rhs, env)?;
                let result = match b.op {
                    BinaryOp::Less => self.less_than_forced(&l, &r, span)?,
                    BinaryOp::Greater => self.less_than_forced(&r, &l, span)?,
                    BinaryOp::LessEq => !self.less_than_forced(&r, &l, span)?,
                    _ => !self.less_than_forced(&l, &r, span)?,
                };
                Ok(Value::Bool(result))
            }
        }
    }

    /// `&&`, `||`, `-`, `*` or `/` whose left operand `l` is evaluated already (by
    /// [`Machine::eval_binary`], or by the loop folding a chain of them).
    pub(super) fn binary_with_lhs(
        &mut self,
        b: &Binary,
        l: Value,
        env: &Rc<Env>,
    ) -> EvalResult<Value> {
        let span = b.span;
        match b.op {
            BinaryOp::And => {
                if !self.expect_bool(&l, span)? {
                    return Ok(Value::Bool(false));
                }
                let r = self.eval(b.rhs, env)?;
                Ok(Value::Bool(self.expect_bool(&r, span)?))
            }
            BinaryOp::Or => {
                if self.expect_bool(&l, span)? {
                    return Ok(Value::Bool(true));
                }
                let r = self.eval(b.rhs, env)?;
                Ok(Value::Bool(self.expect_bool(&r, span)?))
            }
            _ => {
                let r = self.eval(b.rhs, env)?;
                let op = match b.op {
                    BinaryOp::Sub => Arith::Sub,
                    BinaryOp::Mul => Arith::Mul,
                    _ => Arith::Div,
                };
                self.arith_forced(op, &l, &r, span)
            }
        }
    }

    /// Integer and float arithmetic of the `__sub`/`__mul`/`__div` builtins (and `add`):
    /// a float operand makes the result a float; integer overflow is an error.
    pub fn arith(&mut self, op: Arith, l: &Value, r: &Value, span: Span) -> EvalResult<Value> {
        let l = self.force(l, span)?;
        let r = self.force(r, span)?;
        self.arith_forced(op, &l, &r, span)
    }

    fn arith_forced(&mut self, op: Arith, l: &Value, r: &Value, span: Span) -> EvalResult<Value> {
        match (l, r) {
            (Value::Int(a), Value::Int(b)) => {
                let (a, b) = (*a, *b);
                let result = match op {
                    Arith::Add => a.checked_add(b),
                    Arith::Sub => a.checked_sub(b),
                    Arith::Mul => a.checked_mul(b),
                    Arith::Div => {
                        if b == 0 {
                            return Err(EvalError::new(ErrorKind::DivisionByZero, span));
                        }
                        a.checked_div(b)
                    }
                };
                result
                    .map(Value::Int)
                    .ok_or_else(|| EvalError::new(ErrorKind::IntegerOverflow, span))
            }
            _ => {
                let a = self.as_float(l, span)?;
                let b = self.as_float(r, span)?;
                Ok(Value::Float(match op {
                    Arith::Add => a + b,
                    Arith::Sub => a - b,
                    Arith::Mul => a * b,
                    Arith::Div => {
                        if b == 0.0 {
                            return Err(EvalError::new(ErrorKind::DivisionByZero, span));
                        }
                        a / b
                    }
                }))
            }
        }
    }

    fn as_float(&self, v: &Value, span: Span) -> EvalResult<f64> {
        match v {
            Value::Int(i) => Ok(*i as f64),
            Value::Float(f) => Ok(*f),
            other => Err(self.type_error("a float", other, span)),
        }
    }

    /// `builtins.lessThan`: numbers, strings, paths and (lexicographically) lists.
    pub fn less_than(&mut self, l: &Value, r: &Value, span: Span) -> EvalResult<bool> {
        let l = self.force(l, span)?;
        let r = self.force(r, span)?;
        self.less_than_forced(&l, &r, span)
    }

    pub(crate) fn less_than_forced(
        &mut self,
        l: &Value,
        r: &Value,
        span: Span,
    ) -> EvalResult<bool> {
        match (l, r) {
            (Value::Int(a), Value::Int(b)) => Ok(a < b),
            (Value::Int(a), Value::Float(b)) => Ok((*a as f64) < *b),
            (Value::Float(a), Value::Int(b)) => Ok(*a < (*b as f64)),
            (Value::Float(a), Value::Float(b)) => Ok(a < b),
            (Value::String(a), Value::String(b)) => Ok(a.as_bytes() < b.as_bytes()),
            (Value::Path(a), Value::Path(b)) => Ok(a.as_os_str() < b.as_os_str()),
            (Value::List(a), Value::List(b)) => self.nested(span, |m| {
                for i in 0.. {
                    if i == b.len() {
                        return Ok(false);
                    }
                    if i == a.len() {
                        return Ok(true);
                    }
                    // Nix's `CompareValues` steps over equal elements with `eqValues`, so an
                    // element compared with itself is forced but equal even as a function.
                    if !m.values_equal(&a[i], &b[i], span)? {
                        return m.less_than(&a[i], &b[i], span);
                    }
                }
                unreachable!("the loop returns")
            }),
            _ => Err(EvalError::other(
                "eval::incomparable",
                format!(
                    "cannot compare {} with {}",
                    l.type_phrase(),
                    r.type_phrase()
                ),
                span,
            )),
        }
    }

    /// Nix's `eqValues` on two stored values (list elements, attribute values, a builtin's
    /// arguments): both are forced first, then the same object (one thunk or one function,
    /// list or set: `ptr_eq` of the values as stored, before forcing) is equal to itself,
    /// even when it is a function, which is how Nix's address test behaves. Otherwise they
    /// are compared as [`Machine::forced_equal`] does.
    ///
    /// Forcing comes first, as in Nix: `let l = [ (throw "x") ]; in l == l` throws.
    pub fn values_equal(&mut self, a: &Value, b: &Value, span: Span) -> EvalResult<bool> {
        let fa = self.force(a, span)?;
        let fb = self.force(b, span)?;
        if a.ptr_eq(b) {
            return Ok(true);
        }
        self.forced_equal(&fa, &fb, span)
    }

    /// Nix's `==` on two values in weak head normal form: deep on lists and sets (their
    /// elements by [`Machine::values_equal`], so identity counts one level down), numbers
    /// across int/float, derivations by `outPath`, functions never equal. The operands of
    /// `==` are new values in Nix (its address test never holds for them), so two sets or
    /// lists that are one object are still walked, forcing each element: only the elements'
    /// identity is looked at.
    fn forced_equal(&mut self, a: &Value, b: &Value, span: Span) -> EvalResult<bool> {
        Ok(match (a, b) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::Int(x), Value::Int(y)) => x == y,
            (Value::Int(x), Value::Float(y)) => (*x as f64) == *y,
            (Value::Float(x), Value::Int(y)) => *x == (*y as f64),
            (Value::Float(x), Value::Float(y)) => x == y,
            (Value::String(x), Value::String(y)) => x.as_bytes() == y.as_bytes(),
            (Value::Path(x), Value::Path(y)) => x == y,
            (Value::List(x), Value::List(y)) => {
                if x.len() != y.len() {
                    return Ok(false);
                }
                return self.nested(span, |m| {
                    for (p, q) in x.iter().zip(y.iter()) {
                        if !m.values_equal(p, q, span)? {
                            return Ok(false);
                        }
                    }
                    Ok(true)
                });
            }
            (Value::Attrs(x), Value::Attrs(y)) => {
                if self.is_derivation(x, span)? && self.is_derivation(y, span)? {
                    let out = crate::sym!("outPath");
                    if let (Some(p), Some(q)) = (x.get(out), y.get(out)) {
                        let (p, q) = (p.clone(), q.clone());
                        return self.values_equal(&p, &q, span);
                    }
                }
                if x.len() != y.len() {
                    return Ok(false);
                }
                return self.nested(span, |m| {
                    for (p, q) in x.entries().iter().zip(y.entries().iter()) {
                        if p.name != q.name {
                            return Ok(false);
                        }
                        if !m.values_equal(&p.value, &q.value, span)? {
                            return Ok(false);
                        }
                    }
                    Ok(true)
                });
            }
            _ => false,
        })
    }

    /// One level of a walk into a list or set (equality, comparison): counted against the
    /// walks' depth limit (`MAX_WALK_DEPTH`, apart from evaluation's: a level of a walk costs
    /// far less memory than one of evaluation) and run on a stack grown when it runs low, as
    /// evaluation is, so that values nested a million deep compare or fail with a
    /// stack-overflow error instead of overflowing the Rust stack (Nix 2.8 reports "stack
    /// overflow").
    fn nested<T>(
        &mut self,
        span: Span,
        f: impl FnOnce(&mut Machine) -> EvalResult<T>,
    ) -> EvalResult<T> {
        if self.walk_depth >= super::MAX_WALK_DEPTH {
            return Err(EvalError::new(ErrorKind::StackOverflow, span));
        }
        self.walk_depth += 1;
        let result = stacker::maybe_grow(super::RED_ZONE, super::STACK_SEGMENT, || f(self));
        self.walk_depth -= 1;
        result
    }

    /// True for sets with `type = "derivation"`.
    pub fn is_derivation(&mut self, attrs: &crate::value::AttrSet, span: Span) -> EvalResult<bool> {
        match attrs.get(crate::sym!("type")) {
            Some(t) => {
                let t = t.clone();
                let t = self.force(&t, span)?;
                Ok(matches!(&t, Value::String(s) if s.as_bytes() == b"derivation"))
            }
            None => Ok(false),
        }
    }

    /// `a ++ b ++ …`: the right-nested chain of `++` evaluated in one loop and concatenated
    /// once. Pairwise, each `++` would copy the whole tail built so far (quadratic in the
    /// chain's length) and recurse once per operator. What Nix's nested evaluation observably
    /// does is kept: every operand is evaluated left to right, then their types are checked
    /// in the order the nested operators check them (the innermost pair first, then outwards),
    /// each against its own operator's position; a chain with a single non-empty list is that
    /// list itself, and one of empty lists is its first operand.
    fn eval_concat_lists(&mut self, b: &Binary, env: &Rc<Env>) -> EvalResult<Value> {
        let mut operands = Vec::new();
        let mut node = b;
        loop {
            operands.push((self.eval(node.lhs, env)?, node.span));
            match node.rhs {
                Expr::Binary(next) if next.op == BinaryOp::ConcatLists => node = next,
                last => {
                    operands.push((self.eval(last, env)?, node.span));
                    break;
                }
            }
        }
        let n = operands.len();
        let mut lists: Vec<Rc<Vec<Value>>> = (0..n).map(|_| Rc::new(Vec::new())).collect();
        for i in [n - 2, n - 1].into_iter().chain((0..n - 2).rev()) {
            lists[i] = self.expect_list(&operands[i].0, operands[i].1)?;
        }
        let non_empty: Vec<usize> = (0..n).filter(|&i| !lists[i].is_empty()).collect();
        match non_empty.as_slice() {
            [] => Ok(operands.swap_remove(0).0),
            [only] => Ok(operands.swap_remove(*only).0),
            _ => {
                let mut items = Vec::with_capacity(lists.iter().map(|l| l.len()).sum());
                for list in &lists {
                    items.extend(list.iter().cloned());
                }
                Ok(Value::list(items))
            }
        }
    }
}

/// `l // r`, reusing an operand when the other is empty (as Nix does, which `«repeated»`
/// printing can observe).
pub fn update(
    l: &Value,
    la: &crate::value::AttrSet,
    r: &Value,
    ra: &crate::value::AttrSet,
) -> Value {
    if ra.is_empty() {
        return l.clone();
    }
    if la.is_empty() {
        return r.clone();
    }
    Value::Attrs(la.update(ra))
}
