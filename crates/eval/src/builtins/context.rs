//! String contexts: `getContext`, `hasContext`, `appendContext`, `unsafeDiscardStringContext`,
//! `unsafeDiscardOutputDependency` and (from newer Nix) `addDrvOutputDependencies`.
//!
//! A context element is encoded as Nix encodes it (see `value/string.rs`): `/nix/store/…` for a
//! plain path, `=/nix/store/….drv` for a derivation with its whole closure ("deep"), and
//! `!out!/nix/store/….drv` for one output of a derivation. `getContext` shows them as
//! `{ "<path>" = { path = true; allOutputs = true; outputs = [ … ]; }; }`, with only the
//! attributes that hold, and `appendContext` takes the same form back.

use super::PrimOp;
use crate::error::{ContextProblem, ErrorKind, EvalError, EvalResult};
use crate::eval::{CoerceMode, Machine};
use crate::source::Span;
use crate::value::{Context, NixString, Value};

pub static PRIMOPS: &[PrimOp] = &[
    PrimOp {
        name: "getContext",
        arity: 1,
        doc: "The context of a string as a set: for each store path, whether the path itself \
              (`path`), the whole closure of a derivation (`allOutputs`) or some of its \
              `outputs` are referred to.",
        func: get_context,
    },
    PrimOp {
        name: "hasContext",
        arity: 1,
        doc: "Whether a string refers to store paths.",
        func: has_context,
    },
    PrimOp {
        name: "appendContext",
        arity: 2,
        doc: "The string with the context given as a set in `getContext`'s form added.",
        func: append_context,
    },
    PrimOp {
        name: "unsafeDiscardStringContext",
        arity: 1,
        doc: "The string without its context.",
        func: discard_string_context,
    },
    PrimOp {
        name: "unsafeDiscardOutputDependency",
        arity: 1,
        doc: "The string with every reference to a derivation's closure (`=drv`) turned into a \
              plain reference to the `.drv` file.",
        func: discard_output_dependency,
    },
    PrimOp {
        name: "addDrvOutputDependencies",
        arity: 1,
        doc: "(Newer Nix.) The inverse of `unsafeDiscardOutputDependency`: a string whose only \
              context element is a `.drv` path gets that derivation's closure instead.",
        func: add_drv_output_dependencies,
    },
];

/// What `getContext` reports for one store path.
#[derive(Default)]
struct Info {
    path: bool,
    all_outputs: bool,
    outputs: Vec<String>,
}

fn get_context(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let s = m.force_string(&args[0], span)?;
    let mut infos: std::collections::BTreeMap<String, Info> = Default::default();
    // Elements are visited in their sorted (encoded) order, as Nix's `PathSet` does, so that
    // outputs come out sorted by name.
    for element in s.context().iter() {
        if let Some(drv) = element.strip_prefix('=') {
            infos.entry(drv.to_string()).or_default().all_outputs = true;
        } else if let Some(rest) = element.strip_prefix('!') {
            let (output, drv) = rest.split_once('!').unwrap_or((rest, ""));
            infos
                .entry(drv.to_string())
                .or_default()
                .outputs
                .push(output.to_string());
        } else {
            infos.entry(element.to_string()).or_default().path = true;
        }
    }
    let entries = infos
        .into_iter()
        .map(|(path, info)| {
            let mut fields = Vec::new();
            if info.path {
                fields.push((crate::sym!("path"), Value::Bool(true)));
            }
            if info.all_outputs {
                fields.push((crate::sym!("allOutputs"), Value::Bool(true)));
            }
            if !info.outputs.is_empty() {
                let outputs = info.outputs.into_iter().map(Value::string).collect();
                fields.push((crate::sym!("outputs"), Value::list(outputs)));
            }
            (crate::symbol::Symbol::new(&path), m.attrs_from(fields))
        })
        .collect();
    Ok(m.attrs_from(entries))
}

fn has_context(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let s = m.force_string(&args[0], span)?;
    Ok(Value::Bool(s.has_context()))
}

fn append_context(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let s = m.force_string(&args[0], span)?;
    let mut ctx = s.context().clone();
    let set = m.force_attrs(&args[1], span)?;
    let store_dir = ntop_store::StoreDir::new(&m.options.store_dir)
        .map_err(|e| EvalError::new(ErrorKind::Store(e.to_string()), span))?;
    for e in set.entries() {
        let name = e.name.as_str();
        let at = e.pos.unwrap_or(span);
        if store_dir.parse(name).is_err() {
            return Err(bad_context(
                ContextProblem::KeyNotStorePath { key: name.into() },
                at,
            ));
        }
        let is_drv = name.ends_with(".drv");
        let info = m.force_attrs(&e.value, at)?;
        if let Some(p) = info.get(crate::sym!("path")) {
            if m.force_bool(p, at)? {
                ctx.insert(name);
            }
        }
        if let Some(all) = info.get(crate::sym!("allOutputs")) {
            if m.force_bool(all, at)? {
                if !is_drv {
                    return Err(bad_context(
                        ContextProblem::AllOutputsOfNonDerivation { path: name.into() },
                        at,
                    ));
                }
                ctx.insert(&format!("={name}"));
            }
        }
        if let Some(outputs) = info.get(crate::sym!("outputs")) {
            let outputs = m.force_list(outputs, at)?;
            if !outputs.is_empty() && !is_drv {
                return Err(bad_context(
                    ContextProblem::OutputsOfNonDerivation { path: name.into() },
                    at,
                ));
            }
            for output in outputs.iter() {
                let output = m.force_string_no_context(output, at)?;
                ctx.insert(&format!("!{}!{name}", output.to_str_lossy()));
            }
        }
    }
    Ok(Value::String(NixString::new(s.as_bytes(), ctx)))
}

fn discard_string_context(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let mut ctx = Context::default();
    let bytes = m.coerce_to_string(&args[0], span, CoerceMode::INTERPOLATION, &mut ctx)?;
    Ok(Value::string(bytes))
}

fn discard_output_dependency(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let mut ctx = Context::default();
    let bytes = m.coerce_to_string(&args[0], span, CoerceMode::INTERPOLATION, &mut ctx)?;
    let ctx = Context::from_elements(ctx.iter().map(|e| e.strip_prefix('=').unwrap_or(e)));
    Ok(Value::String(NixString::new(bytes, ctx)))
}

/// From the Nix manual (2.19 and later): "Create a copy of the given string where a single
/// constant string context element is turned into a 'derivation deep' string context element.
/// The store path that is the constant string context element should point to a valid
/// derivation, and end in `.drv`. The original string context element must not be empty or
/// have multiple elements, and it must not have any other type of element other than a
/// constant or derivation deep element. The latter is supported so this function is
/// idempotent."
fn add_drv_output_dependencies(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let mut ctx = Context::default();
    let bytes = m.coerce_to_string(&args[0], span, CoerceMode::INTERPOLATION, &mut ctx)?;
    let elements: Vec<&str> = ctx.iter().collect();
    let [element] = elements[..] else {
        return Err(bad_context(
            ContextProblem::NotOneElement {
                string: String::from_utf8_lossy(&bytes).into_owned(),
                count: elements.len(),
            },
            span,
        ));
    };
    let new = if element.starts_with('=') {
        element.to_string()
    } else if let Some(rest) = element.strip_prefix('!') {
        let (output, drv) = rest.split_once('!').unwrap_or((rest, ""));
        return Err(bad_context(
            ContextProblem::OutputNotDerivation {
                output: output.into(),
                drv: drv.into(),
            },
            span,
        ));
    } else if element.ends_with(".drv") {
        format!("={element}")
    } else {
        return Err(bad_context(
            ContextProblem::NotADerivation {
                path: element.into(),
            },
            span,
        ));
    };
    Ok(Value::String(NixString::new(
        bytes,
        Context::from_elements([new.as_str()]),
    )))
}

fn bad_context(problem: ContextProblem, span: Span) -> EvalError {
    EvalError::new(ErrorKind::BadContext(problem), span)
}
