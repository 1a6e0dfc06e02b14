//! Every constant lowering creates, in one place: literals (`Expr::Const`) and values resolved
//! at lowering time (`Expr::Resolved`, `builtins.x`). They are built through `Value`'s
//! constructors only, so that how constants are allocated can change here alone.

use std::path::PathBuf;

use super::code::Code;
use crate::ir::{Expr, ExprRef};
use crate::value::{NixString, Value};

/// What stands in for an expression that had an error (never evaluated: the file is rejected).
pub fn placeholder(code: &Code) -> ExprRef {
    code.expr(Expr::Const(Value::Null))
}

pub fn int(code: &Code, i: i64) -> ExprRef {
    code.expr(Expr::Const(Value::Int(i)))
}

pub fn float(code: &Code, f: f64) -> ExprRef {
    code.expr(Expr::Const(Value::Float(f)))
}

pub fn string(code: &Code, bytes: &[u8]) -> ExprRef {
    code.expr(Expr::Const(Value::String(NixString::from(bytes))))
}

pub fn path(code: &Code, p: PathBuf) -> ExprRef {
    code.expr(Expr::Const(Value::path(p)))
}

/// A global (`true`, `map`, `builtins`), known when lowering.
pub fn global(code: &Code, v: Value) -> ExprRef {
    code.expr(Expr::Const(v))
}

/// A value selected from a global set when lowering (`builtins.head`).
pub fn resolved(code: &Code, v: Value) -> ExprRef {
    code.expr(Expr::Resolved(v))
}
