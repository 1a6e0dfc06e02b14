//! `ntop explain FILE OPTION`: one option of a NixOS-style configuration in one place — where
//! it is declared, its type, default and description, every definition with its file and
//! priority (`mkDefault`, `mkForce`, `mkIf` conditions), which priority won, and the value.

use std::path::Path;

use ntop_eval::error::EvalResult;
use ntop_eval::print::{print_value, PrintMode};
use ntop_eval::source::{add_source, Origin, Span};
use ntop_eval::{sym, Machine, Value};

use crate::args::ExplainArgs;
use crate::render::Renderer;
use crate::{module_eval, session};

const EXPLAIN: &str = include_str!("../nix/explain.nix");

pub fn explain(args: ExplainArgs) -> i32 {
    let renderer = Renderer::new(
        args.common.color,
        args.common.error_format,
        args.common.show_trace,
    );
    let mut m = session::machine(&args.common, ntop_store::StoreMode::DryRun);
    let span = Span::new(
        add_source(Origin::Text("«command line»".into()), "".into()),
        0,
        0,
    );
    let cwd = std::env::current_dir().unwrap_or_else(|_| "/".into());
    let file = ntop_eval::lower::canonicalize_lexically(&cwd.join(&args.file));
    match report(&mut m, &file, &args.option, span) {
        Ok(text) => {
            print!("{text}");
            std::mem::forget(m);
            0
        }
        Err(e) => {
            eprint!("{}", renderer.eval_error(&e));
            std::mem::forget(m);
            1
        }
    }
}

fn report(m: &mut Machine, file: &Path, option: &str, span: Span) -> EvalResult<String> {
    let config = module_eval::evaluate(m, file, span)?;
    let options = m.select_attr(&config, sym!("options"), span)?;
    let code = m.compile(
        Origin::Text("«ntop explain»".into()),
        EXPLAIN.into(),
        Path::new("/"),
        None,
    )?;
    let env = m.root_env().clone();
    let function = m.eval(code, &env)?;
    let path = Value::list(option.split('.').map(Value::string).collect());
    let arg = m.attrs_from(vec![(sym!("options"), options), (sym!("path"), path)]);
    let facts = m.call(function, arg, span)?;
    let facts = m.force_deep(&facts, span)?;
    let get = |m: &mut Machine, name: &str| {
        m.select_attr(&facts, ntop_eval::symbol::Symbol::new(name), span)
    };
    let show = |v: &Value| print_value(v, PrintMode::Lazy);
    let text_of = |v: &Value| match v {
        Value::String(s) => s.to_str_lossy().into_owned(),
        other => show(other),
    };

    let mut out = format!("Option {option}\n");
    out.push_str(&format!("  type: {}\n", text_of(&get(m, "type")?)));
    let declarations = get(m, "declarations")?;
    for d in m.force_list(&declarations, span)?.iter() {
        let d = m.force(d, span)?;
        out.push_str(&format!("  declared in {}\n", text_of(&d)));
    }
    match get(m, "default")? {
        Value::Attrs(d) => {
            let v = d.get(sym!("value")).cloned().unwrap_or(Value::Null);
            out.push_str(&format!("  default: {}\n", show(&m.force(&v, span)?)));
        }
        _ => out.push_str("  default: (none)\n"),
    }
    if let Value::String(s) = get(m, "description")? {
        out.push_str(&format!("  description: {}\n", s.to_str_lossy().trim()));
    }
    let definitions = get(m, "definitions")?;
    let defs = m.force_list(&definitions, span)?;
    let winner = get(m, "highestPrio")?;
    out.push_str(&format!(
        "  definitions ({}, highest priority {}):\n",
        defs.len(),
        show(&winner)
    ));
    for d in defs.iter() {
        let d = m.force(d, span)?;
        let field =
            |m: &mut Machine, n: &str| m.select_attr(&d, ntop_eval::symbol::Symbol::new(n), span);
        let file = text_of(&field(m, "file")?);
        let value = show(&field(m, "value")?);
        let mut notes = Vec::new();
        if let Value::Int(p) = field(m, "priority")? {
            notes.push(priority_name(p));
        }
        if let Value::Bool(c) = field(m, "condition")? {
            notes.push(format!("mkIf {c}"));
        }
        if notes.is_empty() {
            out.push_str(&format!("    {file}: {value}\n"));
        } else {
            out.push_str(&format!("    {file}: {value}  [{}]\n", notes.join(", ")));
        }
    }
    match get(m, "value")? {
        Value::Attrs(v) => {
            let v = v.get(sym!("value")).cloned().unwrap_or(Value::Null);
            out.push_str(&format!("  value: {}\n", show(&m.force_deep(&v, span)?)));
        }
        _ => out.push_str("  value: (not defined)\n"),
    }
    Ok(out)
}

/// The name of a priority, as modules write it.
fn priority_name(p: i64) -> String {
    match p {
        50 => "mkForce (50)".into(),
        1000 => "mkDefault (1000)".into(),
        1500 => "option default (1500)".into(),
        other => format!("mkOverride {other}"),
    }
}
