//! The lints: facts of the scope index that are probably mistakes. All are warnings.

use rnix::TextRange;

use super::globals;
use super::index::{Binding, BindingId, BindingKind, FrameKind, Index, Reference, Target};
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

pub fn lints(file: FileId, index: &Index) -> Vec<Diagnostic> {
    let span = |r: TextRange| Span::new(file, r.start().into(), r.end().into());
    let uses = Uses::new(index);
    let mut out = Vec::new();
    for (id, b) in index.bindings.iter().enumerate() {
        if !is_used(index, &uses, id, b) {
            out.push(unused(b, span(b.name_range)));
        }
        if b.kind != BindingKind::RecAttr && globals::is_global(&b.name) {
            out.push(shadowed(b, span(b.name_range)));
        }
    }
    for frame in &index.frames {
        let FrameKind::Rec {
            rec_token: Some(rec_token),
        } = frame.kind
        else {
            continue;
        };
        let referred = frame.bindings.iter().any(|&b| !uses.of(b).is_empty());
        if !referred {
            out.push(
                Diagnostic::warning(
                    "check::useless_rec",
                    "this set does not need 'rec': no attribute refers to another",
                    span(rec_token),
                )
                .with_label("not needed")
                .with_help("remove 'rec'"),
            );
        }
    }
    out
}

/// The references to each binding, collected once (asking the index for each binding would
/// be quadratic in the size of the file).
struct Uses<'i> {
    by_binding: Vec<Vec<&'i Reference>>,
}

impl<'i> Uses<'i> {
    fn new(index: &'i Index) -> Uses<'i> {
        let mut by_binding = vec![Vec::new(); index.bindings.len()];
        for r in &index.references {
            if let Target::Binding(b) = r.target {
                by_binding[b].push(r);
            }
        }
        Uses { by_binding }
    }

    fn of(&self, b: BindingId) -> &[&'i Reference] {
        &self.by_binding[b]
    }
}

/// Used, or exempt from the question: `_`-prefixed names, the attributes of recursive sets
/// (they are the set's value) and the `body` of a legacy `let`.
fn is_used(index: &Index, uses: &Uses, id: BindingId, b: &Binding) -> bool {
    if b.name.starts_with('_') || b.kind == BindingKind::RecAttr {
        return true;
    }
    if b.kind == BindingKind::LegacyLet && b.name == "body" {
        return true;
    }
    // A binding that only refers to itself (`f = x: f x;`) is still unused.
    if uses
        .of(id)
        .iter()
        .any(|r| !b.def_range.contains_range(r.range))
    {
        return true;
    }
    if b.kind == BindingKind::Formal {
        // `args@{ x, ... }`: `args.x` uses `x`, and `args` passed on as a whole may use every
        // formal.
        if let FrameKind::Lambda { at: Some(at) } = index.frames[b.frame].kind {
            return uses
                .of(at)
                .iter()
                .any(|r| r.selects.as_deref().is_none_or(|s| s == b.name));
        }
    }
    false
}

fn unused(b: &Binding, span: Span) -> Diagnostic {
    let name = &b.name;
    match b.kind {
        BindingKind::Let | BindingKind::LegacyLet | BindingKind::RecAttr => Diagnostic::warning(
            "check::unused_binding",
            format!("unused let binding '{name}'"),
            span,
        )
        .with_label("never used")
        .with_help(format!(
            "remove it, or name it '_{name}' if it is meant to stay"
        )),
        BindingKind::Arg => Diagnostic::warning(
            "check::unused_argument",
            format!("unused function argument '{name}'"),
            span,
        )
        .with_label("never used")
        .with_help(format!(
            "name it '_' or '_{name}' to say that it is deliberately ignored"
        )),
        BindingKind::Formal => Diagnostic::warning(
            "check::unused_argument",
            format!("unused formal argument '{name}'"),
            span,
        )
        .with_label("never used")
        .with_help(
            "remove it from the pattern (with '...' the function still accepts it); \
             renaming it would change the argument callers must pass",
        ),
        BindingKind::AtPattern => Diagnostic::warning(
            "check::unused_argument",
            format!("unused argument set '{name}'"),
            span,
        )
        .with_label("never used")
        .with_help(format!("remove '{name}@'")),
    }
}

fn shadowed(b: &Binding, span: Span) -> Diagnostic {
    let name = &b.name;
    let mut d = Diagnostic::warning(
        "check::shadowed_builtin",
        format!("'{name}' shadows the builtin of the same name"),
        span,
    )
    .with_label(format!("hides the builtin '{name}' in this scope"));
    d = if name == "builtins" {
        d.with_help("rename it: code in its scope cannot reach the builtins set any more")
    } else {
        d.with_help(format!(
            "rename it, or write 'builtins.{}' where the builtin is meant",
            globals::builtin_name(name)
        ))
    };
    if let Some(op) = globals::desugaring_of(name) {
        d = d.with_note(format!("this also changes what {op} means in its scope"));
    }
    d
}
