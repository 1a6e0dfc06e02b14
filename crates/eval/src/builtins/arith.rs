//! Arithmetic and bit operations.

use super::PrimOp;
use crate::error::EvalResult;
use crate::eval::{Arith, Machine};
use crate::source::Span;
use crate::value::Value;

pub static PRIMOPS: &[PrimOp] = &[
    PrimOp {
        name: "add",
        arity: 2,
        doc: "Adds two numbers.",
        func: add,
    },
    PrimOp {
        name: "sub",
        arity: 2,
        doc: "Subtracts two numbers.",
        func: sub,
    },
    PrimOp {
        name: "mul",
        arity: 2,
        doc: "Multiplies two numbers.",
        func: mul,
    },
    PrimOp {
        name: "div",
        arity: 2,
        doc: "Divides two numbers (integer division truncates).",
        func: div,
    },
    PrimOp {
        name: "lessThan",
        arity: 2,
        doc: "Whether `e1 < e2` (numbers, strings, paths, lists).",
        func: less_than,
    },
    PrimOp {
        name: "bitAnd",
        arity: 2,
        doc: "Bitwise and of two integers.",
        func: bit_and,
    },
    PrimOp {
        name: "bitOr",
        arity: 2,
        doc: "Bitwise or of two integers.",
        func: bit_or,
    },
    PrimOp {
        name: "bitXor",
        arity: 2,
        doc: "Bitwise exclusive or of two integers.",
        func: bit_xor,
    },
    PrimOp {
        name: "ceil",
        arity: 1,
        doc: "The smallest integer not less than a number.",
        func: ceil,
    },
    PrimOp {
        name: "floor",
        arity: 1,
        doc: "The largest integer not greater than a number.",
        func: floor,
    },
];

fn add(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    m.arith(Arith::Add, &a[0], &a[1], s)
}
fn sub(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    m.arith(Arith::Sub, &a[0], &a[1], s)
}
fn mul(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    m.arith(Arith::Mul, &a[0], &a[1], s)
}
fn div(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    m.arith(Arith::Div, &a[0], &a[1], s)
}
fn less_than(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    Ok(Value::Bool(m.less_than(&a[0], &a[1], s)?))
}

fn bit_op(m: &mut Machine, a: &[Value], s: Span, f: fn(i64, i64) -> i64) -> EvalResult<Value> {
    let x = m.force_int(&a[0], s)?;
    let y = m.force_int(&a[1], s)?;
    Ok(Value::Int(f(x, y)))
}
fn bit_and(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    bit_op(m, a, s, |x, y| x & y)
}
fn bit_or(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    bit_op(m, a, s, |x, y| x | y)
}
fn bit_xor(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    bit_op(m, a, s, |x, y| x ^ y)
}

fn round(m: &mut Machine, a: &[Value], s: Span, f: fn(f64) -> f64) -> EvalResult<Value> {
    match m.force(&a[0], s)? {
        Value::Int(i) => Ok(Value::Int(i)),
        Value::Float(x) => Ok(Value::Int(f(x) as i64)),
        other => Err(m.type_error("a float", &other, s)),
    }
}
fn ceil(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    round(m, a, s, f64::ceil)
}
fn floor(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    round(m, a, s, f64::floor)
}
