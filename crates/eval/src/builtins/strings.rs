//! Strings.

use super::PrimOp;
use crate::error::{EvalError, EvalResult};
use crate::eval::{CoerceMode, Machine};
use crate::source::Span;
use crate::value::{Context, NixString, Value};

pub static PRIMOPS: &[PrimOp] = &[
    PrimOp { name: "toString", arity: 1, doc: "Converts a value to a string (numbers, Booleans, null, lists, paths, sets with `__toString` or `outPath`).", func: to_string },
    PrimOp { name: "stringLength", arity: 1, doc: "The length of a string in bytes.", func: string_length },
    PrimOp { name: "substring", arity: 3, doc: "`len` bytes of `s` from byte `start` (clamped to the end).", func: substring },
    PrimOp { name: "concatStringsSep", arity: 2, doc: "Joins a list of strings with a separator.", func: concat_strings_sep },
    PrimOp { name: "replaceStrings", arity: 3, doc: "Replaces, scanning left to right, each occurrence of a string of `from` by the string of `to` at the same index; an empty `from` string matches before every character and at the end. A replacement is forced only when its pattern matches (Nix 2.16+).", func: replace_strings },
    PrimOp { name: "baseNameOf", arity: 1, doc: "The last component of a path or string.", func: base_name_of },
    PrimOp { name: "dirOf", arity: 1, doc: "Everything but the last component of a path or string.", func: dir_of },
];

fn to_string(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let mut ctx = Context::default();
    let bytes = m.coerce_to_string(&a[0], s, CoerceMode::TO_STRING, &mut ctx)?;
    Ok(Value::String(NixString::new(bytes, ctx)))
}

fn string_length(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let mut ctx = Context::default();
    let bytes = m.coerce_to_string(&a[0], s, CoerceMode::INTERPOLATION, &mut ctx)?;
    Ok(Value::Int(bytes.len() as i64))
}

fn substring(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    // Nix 2.8 reads both numbers into a C `int`: they are truncated to 32 bits.
    let start = m.force_int(&a[0], s)? as i32;
    let len = m.force_int(&a[1], s)? as i32;
    let mut ctx = Context::default();
    let bytes = m.coerce_to_string(&a[2], s, CoerceMode::INTERPOLATION, &mut ctx)?;
    if start < 0 {
        return Err(EvalError::other(
            "eval::negative_start",
            "negative start position in 'substring'",
            s,
        ));
    }
    let start = (start as usize).min(bytes.len());
    let end = if len < 0 {
        bytes.len()
    } else {
        start.saturating_add(len as usize).min(bytes.len())
    };
    Ok(Value::String(NixString::new(&bytes[start..end], ctx)))
}

fn concat_strings_sep(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let mut ctx = Context::default();
    let sep = m.force_string(&a[0], s)?;
    ctx.extend(sep.context());
    let list = m.force_list(&a[1], s)?;
    let mut out = Vec::new();
    for (i, item) in list.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(sep.as_bytes());
        }
        out.extend(m.coerce_to_string(item, s, CoerceMode::INTERPOLATION, &mut ctx)?);
    }
    Ok(Value::String(NixString::new(out, ctx)))
}

fn base_name_of(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let mut ctx = Context::default();
    let bytes = m.coerce_to_string(&a[0], s, CoerceMode::PATH_APPEND, &mut ctx)?;
    let mut end = bytes.len();
    if end > 0 && bytes[end - 1] == b'/' {
        end -= 1;
    }
    let start = bytes[..end]
        .iter()
        .rposition(|&c| c == b'/')
        .map_or(0, |p| p + 1);
    Ok(Value::String(NixString::new(&bytes[start..end], ctx)))
}

fn dir_of(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let v = m.force(&a[0], s)?;
    let mut ctx = Context::default();
    let bytes = m.coerce_to_string(&v, s, CoerceMode::PATH_APPEND, &mut ctx)?;
    let dir: &[u8] = match bytes.iter().rposition(|&c| c == b'/') {
        None => b".",
        Some(0) => b"/",
        Some(p) => &bytes[..p],
    };
    if matches!(v, Value::Path(_)) {
        let p = std::path::PathBuf::from(String::from_utf8_lossy(dir).into_owned());
        return Ok(Value::path(p));
    }
    Ok(Value::String(NixString::new(dir, ctx)))
}

fn replace_strings(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let from = m.force_list(&a[0], s)?;
    let to = m.force_list(&a[1], s)?;
    if from.len() != to.len() {
        return Err(EvalError::other(
            "eval::replace_strings_lengths",
            "'from' and 'to' arguments to 'replaceStrings' have different lengths",
            s,
        ));
    }
    let mut patterns = Vec::with_capacity(from.len());
    for f in from.iter() {
        patterns.push(m.force_string(f, s)?);
    }
    // A replacement is forced only where its pattern matches, once (Nix 2.16 and later; Nix
    // 2.8 forced them all first): `replaceStrings [ "a" ] [ (throw "x") ] "b"` is "b".
    let mut replacements: Vec<Option<NixString>> = vec![None; to.len()];
    let subject = m.force_string(&a[2], s)?;
    let mut ctx = subject.context().clone();
    let bytes = subject.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    // One step past the end, so that an empty pattern also matches there.
    let mut p = 0;
    while p <= bytes.len() {
        let found = patterns
            .iter()
            .position(|pat| bytes[p..].starts_with(pat.as_bytes()));
        match found {
            Some(i) => {
                let replacement = match &replacements[i] {
                    Some(r) => r,
                    None => {
                        let r = m.force_string(&to[i], s)?;
                        ctx.extend(r.context());
                        replacements[i].insert(r)
                    }
                };
                out.extend_from_slice(replacement.as_bytes());
                let len = patterns[i].len();
                if len == 0 {
                    if let Some(&c) = bytes.get(p) {
                        out.push(c);
                    }
                    p += 1;
                } else {
                    p += len;
                }
            }
            None => {
                if let Some(&c) = bytes.get(p) {
                    out.push(c);
                }
                p += 1;
            }
        }
    }
    Ok(Value::String(NixString::new(out, ctx)))
}
