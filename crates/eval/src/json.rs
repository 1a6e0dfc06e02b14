//! Values to JSON, as Nix 2.8's `printValueAsJSON` writes it (`builtins.toJSON`, `--json`),
//! except that a string that is not UTF-8 is an error, as in Nix 2.26 and later (Nix 2.8 wrote
//! its bytes raw). Newer Nix builds the whole JSON document before writing it, so an evaluation
//! error anywhere in the value comes before the first non-UTF-8 string's error, wherever that
//! string is.

use crate::error::{ErrorKind, EvalError, EvalResult, JsonProblem};
use crate::eval::{CoerceMode, Machine};
use crate::source::Span;
use crate::value::{Context, Value};

/// Appends the JSON of `v` to `out`, collecting string contexts into `ctx`. Sets with
/// `__toString` or `outPath` become strings, paths are copied to the store.
pub fn json_into(
    m: &mut Machine,
    v: &Value,
    span: Span,
    out: &mut String,
    ctx: &mut Context,
) -> EvalResult<()> {
    json_with(m, v, span, out, ctx, true)
}

/// Like [`json_into`]; with `force` false (`nix-instantiate --json` without `--strict`) values
/// not yet evaluated are an error, as in Nix 2.8, instead of being forced.
pub fn json_with(
    m: &mut Machine,
    v: &Value,
    span: Span,
    out: &mut String,
    ctx: &mut Context,
    force: bool,
) -> EvalResult<()> {
    let mut not_utf8 = None;
    json_value(m, v, span, out, ctx, force, &mut not_utf8)?;
    match not_utf8 {
        Some(problem) => Err(EvalError::new(ErrorKind::Json(problem), span)),
        None => Ok(()),
    }
}

/// The JSON of `v`; the first string that is not UTF-8 is recorded in `not_utf8`.
fn json_value(
    m: &mut Machine,
    v: &Value,
    span: Span,
    out: &mut String,
    ctx: &mut Context,
    force: bool,
    not_utf8: &mut Option<JsonProblem>,
) -> EvalResult<()> {
    let v = match v {
        Value::Thunk(t) if !force => match t.value() {
            Some(v) => v,
            None => {
                return Err(EvalError::new(
                    ErrorKind::NotJson { found: "a thunk" },
                    span,
                ));
            }
        },
        other => m.force(other, span)?,
    };
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || match &v {
        Value::Null => {
            out.push_str("null");
            Ok(())
        }
        Value::Bool(b) => {
            out.push_str(if *b { "true" } else { "false" });
            Ok(())
        }
        Value::Int(i) => {
            out.push_str(&i.to_string());
            Ok(())
        }
        Value::Float(f) => {
            out.push_str(&crate::print::format_float(*f));
            Ok(())
        }
        Value::String(s) => {
            ctx.extend(s.context());
            check_utf8(s.as_bytes(), not_utf8);
            escape_json(out, s.as_bytes());
            Ok(())
        }
        Value::Path(p) => {
            let store_path = m.copy_path_to_store(p, span)?;
            ctx.insert(&store_path);
            escape_json(out, store_path.as_bytes());
            Ok(())
        }
        Value::Attrs(a) => {
            if a.contains(crate::sym!("__toString")) {
                let s = m.coerce_to_string(&v, span, CoerceMode::PATH_APPEND, ctx)?;
                check_utf8(&s, not_utf8);
                escape_json(out, &s);
                return Ok(());
            }
            if let Some(outp) = a.get(crate::sym!("outPath")) {
                let outp = outp.clone();
                return json_value(m, &outp, span, out, ctx, force, not_utf8);
            }
            out.push('{');
            for (i, e) in a.entries().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                escape_json(out, e.name.as_str().as_bytes());
                out.push(':');
                json_value(
                    m,
                    &e.value,
                    e.pos.unwrap_or(span),
                    out,
                    ctx,
                    force,
                    not_utf8,
                )?;
            }
            out.push('}');
            Ok(())
        }
        Value::List(l) => {
            out.push('[');
            for (i, item) in l.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_value(m, item, span, out, ctx, force, not_utf8)?;
            }
            out.push(']');
            Ok(())
        }
        other => {
            // Nix points at the function's definition.
            let at = match other {
                Value::Lambda(c) => c.lambda.span,
                _ => span,
            };
            Err(EvalError::new(
                ErrorKind::NotJson {
                    found: other.type_phrase(),
                },
                at,
            ))
        }
    })
}

/// Records in `first` (unless it holds a problem already) why `bytes` is not UTF-8, as
/// nlohmann/json reports it: the index of the byte that cannot start or continue a sequence
/// (a lead byte that is valid begins a sequence that the next byte breaks), or the last byte
/// when the string ends inside a sequence.
fn check_utf8(bytes: &[u8], first: &mut Option<JsonProblem>) {
    if first.is_some() {
        return;
    }
    let Err(e) = std::str::from_utf8(bytes) else {
        return;
    };
    let start = e.valid_up_to();
    *first = Some(match e.error_len() {
        None => JsonProblem::IncompleteUtf8 {
            last: bytes[bytes.len() - 1],
        },
        Some(len) => {
            let index = if matches!(bytes[start], 0xC2..=0xF4) {
                start + len
            } else {
                start
            };
            JsonProblem::InvalidUtf8 {
                index,
                byte: bytes[index],
            }
        }
    });
}

/// JSON string escaping as Nix 2.8 writes it: `"`, `\`, `\n`, `\r`, `\t`, other control
/// characters as `\u00xx`; all other bytes (UTF-8 included) raw.
pub fn escape_json(out: &mut String, bytes: &[u8]) {
    let mut buf = Vec::with_capacity(bytes.len() + 2);
    buf.push(b'"');
    for &c in bytes {
        match c {
            b'"' | b'\\' => {
                buf.push(b'\\');
                buf.push(c);
            }
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            0..=0x1f => buf.extend_from_slice(format!("\\u{c:04x}").as_bytes()),
            _ => buf.push(c),
        }
    }
    buf.push(b'"');
    out.push_str(&String::from_utf8_lossy(&buf));
}
