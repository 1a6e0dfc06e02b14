//! `textDocument/hover`: the documentation of builtins (`map`, `__map`, `builtins.map`) and
//! the definition of names bound in the file.

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};
use ntop_eval::builtins;
use ntop_eval::check::TextRange;
use ntop_eval::check::{self, BindingId, BindingKind, Target};

use super::document::{Document, Found};

/// Lines of a binding's definition shown before it is cut.
const MAX_LINES: usize = 12;

pub fn hover(doc: &Document, offset: u32) -> Option<Hover> {
    let (markdown, range) = match doc.find(offset)? {
        Found::BuiltinSelect(name, r) => (builtin(name), r),
        Found::Reference(r) => match r.target {
            Target::Binding(b) => (binding(doc, b), r.range),
            Target::Global => (builtin(check::builtin_name(&r.name)), r.range),
            Target::With => (
                format!(
                    "`{}` is not bound here: it is looked up at run time in the sets of the \
                     enclosing `with`s",
                    r.name
                ),
                r.range,
            ),
            Target::Undefined => return None,
        },
        Found::Binding(b) => (binding(doc, b), doc.analysis.index.bindings[b].name_range),
        Found::Path(_) => return None,
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(doc.text_range(range)),
    })
}

fn builtin(name: &str) -> String {
    match builtins::find(name) {
        Some(op) => format!(
            "```nix\nbuiltins.{name}\n```\n{}\n\n*builtin, {} argument{}*",
            op.doc,
            op.arity,
            if op.arity == 1 { "" } else { "s" }
        ),
        None if name == "builtins" => {
            "```nix\nbuiltins\n```\nThe set of every builtin function and constant.".into()
        }
        None => format!("```nix\nbuiltins.{name}\n```\n*builtin constant*"),
    }
}

fn binding(doc: &Document, id: BindingId) -> String {
    let b = &doc.analysis.index.bindings[id];
    let what = match b.kind {
        BindingKind::Let => "let binding",
        BindingKind::LegacyLet => "binding of a legacy `let { … }`",
        BindingKind::RecAttr => "attribute of a recursive set",
        BindingKind::Arg => "function argument",
        BindingKind::Formal => "formal argument",
        BindingKind::AtPattern => "the whole argument set of a function",
    };
    let uses = doc.analysis.index.references_to(id).count();
    let line = doc.position(b.name_range.start().into()).line + 1;
    format!(
        "```nix\n{}\n```\n{what} `{}`, defined on line {line}, {uses} use{}",
        excerpt(doc, b.def_range),
        b.name,
        if uses == 1 { "" } else { "s" }
    )
}

fn excerpt(doc: &Document, r: TextRange) -> String {
    let text = doc.slice(r);
    let mut lines: Vec<&str> = text.lines().take(MAX_LINES + 1).collect();
    if lines.len() > MAX_LINES {
        lines.truncate(MAX_LINES);
        lines.push("…");
    }
    lines.join("\n")
}
