use std::path::Path;

use super::*;
use crate::source::{add_source, Origin};

fn findings(text: &str) -> Vec<String> {
    let file = add_source(Origin::Text("t.nix".into()), text.into());
    analyse(file, text)
        .diagnostics
        .iter()
        .map(|d| {
            let s = d.span.expect("a span");
            format!(
                "{} {} {:?} {}",
                d.code,
                d.severity.as_str(),
                &text[s.start as usize..s.end as usize],
                d.message
            )
        })
        .collect()
}

fn codes(text: &str) -> Vec<&'static str> {
    let file = add_source(Origin::Text("t.nix".into()), text.into());
    analyse(file, text)
        .diagnostics
        .iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn clean_file_has_no_findings() {
    assert_eq!(
        findings("{ pkgs, ... }: let x = 1; in rec { a = x; b = a; c = pkgs; }"),
        Vec::<String>::new()
    );
}

#[test]
fn undefined_variables_respect_with() {
    assert_eq!(codes("x"), ["syntax::undefined_variable"]);
    assert_eq!(codes("with {}; x"), Vec::<&str>::new());
    assert_eq!(codes("(with {}; 1) + x"), ["syntax::undefined_variable"]);
}

#[test]
fn unused_bindings_and_arguments() {
    assert_eq!(
        findings("let a = 1; _b = 2; f = x: f x; in 0"),
        [
            "check::unused_binding warning \"a\" unused let binding 'a'",
            "check::unused_binding warning \"f\" unused let binding 'f'",
        ]
    );
    assert_eq!(codes("x: 1"), ["check::unused_argument"]);
    assert_eq!(codes("_x: _: 1"), Vec::<&str>::new());
    assert_eq!(codes("{ a, b }: a"), ["check::unused_argument"]);
}

#[test]
fn formals_used_through_the_at_pattern() {
    // Selected through `args`: used.
    assert_eq!(codes("args@{ a, ... }: args.a"), Vec::<&str>::new());
    // `args` passed on whole: every formal may be used.
    assert_eq!(codes("f: args@{ a, b }: f args"), Vec::<&str>::new());
    // Only other names selected: `b` is unused.
    assert_eq!(
        findings("args@{ a, b, ... }: args.a + args.c"),
        ["check::unused_argument warning \"b\" unused formal argument 'b'"]
    );
}

#[test]
fn useless_rec() {
    assert_eq!(
        findings("rec { a = 1; b = 2; }"),
        ["check::useless_rec warning \"rec\" this set does not need 'rec': no attribute refers to another"]
    );
    assert_eq!(codes("rec { a = 1; b = a; }"), Vec::<&str>::new());
    assert_eq!(codes("rec { f = x: f x; }"), Vec::<&str>::new());
}

#[test]
fn shadowed_builtins() {
    assert_eq!(codes("let map = 1; in map"), ["check::shadowed_builtin"]);
    assert_eq!(codes("toString: toString"), ["check::shadowed_builtin"]);
    // Attributes of recursive sets are the set's interface: not reported.
    assert_eq!(codes("rec { map = 1; x = map; }"), Vec::<&str>::new());
}

#[test]
fn deprecated_syntax() {
    assert_eq!(codes("let { x = 1; body = x; }"), ["check::deprecated_let"]);
    assert_eq!(
        codes("http://example.org"),
        ["check::deprecated_url_literal"]
    );
    assert_eq!(
        codes("rec { __overrides = {}; a = 1; b = a; }"),
        ["check::deprecated_overrides"]
    );
}

#[test]
fn duplicates_merge_as_evaluation_does() {
    assert_eq!(codes("{ a.b = 1; a.c = 2; }"), Vec::<&str>::new());
    assert_eq!(codes("{ a = { b = 1; }; a.c = 2; }"), Vec::<&str>::new());
    assert_eq!(codes("{ a = 1; a = 2; }"), ["syntax::duplicate_attribute"]);
    assert_eq!(
        codes("{ a = 1; inherit a; }"),
        ["syntax::duplicate_attribute"]
    );
}

#[test]
fn syntax_errors_only_when_the_file_does_not_parse() {
    let found = findings("let x = ; in y");
    assert!(!found.is_empty());
    assert!(found.iter().all(|f| f.starts_with("syntax::")), "{found:?}");
    assert!(found.iter().all(|f| !f.contains("undefined")), "{found:?}");
}

#[test]
fn scope_index_resolves_names() {
    let text = "let a = 1; in { b = a; c = builtins.map; }";
    let file = add_source(Origin::Text("t.nix".into()), text.into());
    let analysis = analyse(file, text);
    let index = &analysis.index;
    assert_eq!(index.bindings.len(), 1);
    assert_eq!(index.references_to(0).count(), 1);
    assert_eq!(index.builtin_selects.len(), 1);
    assert_eq!(index.builtin_selects[0].1, "map");
}

#[test]
fn deeply_nested_input_does_not_overflow() {
    let text = format!("{}1{}", "[".repeat(20000), "]".repeat(20000));
    let file = add_source(Origin::Text("t.nix".into()), text.clone().into());
    let _ = analyse(file, &text);
}

/// The checker's global names are evaluation's.
#[test]
fn globals_agree_with_the_evaluator() {
    let m = crate::Machine::new(Box::new(crate::io::StdIO), Default::default());
    let evaluator: std::collections::HashSet<String> =
        m.globals().keys().map(|s| s.to_string()).collect();
    let ours = globals::names();
    let mut missing: Vec<&String> = evaluator.difference(ours).collect();
    let mut extra: Vec<&String> = ours.difference(&evaluator).collect();
    missing.sort();
    extra.sort();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}, extra {extra:?}"
    );
}

/// The fixtures every resolution test runs over: the language, builtins and checker cases and
/// the bundled Nix code.
pub(crate) fn fixture_files() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    let mut dirs = vec![
        root.join("nix-fixtures/lang"),
        root.join("nix-fixtures/builtins"),
        root.join("nix-fixtures/check"),
        root.join("nix-fixtures/modules"),
        root.join("bundle"),
    ];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "nix") {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() > 500, "fixtures not found");
    files
}

/// What a reference resolves to, comparable across trees: the binding's frame and slot, or a
/// `with` lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Resolved {
    Slot { frame: usize, slot: usize },
    With,
}

/// The index's view: every reference to a binding or a `with`, by its range.
fn index_view(index: &Index) -> Vec<((u32, u32), String, Resolved)> {
    let mut out: Vec<_> = index
        .references
        .iter()
        .filter_map(|r| {
            let resolved = match r.target {
                Target::Binding(b) => {
                    let frame = index.bindings[b].frame;
                    let slot = index.frames[frame]
                        .bindings
                        .iter()
                        .position(|&x| x == b)
                        .expect("a binding is in its frame");
                    Resolved::Slot { frame, slot }
                }
                Target::With => Resolved::With,
                Target::Global | Target::Undefined => return None,
            };
            Some((
                (r.range.start().into(), r.range.end().into()),
                r.name.clone(),
                resolved,
            ))
        })
        .collect();
    out.sort_by_key(|a| a.0);
    out
}

/// Evaluation's view: walks lowered code with the frames the machine builds (a frame per
/// lambda call, `let` and recursive set, a one-slot frame per `with`), numbering frames in the
/// order lowering creates them, and reads off which frame and slot each variable reads.
struct IrWalk {
    /// Open frames: their number and slot names (a `with` has none).
    stack: Vec<Option<(usize, Vec<crate::symbol::Symbol>)>>,
    frames: usize,
    found: Vec<((u32, u32), String, Resolved)>,
}

impl IrWalk {
    fn push(&mut self, names: Vec<crate::symbol::Symbol>) {
        self.stack.push(Some((self.frames, names)));
        self.frames += 1;
    }

    fn expr(&mut self, e: crate::ir::ExprRef) {
        use crate::ir::*;
        match e {
            Expr::Var(v) => {
                let frame = &self.stack[self.stack.len() - 1 - v.depth as usize];
                let (frame, names) = frame.as_ref().expect("a variable never reads a with frame");
                self.found.push((
                    (v.span.start, v.span.end),
                    names[v.index as usize].to_string(),
                    Resolved::Slot {
                        frame: *frame,
                        slot: v.index as usize,
                    },
                ));
            }
            Expr::WithVar(w) => {
                for &d in w.with_depths {
                    assert!(self.stack[self.stack.len() - 1 - d as usize].is_none());
                }
                self.found.push((
                    (w.span.start, w.span.end),
                    w.name.to_string(),
                    Resolved::With,
                ));
            }
            Expr::Const(_) | Expr::Resolved(_) | Expr::CurPos(_) => {}
            Expr::Lambda(l) => {
                let names = match &l.param {
                    Param::Ident(x) => vec![*x],
                    Param::Formals(f) => f.entries.iter().map(|e| e.name).chain(f.at).collect(),
                };
                self.push(names);
                if let Param::Formals(f) = &l.param {
                    for d in f.entries.iter().filter_map(|e| e.default) {
                        self.expr(d);
                    }
                }
                self.expr(l.body);
                self.stack.pop();
            }
            Expr::Call(c) => {
                self.expr(c.function);
                c.args.iter().for_each(|a| self.expr(a));
            }
            Expr::Attrs(a) => self.bindings(&a.bindings, a.recursive, None),
            Expr::Let(l) => self.bindings(&l.bindings, true, Some(l.body)),
            Expr::List(items) => items.iter().for_each(|i| self.expr(i)),
            Expr::Select(s) => {
                self.expr(s.expr);
                self.keys(s.path);
                if let Some(d) = s.default {
                    self.expr(d);
                }
            }
            Expr::HasAttr(h) => {
                self.expr(h.expr);
                self.keys(h.path);
            }
            Expr::With(w) => {
                self.expr(w.namespace);
                self.stack.push(None);
                self.expr(w.body);
                self.stack.pop();
            }
            Expr::If(i) => [i.cond, i.then, i.otherwise]
                .iter()
                .for_each(|e| self.expr(e)),
            Expr::Assert(a) => [a.cond, a.body].iter().for_each(|e| self.expr(e)),
            Expr::Not(e, _) => self.expr(e),
            Expr::Binary(b) => [b.lhs, b.rhs].iter().for_each(|e| self.expr(e)),
            Expr::Concat(c) => c.parts.iter().for_each(|(e, _)| self.expr(e)),
        }
    }

    fn keys(&mut self, keys: &[crate::ir::AttrKey]) {
        for k in keys {
            if let crate::ir::AttrKey::Dynamic(e) = k {
                self.expr(e);
            }
        }
    }

    fn bindings(
        &mut self,
        b: &crate::ir::Bindings,
        recursive: bool,
        body: Option<crate::ir::ExprRef>,
    ) {
        use crate::ir::BindingValue;
        if recursive {
            self.push(b.statics.iter().map(|s| s.name).collect());
        }
        b.inherit_sources.iter().for_each(|e| self.expr(e));
        for s in b.statics.iter() {
            match &s.value {
                BindingValue::Expr(e) | BindingValue::Inherit(e) => self.expr(e),
                BindingValue::InheritFrom { .. } => {}
            }
        }
        for d in b.dynamics.iter() {
            self.expr(d.name);
            self.expr(d.value);
        }
        if let Some(body) = body {
            self.expr(body);
        }
        if recursive {
            self.stack.pop();
        }
    }
}

/// On every fixture, every reference resolves to the same binding (the same frame and slot)
/// in the index the checker and the editor read, in the index of rnix's tree of the same file,
/// and in the code evaluation runs.
#[test]
fn references_resolve_alike_for_the_checker_the_editor_and_evaluation() {
    let m = crate::Machine::new(Box::new(crate::io::StdIO), Default::default());
    let globals = m.globals().clone();
    let mut mismatches = Vec::new();
    let mut references = 0;
    for path in fixture_files() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(ast) = crate::parse::parse_fast(&text) else {
            continue;
        };
        let file = add_source(Origin::File(path.clone()), text.as_str().into());
        let checker = index_view(&analyse(file, &text).index);
        references += checker.len();
        let from_rnix = crate::syntax::with_parsed(file, &text, |parsed| {
            let converted = super::rowan::convert(&parsed.root);
            let ctx = crate::lower::LowerContext {
                file,
                base_dir: Path::new("/"),
                home: Some(Path::new("/")),
                globals: &globals,
                outer_frame: None,
            };
            index_view(&crate::lower::analyse(&ctx, &text, &converted).0)
        });
        if from_rnix != checker {
            mismatches.push(format!(
                "{}: rnix's tree resolves {from_rnix:?}, ours {checker:?}",
                path.display()
            ));
        }
        let code = crate::lower::code::Code::new();
        let ctx = crate::lower::LowerContext {
            file,
            base_dir: path.parent().unwrap_or(Path::new("/")),
            home: Some(Path::new("/home/test")),
            globals: &globals,
            outer_frame: None,
        };
        let Ok(expr) = crate::lower::lower(&ctx, &text, &ast, &code) else {
            continue;
        };
        let mut walk = IrWalk {
            stack: Vec::new(),
            frames: 0,
            found: Vec::new(),
        };
        walk.expr(expr);
        walk.found.sort_by_key(|a| a.0);
        if walk.found != checker {
            mismatches.push(format!(
                "{}: evaluation reads {:?}, the index says {checker:?}",
                path.display(),
                walk.found
            ));
        }
    }
    assert!(references > 5000, "only {references} references");
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
