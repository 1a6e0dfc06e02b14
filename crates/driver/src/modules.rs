//! A file that is a NixOS-style module (`ntop eval`, `ntop build`, `ntop explain`): it is
//! evaluated as part of a NixOS configuration (the bundled mini-NixOS, or the tree given with
//! `-I nixos=DIR`), and `-A` selects from its `config` (or from `options.…`).

use std::path::Path;

use ntop_eval::error::EvalResult;
use ntop_eval::source::Span;
use ntop_eval::{function_signature, sym, Machine, Value};

const EVAL_MODULE: &str = include_str!("../nix/eval-module.nix");

/// A module is a function taking `config` (as `builtins.functionArgs` tells), or a set with
/// `options`, `config` or `imports` that is not a derivation.
pub fn is_module(m: &mut Machine, v: &Value, span: Span) -> EvalResult<bool> {
    let v = m.force(v, span)?;
    Ok(match &v {
        Value::Lambda(_) => function_signature(&v)
            .is_some_and(|s| s.formals.iter().any(|f| f.name.as_str() == "config")),
        Value::Attrs(a) => {
            !m.is_derivation(a, span)?
                && (a.contains(sym!("options"))
                    || a.contains(sym!("config"))
                    || a.contains(sym!("imports")))
        }
        _ => false,
    })
}

/// Evaluates the module file; the result has `config`, `options` and `replaced`. Returns it
/// with a note for each base module the file took the place of.
pub fn evaluate(m: &mut Machine, file: &Path, span: Span) -> EvalResult<(Value, Vec<String>)> {
    let nixos = nixos_dir(m, span)?;
    let function = m.eval_source("«ntop eval-module»", EVAL_MODULE, Path::new("/"))?;
    let arg = m.attrs_from(vec![
        (sym!("nixos"), Value::path(nixos)),
        (sym!("file"), Value::path(file.to_path_buf())),
    ]);
    let result = m.call(function, arg, span)?;
    let replaced = m.select_attr(&result, sym!("replaced"), span)?;
    let mut notes = Vec::new();
    for r in m.force_list(&replaced, span)?.iter() {
        let r = m.force_string(r, span)?;
        notes.push(format!(
            "{} takes the place of the base module {}",
            file.display(),
            r.to_str_lossy()
        ));
    }
    Ok((result, notes))
}

/// `-I nixos=DIR` if given, else the `nixos` directory of `<nixpkgs>` (the bundle by default).
fn nixos_dir(m: &mut Machine, span: Span) -> EvalResult<std::path::PathBuf> {
    let entries = m.options().search_path.clone();
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
