//! `ntop eval FILE` where FILE is a NixOS-style module: it is evaluated as part of a NixOS
//! configuration (the bundled mini-NixOS, or the tree given with `-I nixos=DIR`), and `-A`
//! selects from its `config` (or from `options.…`).

use std::path::Path;

use ntop_eval::error::EvalResult;
use ntop_eval::ir::Param;
use ntop_eval::source::{Origin, Span};
use ntop_eval::{sym, Machine, Value};

const EVAL_MODULE: &str = include_str!("../nix/eval-module.nix");

/// A module is a function taking `config`, or a set with `options`, `config` or `imports`.
pub fn is_module(m: &mut Machine, v: &Value, span: Span) -> EvalResult<bool> {
    let v = m.force(v, span)?;
    Ok(match &v {
        Value::Lambda(c) => match &c.lambda.param {
            Param::Formals(f) => f.entries.iter().any(|e| e.name.as_str() == "config"),
            Param::Ident(_) => false,
        },
        Value::Attrs(a) => {
            !m.is_derivation(a, span)?
                && (a.contains(sym!("options"))
                    || a.contains(sym!("config"))
                    || a.contains(sym!("imports")))
        }
        _ => false,
    })
}

/// Evaluates the module file; the result has `config`, `options` and `replaced` (the base
/// modules the file took the place of).
pub fn evaluate(m: &mut Machine, file: &Path, span: Span) -> EvalResult<Value> {
    let nixos = nixos_dir(m, span)?;
    let code = m.compile(
        Origin::Text("«ntop eval-module»".into()),
        EVAL_MODULE.into(),
        Path::new("/"),
        None,
    )?;
    let env = m.root_env().clone();
    let function = m.eval(code, &env)?;
    let arg = m.attrs_from(vec![
        (sym!("nixos"), Value::path(nixos)),
        (sym!("file"), Value::path(file.to_path_buf())),
    ]);
    let result = m.call(function, arg, span)?;
    let replaced = m.select_attr(&result, sym!("replaced"), span)?;
    for r in m.force_list(&replaced, span)?.iter() {
        let r = m.force_string(r, span)?;
        eprintln!(
            "ntop: {} takes the place of the base module {}",
            file.display(),
            r.to_str_lossy()
        );
    }
    Ok(result)
}

/// `-I nixos=DIR` if given, else the `nixos` directory of `<nixpkgs>` (the bundle by default).
fn nixos_dir(m: &mut Machine, span: Span) -> EvalResult<std::path::PathBuf> {
    let entries = m.options.search_path.clone();
    let found = match m.find_in_search_path(&entries, "nixos", span) {
        Ok(v) => v,
        Err(_) => m.find_in_search_path(&entries, "nixpkgs/nixos", span)?,
    };
    match found {
        Value::Path(p) => Ok((*p).clone()),
        _ => unreachable!("search path lookups return paths"),
    }
}

/// Where an attribute path of `ntop eval MODULE -A PATH` starts: `options.…` selects from the
/// options, anything else from the configuration.
pub fn select_root(
    m: &mut Machine,
    result: &Value,
    path: &str,
    span: Span,
) -> EvalResult<(Value, String)> {
    if path == "options" {
        return Ok((m.select_attr(result, sym!("options"), span)?, String::new()));
    }
    if let Some(rest) = path.strip_prefix("options.") {
        return Ok((
            m.select_attr(result, sym!("options"), span)?,
            rest.to_string(),
        ));
    }
    Ok((
        m.select_attr(result, sym!("config"), span)?,
        path.to_string(),
    ))
}
