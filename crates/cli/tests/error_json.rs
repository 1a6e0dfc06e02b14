//! The typed evaluation errors through the binary: `--error-format json` carries each one's
//! stable code, and the message is Nix 2.8's. Every expected message below is what
//! `nix-instantiate --eval --strict -E EXPR` (Nix 2.8) prints after `error: ` (for `-A`, with
//! `-A PATH`); the two marked otherwise are ntop's own wording, where only the code is checked.

use std::process::Command;

/// `ntop instantiate --eval --strict --error-format json ARGS`: the first diagnostic's code
/// and message.
fn first_diagnostic(args: &[&str]) -> (String, String) {
    let home = std::env::temp_dir().join(format!("ntop-error-json-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_ntop"))
        .args([
            "instantiate",
            "--eval",
            "--strict",
            "--error-format",
            "json",
        ])
        .args(args)
        .arg("--store")
        .arg(home.join("store"))
        .env("HOME", &home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env_remove("NIX_REMOTE")
        .env_remove("NIX_PATH")
        .output()
        .expect("ntop runs");
    assert_eq!(out.status.code(), Some(1), "{args:?} must fail");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("{args:?}: no JSON diagnostic in {stderr}"));
    let v: serde_json::Value =
        serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"));
    (
        v["code"].as_str().unwrap_or("").to_owned(),
        v["message"].as_str().unwrap_or("").to_owned(),
    )
}

#[test]
fn typed_errors_carry_their_codes_and_nix_messages() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        (
            r#"builtins.appendContext "" { a = {}; }"#,
            "eval::bad_context",
            Some("Context key 'a' is not a store path"),
        ),
        (
            "1 + {}",
            "eval::type_mismatch",
            Some("cannot add a set to an integer"),
        ),
        (
            "1.0 + {}",
            "eval::type_mismatch",
            Some("cannot add a set to a float"),
        ),
        (
            "builtins.genericClosure { startSet = [ {} ]; operator = x: []; }",
            "eval::missing_attribute",
            Some("attribute 'key' required"),
        ),
        (
            "derivationStrict {}",
            "eval::missing_attribute",
            Some("attribute 'name' missing for call to 'derivationStrict'"),
        ),
        // Nix 2.8: "attribute 'name' missing for call to 'listToAttrs'".
        ("builtins.listToAttrs [ {} ]", "eval::missing_attribute", None),
        (
            "builtins.path { }",
            "eval::missing_argument",
            Some("'path' required"),
        ),
        (
            "builtins.fetchurl { }",
            "eval::missing_argument",
            Some("'url' argument required"),
        ),
        (
            "builtins.path { x = 1; }",
            "eval::unsupported_argument",
            Some("unsupported argument 'x' to 'addPath'"),
        ),
        (
            "builtins.toJSON (x: x)",
            "eval::not_json",
            Some("cannot convert a function to JSON"),
        ),
        (
            r#""${{}}""#,
            "eval::cannot_coerce",
            Some("cannot coerce a set to a string"),
        ),
        (
            r#"builtins.storePath "a""#,
            "eval::not_a_path",
            Some("string 'a' doesn't represent an absolute path"),
        ),
        // Nix 2.8: "list index 0 is out of bounds".
        ("builtins.head []", "eval::empty_list", None),
        (
            "builtins.fetchTree {}",
            "eval::experimental_feature",
            Some("experimental Nix feature 'flakes' is disabled; use '--extra-experimental-features flakes' to override"),
        ),
    ];
    let mut report = String::new();
    for (expr, code, message) in cases {
        let (got_code, got_message) = first_diagnostic(&["-E", expr]);
        if got_code != *code || message.is_some_and(|m| m != got_message) {
            report.push_str(&format!(
                "{expr}: got {got_code} {got_message:?}, expected {code} {message:?}\n"
            ));
        }
    }
    let selections: &[(&str, &str, &str)] = &[
        (
            "{ a = []; }",
            "a.b",
            "the expression selected by the selection path 'a.b' should be a set but is a list",
        ),
        (
            "{ a = {}; }",
            "a.b",
            "attribute 'b' in selection path 'a.b' not found",
        ),
        (
            "{ a = []; }",
            "a.0",
            "list index 0 in selection path 'a.0' is out of range",
        ),
    ];
    for (expr, path, message) in selections {
        let (got_code, got_message) = first_diagnostic(&["-E", expr, "-A", path]);
        if got_code != "cli::attr_path" || got_message != *message {
            report.push_str(&format!(
                "{expr} -A {path}: got {got_code} {got_message:?}, expected cli::attr_path {message:?}\n"
            ));
        }
    }
    assert!(report.is_empty(), "{report}");
}
