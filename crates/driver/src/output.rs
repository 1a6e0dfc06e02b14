//! `--json` and `--xml` output of values.

use ntop_eval::error::EvalResult;
use ntop_eval::source::Span;
use ntop_eval::value::Context;
use ntop_eval::{Machine, Value};

/// Nix 2.8's JSON rendering (as `--json` and `builtins.toJSON` print it).
pub fn to_json(m: &mut Machine, v: &Value, span: Span, strict: bool) -> EvalResult<String> {
    let mut out = String::new();
    let mut ctx = Context::default();
    ntop_eval::json::json_with(m, v, span, &mut out, &mut ctx, strict)?;
    Ok(out)
}

/// Nix 2.8's `--xml` rendering, with source positions unless `location` is false
/// (`--no-location`). The caller forces the value first
/// under `--strict`; otherwise what is not yet evaluated prints as `<unevaluated />`.
pub fn to_xml(m: &mut Machine, v: &Value, span: Span, location: bool) -> EvalResult<String> {
    let mut ctx = Context::default();
    let config = ntop_eval::xml::XmlConfig {
        strict: false,
        location,
    };
    let out = ntop_eval::xml::to_xml(m, v, span, config, &mut ctx)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}
