//! Builtins of newer Nix versions for diagnostics and debugging: `warn`, `traceVerbose`,
//! `break`.

use super::PrimOp;
use crate::error::{EvalError, EvalResult};
use crate::eval::Machine;
use crate::source::Span;
use crate::value::Value;

pub static PRIMOPS: &[PrimOp] = &[
    PrimOp {
        name: "warn",
        arity: 2,
        doc: "(Newer Nix.) Prints the string `e1` as a warning, then returns `e2`; with \
              `abort-on-warn` the warning is an error.",
        func: warn,
    },
    PrimOp {
        name: "traceVerbose",
        arity: 2,
        doc: "(Newer Nix.) Like `trace` when the `trace-verbose` option is set; otherwise just \
              returns `e2`.",
        func: trace_verbose,
    },
    PrimOp {
        name: "break",
        arity: 1,
        doc: "(Newer Nix.) Enters the debugger when there is one; ntop has none, so it returns \
              its argument.",
        func: brk,
    },
];

/// From the Nix manual (2.23 and later): "Evaluate `e1`, which must be a string, and print it
/// on standard error as a warning. Then return `e2`. … If the `abort-on-warn` option is set,
/// the evaluation will be aborted after the warning is printed."
fn warn(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let msg = m.force_string(&args[0], span)?;
    m.observer.warn(&msg.to_str_lossy());
    if m.options.abort_on_warn {
        return Err(EvalError::other(
            "eval::abort_on_warn",
            "aborting to reveal stack trace of warning, as abort-on-warn is set",
            span,
        ));
    }
    m.force(&args[1], span)
}

/// From the Nix manual (2.10 and later): "Evaluate `e1` and print its abstract syntax
/// representation on standard error if `--trace-verbose` is enabled. Then return `e2`."
fn trace_verbose(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let enabled = m
        .options
        .settings
        .get("trace-verbose")
        .is_some_and(|v| v == "true");
    if enabled {
        let v = m.force(&args[0], span)?;
        let text = match &v {
            Value::String(s) => s.to_str_lossy().into_owned(),
            other => crate::print::print_value(other, crate::print::PrintMode::Lazy),
        };
        m.observer.trace(&text);
    }
    m.force(&args[1], span)
}

/// From the Nix manual (2.9 and later): "In debug mode (enabled with `--debugger`), pause Nix
/// expression evaluation and enter the REPL. Otherwise, return the argument `v`."
fn brk(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    m.force(&args[0], span)
}
