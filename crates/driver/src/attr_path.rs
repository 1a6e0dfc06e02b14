//! `-A` attribute paths (`a.b."c.d".0`, as nix-instantiate parses and follows them) and
//! Nix's auto-calling of functions with `--arg`/`--argstr` values.

use ntop_eval::error::{AttrPathProblem, ErrorKind, EvalError, EvalResult};
use ntop_eval::source::Span;
use ntop_eval::symbol::Symbol;
use ntop_eval::{function_signature, Machine, Value};

/// Splits an attribute path at dots outside double quotes.
pub fn parse(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in path.chars() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    if !path.is_empty() {
        out.push(cur);
    }
    out
}

/// Follows an attribute path, auto-calling functions along the way as Nix does.
pub fn follow(
    m: &mut Machine,
    root: Value,
    path: &str,
    auto_args: &Value,
    span: Span,
) -> EvalResult<Value> {
    let mut v = root;
    for component in parse(path) {
        v = auto_call(m, v, auto_args, span)?;
        if let Ok(index) = component.parse::<usize>() {
            let Value::List(l) = &v else {
                return Err(attr_path_error(
                    path,
                    AttrPathProblem::NotAList {
                        found: v.type_phrase(),
                    },
                ));
            };
            let Some(item) = l.get(index).cloned() else {
                return Err(attr_path_error(
                    path,
                    AttrPathProblem::IndexOutOfRange { index },
                ));
            };
            v = m.force(&item, span)?;
            continue;
        }
        let Value::Attrs(a) = &v else {
            return Err(attr_path_error(
                path,
                AttrPathProblem::NotASet {
                    found: v.type_phrase(),
                },
            ));
        };
        let Some(item) = a.get(Symbol::new(&component)).cloned() else {
            let suggestions =
                ntop_eval::suggest::similar_names(&component, a.names().map(|n| n.as_str()));
            let mut e = attr_path_error(
                path,
                AttrPathProblem::NoSuchAttribute {
                    name: component.clone(),
                },
            );
            if !suggestions.is_empty() {
                e = e.with_note(format!("did you mean '{}'?", suggestions.join("' or '")));
            }
            return Err(e);
        };
        v = m.force(&item, span)?;
    }
    Ok(v)
}

/// A selection path that does not select; it has no place in a file.
fn attr_path_error(path: &str, problem: AttrPathProblem) -> EvalError {
    EvalError::new(
        ErrorKind::AttrPath {
            path: path.to_owned(),
            problem,
        },
        None,
    )
}

/// Nix's `autoCallFunction`: a function with formals is called with the `--arg`/`--argstr`
/// values it names (all of them if it has `...`); other values are returned as they are.
pub fn auto_call(m: &mut Machine, v: Value, auto_args: &Value, span: Span) -> EvalResult<Value> {
    let v = m.force(&v, span)?;
    if let Value::Attrs(a) = &v {
        if let Some(functor) = a.get(Symbol::new("__functor")).cloned() {
            let functor = m.force(&functor, span)?;
            let inner = m.call(functor, v.clone(), span)?;
            return auto_call(m, inner, auto_args, span);
        }
    }
    let Some(signature) = function_signature(&v) else {
        return Ok(v);
    };
    let Value::Attrs(args) = auto_args else {
        return Ok(v);
    };
    let mut chosen = Vec::new();
    if signature.ellipsis {
        for e in args.entries() {
            chosen.push((e.name, e.value.clone()));
        }
    } else {
        for f in &signature.formals {
            match args.get(f.name) {
                Some(value) => chosen.push((f.name, value.clone())),
                None if !f.has_default => {
                    return Err(EvalError::other(
                        "cli::missing_argument",
                        format!(
                            "cannot evaluate a function that has an argument without a value ('{}')\n\nNix attempted to evaluate a function as a top level expression; in this case it must have its arguments supplied either by default values, or passed explicitly with '--arg' or '--argstr'.",
                            f.name
                        ),
                        f.span,
                    ));
                }
                None => {}
            }
        }
    }
    let arg = m.attrs_from(chosen);
    m.call(v, arg, span)
}
