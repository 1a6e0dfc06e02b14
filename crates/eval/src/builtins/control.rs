//! Control and evaluation: errors, strictness, tracing and loading code.

use super::PrimOp;
use crate::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::{CoerceMode, Machine, SearchPathEntry};
use crate::source::Span;
use crate::symbol::Symbol;
use crate::value::{Context, Value};

pub static PRIMOPS: &[PrimOp] = &[
    PrimOp {
        name: "throw",
        arity: 1,
        doc: "Throws an error message; `tryEval` can catch it.",
        func: throw,
    },
    PrimOp {
        name: "abort",
        arity: 1,
        doc: "Aborts evaluation with an error message; never caught.",
        func: abort,
    },
    PrimOp {
        name: "tryEval",
        arity: 1,
        doc:
            "Evaluates `e`; returns `{ success; value; }`, catching `throw` and failed assertions.",
        func: try_eval,
    },
    PrimOp {
        name: "seq",
        arity: 2,
        doc: "Evaluates `e1` to weak head normal form, then returns `e2`.",
        func: seq,
    },
    PrimOp {
        name: "deepSeq",
        arity: 2,
        doc: "Evaluates `e1` completely, then returns `e2`.",
        func: deep_seq,
    },
    PrimOp {
        name: "trace",
        arity: 2,
        doc: "Prints `e1` on standard error, then returns `e2`.",
        func: trace,
    },
    PrimOp {
        name: "import",
        arity: 1,
        doc: "Loads, parses and evaluates the Nix file at `path`.",
        func: import,
    },
    PrimOp {
        name: "scopedImport",
        arity: 2,
        doc: "Like `import`, with the attributes of `scope` in scope.",
        func: scoped_import,
    },
    PrimOp {
        name: "addErrorContext",
        arity: 2,
        doc: "Adds a message to the trace of errors raised while evaluating `e`.",
        func: add_error_context,
    },
    PrimOp {
        name: "ntopAddErrorLabels",
        arity: 2,
        doc: "`e`, but an error raised while evaluating it also points at `labels`, a list of \
              `{ file, line, column, message }` (positions as `unsafeGetAttrPos` gives them): \
              the module system names every definition of an option that fails to merge. \
              ntop only.",
        func: add_error_labels,
    },
    PrimOp {
        name: "findFile",
        arity: 2,
        doc: "Looks `name` up in a search path (a list of `{ prefix; path; }`), as `<name>` does.",
        func: find_file,
    },
    PrimOp {
        name: "getEnv",
        arity: 1,
        doc: "The value of an environment variable, or the empty string.",
        func: get_env,
    },
];

fn message(m: &mut Machine, v: &Value, span: Span) -> EvalResult<String> {
    let mut ctx = Context::default();
    let bytes = m.coerce_to_string(v, span, CoerceMode::PATH_APPEND, &mut ctx)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn throw(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let msg = message(m, &args[0], span)?;
    Err(EvalError::new(ErrorKind::Throw(msg), span))
}

fn abort(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let msg = message(m, &args[0], span)?;
    Err(EvalError::new(ErrorKind::Abort(msg), span))
}

fn try_eval(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    // On success `value` is the argument as stored, not a copy of what it forced to, as in
    // Nix (`attrs.insert(sValue, args[0])`): equality sees it as the same object.
    let (success, value) = match m.force(&args[0], span) {
        Ok(_) => (true, args[0].clone()),
        Err(e) if e.is_catchable() => (false, Value::Bool(false)),
        Err(e) => return Err(e),
    };
    Ok(m.attrs_from(vec![
        (crate::sym!("success"), Value::Bool(success)),
        (crate::sym!("value"), value),
    ]))
}

fn seq(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    m.force(&args[0], span)?;
    m.force(&args[1], span)
}

fn deep_seq(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    m.force_deep(&args[0], span)?;
    m.force(&args[1], span)
}

fn trace(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let v = m.force(&args[0], span)?;
    let text = match &v {
        Value::String(s) => s.to_str_lossy().into_owned(),
        other => crate::print::print_value(other, crate::print::PrintMode::Lazy),
    };
    m.observer.trace(&text);
    m.force(&args[1], span)
}

/// The path a value denotes for `import`, `readFile` and similar (paths, strings, derivations).
pub fn coerce_to_path(m: &mut Machine, v: &Value, span: Span) -> EvalResult<std::path::PathBuf> {
    let mut ctx = Context::default();
    let bytes = m.coerce_to_string(v, span, CoerceMode::PATH_APPEND, &mut ctx)?;
    let s = String::from_utf8_lossy(&bytes).into_owned();
    if !s.starts_with('/') {
        return Err(EvalError::new(ErrorKind::NotAPath(s), span));
    }
    Ok(std::path::PathBuf::from(s))
}

fn import(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let path = coerce_to_path(m, &args[0], span)?;
    m.import_file(&path, span)
}

fn scoped_import(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let scope = m.force_attrs(&args[0], span)?;
    let path = coerce_to_path(m, &args[1], span)?;
    m.scoped_import(&scope, &path, span)
}

fn add_error_context(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    match m.force(&args[1], span) {
        Ok(v) => Ok(v),
        Err(e) => {
            let msg = message(m, &args[0], span).unwrap_or_default();
            Err(e.with_frame(Some(span), msg))
        }
    }
}

fn add_error_labels(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    match m.force(&args[1], span) {
        Ok(v) => Ok(v),
        Err(mut e) => {
            // The labels are only read now; a label that cannot be read is left out rather
            // than replacing the error being reported.
            if let Ok(labels) = m.force_list(&args[0], span) {
                for label in labels.iter() {
                    if let Ok(Some((at, message))) = read_label(m, label, span) {
                        e = e.with_label(at, message);
                    }
                }
            }
            Err(e)
        }
    }
}

/// A `{ file, line, column, message }` label as a span over the source it names (the word
/// starting there), or None when that source was never read.
fn read_label(m: &mut Machine, label: &Value, span: Span) -> EvalResult<Option<(Span, String)>> {
    let set = m.force_attrs(label, span)?;
    let field = |name: &str| set.get(Symbol::new(name)).cloned().unwrap_or(Value::Null);
    let file = m.force(&field("file"), span)?;
    let line = m.force(&field("line"), span)?;
    let column = m.force(&field("column"), span)?;
    let message = m.force(&field("message"), span)?;
    let (Value::String(file), Value::Int(line), Value::Int(column), Value::String(message)) =
        (file, line, column, message)
    else {
        return Ok(None);
    };
    let (Ok(line), Ok(column)) = (u32::try_from(line), u32::try_from(column)) else {
        return Ok(None);
    };
    let at = crate::source::span_of_word_at(&file.to_str_lossy(), line, column);
    Ok(at.map(|at| (at, message.to_str_lossy().into_owned())))
}

fn find_file(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let list = m.force_list(&args[0], span)?;
    let mut entries = Vec::with_capacity(list.len());
    for item in list.iter() {
        let a = m.force_attrs(item, span)?;
        let path = match a.get(crate::sym!("path")) {
            Some(p) => {
                let p = p.clone();
                message(m, &p, span)?
            }
            None => {
                return Err(EvalError::new(
                    ErrorKind::MissingAttribute {
                        name: "path".into(),
                        suggestions: Vec::new(),
                    },
                    span,
                ))
            }
        };
        let prefix = match a.get(crate::sym!("prefix")) {
            Some(p) => {
                let p = p.clone();
                m.force_string(&p, span)?.to_str_lossy().into_owned()
            }
            None => String::new(),
        };
        entries.push(SearchPathEntry { prefix, path });
    }
    let wanted = m.force_string(&args[1], span)?.to_str_lossy().into_owned();
    m.find_in_search_path(&entries, &wanted, span)
}

fn get_env(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let name = m.force_string_no_context(&args[0], span)?;
    let v = m.io.get_env_bytes(&name.to_str_lossy()).unwrap_or_default();
    Ok(Value::string(v))
}
