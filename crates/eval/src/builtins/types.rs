//! Type inspection: `typeOf`, the `is*` family and `functionArgs`.

use super::PrimOp;
use crate::error::EvalResult;
use crate::eval::Machine;
use crate::ir::Param;
use crate::source::Span;
use crate::value::{AttrEntry, Attrs, Value};

pub static PRIMOPS: &[PrimOp] = &[
    PrimOp { name: "typeOf", arity: 1, doc: "The type of a value as a string: \"int\", \"set\", \"lambda\", ….", func: type_of },
    PrimOp { name: "isNull", arity: 1, doc: "Whether the value is `null`.", func: is_null },
    PrimOp { name: "isBool", arity: 1, doc: "Whether the value is a Boolean.", func: is_bool },
    PrimOp { name: "isInt", arity: 1, doc: "Whether the value is an integer.", func: is_int },
    PrimOp { name: "isFloat", arity: 1, doc: "Whether the value is a float.", func: is_float },
    PrimOp { name: "isString", arity: 1, doc: "Whether the value is a string.", func: is_string },
    PrimOp { name: "isPath", arity: 1, doc: "Whether the value is a path.", func: is_path },
    PrimOp { name: "isList", arity: 1, doc: "Whether the value is a list.", func: is_list },
    PrimOp { name: "isAttrs", arity: 1, doc: "Whether the value is a set.", func: is_attrs },
    PrimOp { name: "isFunction", arity: 1, doc: "Whether the value is a function.", func: is_function },
    PrimOp { name: "functionArgs", arity: 1, doc: "The formal arguments of a function as a set mapping each name to whether it has a default.", func: function_args },
];

fn type_of(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    Ok(Value::string(m.force(&args[0], span)?.type_of()))
}

macro_rules! predicate {
    ($name:ident, $pat:pat) => {
        fn $name(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
            Ok(Value::Bool(matches!(m.force(&args[0], span)?, $pat)))
        }
    };
}

predicate!(is_null, Value::Null);
predicate!(is_bool, Value::Bool(_));
predicate!(is_int, Value::Int(_));
predicate!(is_float, Value::Float(_));
predicate!(is_string, Value::String(_));
predicate!(is_path, Value::Path(_));
predicate!(is_list, Value::List(_));
predicate!(is_attrs, Value::Attrs(_));
predicate!(
    is_function,
    Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_)
);

fn function_args(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let f = m.force(&args[0], span)?;
    match &f {
        Value::Lambda(c) => match &c.lambda.param {
            Param::Ident(_) => Ok(m.attrs_from(Vec::new())),
            Param::Formals(formals) => {
                // Each entry is positioned at its formal, which `unsafeGetAttrPos` shows (as
                // Nix does).
                let entries = formals
                    .entries
                    .iter()
                    .map(|f| AttrEntry {
                        name: f.name,
                        value: Value::Bool(f.default.is_some()),
                        pos: Some(f.span),
                    })
                    .collect();
                Ok(Value::attrs(Attrs::from_unsorted(entries)))
            }
        },
        Value::PrimOp(_) | Value::PrimOpApp(_) => Ok(m.attrs_from(Vec::new())),
        // Like Nix, functors are not functions here; `lib.functionArgs` handles them.
        other => Err(m.type_error("a function", other, span)),
    }
}
