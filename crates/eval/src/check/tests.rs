use std::path::Path;

use super::*;
use crate::diagnostic::Severity;
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

/// On every language fixture, the checker's errors are exactly lowering's (code and span).
#[test]
fn errors_agree_with_lowering_on_the_fixtures() {
    let m = crate::Machine::new(Box::new(crate::io::StdIO), Default::default());
    let globals = m.globals().clone();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../nix-fixtures");
    let mut files = Vec::new();
    for sub in ["lang", "check"] {
        if let Ok(entries) = std::fs::read_dir(dir.join(sub)) {
            for e in entries.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "nix") {
                    files.push(p);
                }
            }
        }
    }
    files.sort();
    assert!(files.len() > 100, "fixtures not found");
    let home = Path::new("/home/test");
    let mut mismatches = Vec::new();
    let mut with_errors = 0;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let file = add_source(Origin::File(path.clone()), text.as_str().into());
        let ours: Vec<(&str, u32, u32)> = analyse(file, &text)
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                let s = d.span.expect("checker findings have spans");
                (d.code, s.start, s.end)
            })
            .collect();
        let theirs: Vec<(&str, u32, u32)> = stacker::grow(64 << 20, || {
            let parsed = crate::syntax::parse(file, &text);
            let errors = if parsed.errors.is_empty() {
                let ctx = crate::lower::LowerContext {
                    file,
                    base_dir: path.parent().unwrap_or(Path::new("/")),
                    home: Some(home),
                    globals: &globals,
                    outer_frame: None,
                };
                crate::lower::lower_root(&ctx, &parsed.root)
                    .err()
                    .unwrap_or_default()
            } else {
                parsed.errors
            };
            let mut v: Vec<(&str, u32, u32)> = errors
                .iter()
                .map(|e| (e.code, e.span.start, e.span.end))
                .collect();
            v.sort_by_key(|&(c, s, e)| (s, e, c));
            v
        });
        with_errors += usize::from(!theirs.is_empty());
        let mut ours = ours;
        ours.sort_by_key(|&(c, s, e)| (s, e, c));
        if ours != theirs {
            mismatches.push(format!(
                "{}: checker {ours:?}, lowering {theirs:?}",
                path.display()
            ));
        }
    }
    assert!(with_errors >= 10, "only {with_errors} fixtures with errors");
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
