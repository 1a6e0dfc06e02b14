//! The builtins golden suite: the cases under `nix-fixtures/builtins` (blessed from Nix 2.8 with
//! `scripts/bless-lang.sh --dir nix-fixtures/builtins`) and under `nix-fixtures/builtins/manual`
//! (builtins Nix 2.8 lacks; their expectations follow the Nix manual, cited in each case) and
//! under `nix-fixtures/builtins/ntop` (ntop's own, following its documentation), run
//! by the shared runner in `golden/mod.rs`. Also checks that every builtin has a case.

mod golden;

use std::path::Path;

#[test]
fn golden_builtins() {
    golden::run_fixture_dir(&golden::fixture_dir("builtins"), "golden_builtins");
}

#[test]
fn golden_builtins_manual() {
    golden::run_fixture_dir(
        &golden::fixture_dir("builtins/manual"),
        "golden_builtins_manual",
    );
}

#[test]
fn golden_builtins_ntop() {
    golden::run_fixture_dir(
        &golden::fixture_dir("builtins/ntop"),
        "golden_builtins_ntop",
    );
}

/// Builtins Nix also binds without `builtins.`, so a case may use them bare.
const BARE: &[&str] = &[
    "abort",
    "baseNameOf",
    "derivation",
    "dirOf",
    "fromTOML",
    "import",
    "isNull",
    "map",
    "placeholder",
    "removeAttrs",
    "scopedImport",
    "throw",
    "toString",
];

#[test]
fn every_builtin_has_a_golden_case() {
    let mut text = String::new();
    for area in ["lang", "builtins", "derivations"] {
        collect_cases(&golden::fixture_dir(area), &mut text);
    }
    let missing: Vec<&str> = ntop_eval::builtins::all_names()
        .into_iter()
        .filter(|name| !mentioned(&text, name))
        .collect();
    assert!(
        missing.is_empty(),
        "builtins without a golden case under nix-fixtures/{{lang,builtins,derivations}}: {}",
        missing.join(" ")
    );
}

/// Appends the text of every `.nix` and `.flags` file under `dir`.
fn collect_cases(dir: &Path, out: &mut String) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_cases(&path, out);
        } else if path.extension().is_some_and(|e| e == "nix" || e == "flags") {
            if let Ok(t) = std::fs::read_to_string(&path) {
                out.push_str(&t);
                out.push('\n');
            }
        }
    }
}

/// Whether `name` is used as a builtin: `builtins.name`, `__name`, `inherit (builtins) … name`
/// or, for the names bound globally, on its own.
fn mentioned(text: &str, name: &str) -> bool {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '\'' || c == '-';
    text.match_indices(name).any(|(i, _)| {
        let before = &text[..i];
        let after = text[i + name.len()..].chars().next();
        if after.is_some_and(is_ident) {
            return false;
        }
        if before.ends_with("builtins.") {
            return true;
        }
        if let Some(b) = before.strip_suffix("__") {
            return !b.ends_with(is_ident);
        }
        let bare = !before.ends_with(is_ident) && !before.ends_with('.');
        bare && (BARE.contains(&name) || inherited_from_builtins(before))
    })
}

/// Whether the text just before a name is inside `inherit (builtins) …;`.
fn inherited_from_builtins(before: &str) -> bool {
    match before.rfind("inherit (builtins)") {
        Some(i) => !before[i..].contains(';'),
        None => false,
    }
}
