//! `ntop explain FILE OPTION`: one option of a NixOS-style configuration in one place — where
//! it is declared, its type, default and description, every definition with its file and
//! priority (`mkDefault`, `mkForce`, `mkIf` conditions), which priority won, and the value.

use std::path::Path;

use ntop_eval::error::{EvalError, EvalResult};
use ntop_eval::print::{print_value, PrintMode};
use ntop_eval::source::Span;
use ntop_eval::suggest::similar_names;
use ntop_eval::{sym, Machine, Value};

use crate::error::Result;
use crate::modules;
use crate::session::Session;

const EXPLAIN: &str = include_str!("../nix/explain.nix");

impl Session {
    /// The report on `option` (a dotted path) of the configuration `file` (a module).
    pub fn explain(&mut self, file: &str, option: &str) -> Result<String> {
        let file = self.absolute(file);
        let span = self.span;
        let mut notes = Vec::new();
        let result = report(self.machine(), &file, option, span, &mut notes);
        for note in notes {
            self.note(&note);
        }
        Ok(result?)
    }
}

fn report(
    m: &mut Machine,
    file: &Path,
    option: &str,
    span: Span,
    notes: &mut Vec<String>,
) -> EvalResult<String> {
    let (config, replaced) = modules::evaluate(m, file, span)?;
    notes.extend(replaced);
    let options = m.select_attr(&config, sym!("options"), span)?;
    let function = m.eval_source("«ntop explain»", EXPLAIN, Path::new("/"))?;
    let path = Value::list(option.split('.').map(Value::string).collect());
    let arg = m.attrs_from(vec![(sym!("options"), options), (sym!("path"), path)]);
    let facts = m.call(function, arg, span)?;
    let facts = m.force_deep(&facts, span)?;
    let get = |m: &mut Machine, name: &str| {
        m.select_attr(&facts, ntop_eval::symbol::Symbol::new(name), span)
    };
    if facts_have(&facts, "missing") {
        let missing = get(m, "missing")?;
        return Err(no_such_option(m, &missing, option, span)?);
    }
    let text_of = |v: &Value| match v {
        Value::String(s) => s.to_str_lossy().into_owned(),
        other => print_value(other, PrintMode::Lazy),
    };

    let mut out = format!("Option {option}\n");
    out.push_str(&format!("  type: {}\n", text_of(&get(m, "type")?)));
    let declarations = get(m, "declarations")?;
    for d in m.force_list(&declarations, span)?.iter() {
        let d = m.force(d, span)?;
        out.push_str(&format!("  declared in {}\n", text_of(&d)));
    }
    match get(m, "default")? {
        Value::Null => out.push_str("  default: (none)\n"),
        d => out.push_str(&format!("  default: {}\n", text_of(&d))),
    }
    if let Value::String(s) = get(m, "description")? {
        out.push_str(&format!("  description: {}\n", s.to_str_lossy().trim()));
    }
    let definitions = get(m, "definitions")?;
    let defs = m.force_list(&definitions, span)?;
    match get(m, "highestPrio")? {
        Value::Int(p) => out.push_str(&format!(
            "  definitions ({}; the highest priority is {}):\n",
            defs.len(),
            priority_name(p)
        )),
        _ => out.push_str(&format!("  definitions ({}; none counts):\n", defs.len())),
    }
    for d in defs.iter() {
        let d = m.force(d, span)?;
        let field =
            |m: &mut Machine, n: &str| m.select_attr(&d, ntop_eval::symbol::Symbol::new(n), span);
        let status = text_of(&field(m, "status")?);
        let place = text_of(&field(m, "where")?);
        let mut how = Vec::new();
        if text_of(&field(m, "kind")?) == "default" {
            how.push("the option's default".to_string());
        }
        if let Value::Int(p) = field(m, "priority")? {
            how.push(priority_name(p));
        }
        if let Value::String(order) = field(m, "order")? {
            how.push(order.to_str_lossy().into_owned());
        }
        if let Value::Int(n) = field(m, "conditions")? {
            if n > 0 {
                how.push(format!("mkIf {}", text_of(&field(m, "condition")?)));
            }
        }
        let value = text_of(&field(m, "value")?);
        out.push_str(&format!(
            "    {status:<10}  {place}\n                {}: {value}\n",
            how.join(", ")
        ));
    }
    if let Value::Bool(false) = get(m, "complete")? {
        out.push_str(
            "    (this module library records only the definitions that counted, \
             without their priorities and conditions)\n",
        );
    }
    match get(m, "value")? {
        Value::Null => out.push_str("  value: (not defined)\n"),
        v => out.push_str(&format!("  value: {}\n", text_of(&v))),
    }
    Ok(out)
}

fn facts_have(facts: &Value, name: &str) -> bool {
    matches!(facts, Value::Attrs(a) if a.get(ntop_eval::symbol::Symbol::new(name)).is_some())
}

/// The error for an option path that names no option: the part that exists, and the names
/// close to the first one that does not.
fn no_such_option(
    m: &mut Machine,
    missing: &Value,
    option: &str,
    span: Span,
) -> EvalResult<EvalError> {
    let mut field = |name: &str| -> EvalResult<Value> {
        let v = m.select_attr(missing, ntop_eval::symbol::Symbol::new(name), span)?;
        m.force_deep(&v, span)
    };
    let (known, names, next) = (field("known")?, field("names")?, field("next")?);
    let mut strings = |v: &Value| -> EvalResult<Vec<String>> {
        let mut out = Vec::new();
        if let Value::List(items) = v {
            for item in items.iter() {
                if let Value::String(s) = m.force(item, span)? {
                    out.push(s.to_str_lossy().into_owned());
                }
            }
        }
        Ok(out)
    };
    let known = strings(&known)?;
    let names = strings(&names)?;
    let mut error = EvalError::other(
        "explain::no_such_option",
        format!("the configuration has no option `{option}'"),
        None,
    );
    match next {
        Value::String(next) => {
            let next = next.to_str_lossy();
            let prefix: String = known.iter().map(|k| format!("{k}.")).collect();
            let close = similar_names(&next, names.iter().map(String::as_str));
            if !close.is_empty() {
                let close: Vec<String> = close.iter().map(|c| format!("`{prefix}{c}'")).collect();
                error = error.with_note(format!("did you mean {}?", close.join(" or ")));
            } else if known.is_empty() {
                error = error.with_note(format!("no top-level option set is called `{next}'"));
            } else if names.is_empty() {
                error = error.with_note(format!(
                    "`{}' is an option whose value holds no options, so it has no `{next}'",
                    known.join(".")
                ));
            } else {
                error = error.with_note(format!(
                    "`{}' has no `{next}'; it has {}",
                    known.join("."),
                    quoted_list(&names)
                ));
            }
        }
        _ => {
            error = error.with_note(format!(
                "`{option}' is a set of options: {}",
                quoted_list(&names)
            ));
        }
    }
    Ok(error)
}

/// Names as a note lists them: quoted, the first dozen.
fn quoted_list(names: &[String]) -> String {
    let mut shown: Vec<String> = names.iter().take(12).map(|n| format!("`{n}'")).collect();
    if names.len() > 12 {
        shown.push(format!("… ({} more)", names.len() - 12));
    }
    shown.join(", ")
}

/// A priority as modules write it.
fn priority_name(p: i64) -> String {
    match p {
        50 => "mkForce (50)".into(),
        100 => "plain (100)".into(),
        1000 => "mkDefault (1000)".into(),
        1500 => "mkOptionDefault (1500)".into(),
        other => format!("mkOverride {other}"),
    }
}
