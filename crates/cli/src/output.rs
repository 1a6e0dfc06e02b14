//! `--json` and `--xml` output of values.

use ntop_eval::error::{EvalError, EvalResult};
use ntop_eval::eval::CoerceMode;
use ntop_eval::source::Span;
use ntop_eval::symbol::Symbol;
use ntop_eval::value::Context;
use ntop_eval::{Machine, Value};

/// Nix 2.8's JSON rendering (as `--json` and `builtins.toJSON` print it).
pub fn to_json(m: &mut Machine, v: &Value, span: Span, strict: bool) -> EvalResult<String> {
    let mut out = String::new();
    let mut ctx = Context::default();
    ntop_eval::json::json_with(m, v, span, &mut out, &mut ctx, strict)?;
    Ok(out)
}

pub fn to_xml(m: &mut Machine, v: &Value, span: Span) -> EvalResult<String> {
    let _ = (m, v, span, CoerceMode::TO_STRING, Symbol::new("x"));
    Err(EvalError::new(
        ntop_eval::ErrorKind::Unsupported("--xml output is not supported by ntop yet".into()),
        None,
    ))
}
