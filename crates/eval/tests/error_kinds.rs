//! Evaluation errors are data: every [`ErrorKind`] has a stable code documented in
//! `docs/diagnostics.md` and renders the message it always had (Nix 2.8's, where Nix has
//! one), and the untyped `ErrorKind::Other` stays for one-off errors only — its construction
//! sites are counted against a ceiling and each of their codes is listed in the document's
//! section of one-off codes.

use std::path::{Path, PathBuf};

use ntop_eval::error::{ArgumentWording, AttrPathProblem, ContextProblem, ErrorKind, JsonProblem};

/// One value of every variant, with the message it renders. The `match` in [`variant_name`]
/// is exhaustive, so a new variant does not compile until it is added here too.
fn samples() -> Vec<(ErrorKind, &'static str)> {
    use ErrorKind as K;
    vec![
        (K::Throw("no".into()), "no"),
        (
            K::Abort("no".into()),
            "evaluation aborted with the following error message: 'no'",
        ),
        (K::AssertionFailed("x".into()), "assertion 'x' failed"),
        (K::InfiniteRecursion, "infinite recursion encountered"),
        (
            K::TypeMismatch {
                expected: "a string",
                found: "an integer",
                value: "1".into(),
            },
            "value is an integer while a string was expected: 1",
        ),
        (
            K::MissingAttribute {
                name: "b".into(),
                suggestions: vec!["a".into(), "c".into()],
            },
            "attribute 'b' missing; did you mean 'a' or 'c'?",
        ),
        (K::UndefinedVariable("x".into()), "undefined variable 'x'"),
        (
            K::NotCallable { found: "an integer" },
            "attempt to call something which is not a function but an integer",
        ),
        (
            K::MissingArgument {
                function: "anonymous function".into(),
                name: "a".into(),
            },
            "anonymous function called without required argument 'a'",
        ),
        (
            K::UnexpectedArgument {
                function: "anonymous function".into(),
                name: "b".into(),
            },
            "anonymous function called with unexpected argument 'b'",
        ),
        // nix-instantiate 2.8: `({ a ? 1 }: a) { "b c" = 1; }` names the argument '"b c"'
        // (nix-fixtures/lang/eval-fail-unexpected-argument-quoted.exp).
        (
            K::UnexpectedArgument {
                function: "anonymous function".into(),
                name: "b c".into(),
            },
            "anonymous function called with unexpected argument '\"b c\"'",
        ),
        (K::DivisionByZero, "division by zero"),
        (K::IntegerOverflow, "integer overflow"),
        (
            K::StackOverflow,
            "stack overflow: evaluation nested too deeply (possible infinite recursion)",
        ),
        (K::Io("cannot read".into()), "cannot read"),
        (K::Unsupported("not here".into()), "not here"),
        (
            K::NotInSearchPath("nope".into()),
            "file 'nope' was not found in the Nix search path (add it using $NIX_PATH or -I)",
        ),
        (K::Syntax(Vec::new()), "syntax error"),
        (
            K::CannotAdd {
                found: "a set",
                to: "an integer",
            },
            "cannot add a set to an integer",
        ),
        (
            K::RequiredAttribute {
                name: "key".into(),
                function: None,
            },
            "attribute 'key' required",
        ),
        (
            K::RequiredAttribute {
                name: "name".into(),
                function: Some("derivationStrict"),
            },
            "attribute 'name' missing for call to 'derivationStrict'",
        ),
        (
            K::RequiredArgument {
                function: "addPath".into(),
                name: "path",
                wording: ArgumentWording::Required,
            },
            "'path' required",
        ),
        (
            K::RequiredArgument {
                function: "fetchurl".into(),
                name: "url",
                wording: ArgumentWording::ArgumentRequired,
            },
            "'url' argument required",
        ),
        (
            K::RequiredArgument {
                function: "fetchTree".into(),
                name: "type",
                wording: ArgumentWording::MissingInCall,
            },
            "attribute 'type' is missing in call to 'fetchTree'",
        ),
        (
            K::UnsupportedArgument {
                function: "addPath".into(),
                name: "x".into(),
            },
            "unsupported argument 'x' to 'addPath'",
        ),
        (
            K::BadContext(ContextProblem::KeyNotStorePath { key: "a".into() }),
            "Context key 'a' is not a store path",
        ),
        (
            K::BadContext(ContextProblem::AllOutputsOfNonDerivation {
                path: "/nix/store/x-a".into(),
            }),
            "Tried to add all-outputs context of /nix/store/x-a, which is not a derivation, to a string",
        ),
        (
            K::BadContext(ContextProblem::OutputsOfNonDerivation {
                path: "/nix/store/x-a".into(),
            }),
            "Tried to add derivation output context of /nix/store/x-a, which is not a derivation, to a string",
        ),
        (
            K::BadContext(ContextProblem::NotOneElement {
                string: "s".into(),
                count: 2,
            }),
            "context of string 's' must have exactly one element, but has 2",
        ),
        (
            K::BadContext(ContextProblem::OutputNotDerivation {
                output: "out".into(),
                drv: "/nix/store/x-a.drv".into(),
            }),
            "`addDrvOutputDependencies` can only act on derivations, not on a derivation output such as 'out' of '/nix/store/x-a.drv'",
        ),
        (
            K::BadContext(ContextProblem::NotADerivation {
                path: "/nix/store/x-a".into(),
            }),
            "path '/nix/store/x-a' is not a derivation",
        ),
        (
            K::AttrPath {
                path: "a.0".into(),
                problem: AttrPathProblem::NotAList { found: "a set" },
            },
            "the expression selected by the selection path 'a.0' should be a list but is a set",
        ),
        (
            K::AttrPath {
                path: "a.3".into(),
                problem: AttrPathProblem::IndexOutOfRange { index: 3 },
            },
            "list index 3 in selection path 'a.3' is out of range",
        ),
        (
            K::AttrPath {
                path: "a.b".into(),
                problem: AttrPathProblem::NotASet { found: "a list" },
            },
            "the expression selected by the selection path 'a.b' should be a set but is a list",
        ),
        (
            K::AttrPath {
                path: "a.b".into(),
                problem: AttrPathProblem::NoSuchAttribute { name: "b".into() },
            },
            "attribute 'b' in selection path 'a.b' not found",
        ),
        (
            K::NotJson { found: "a thunk" },
            "cannot convert a thunk to JSON",
        ),
        // Nix 2.26's words (NixOS/nix tests/functional/lang/eval-fail-fromJSON-*WithNullByte).
        (
            K::NulInString {
                shown: "a\u{2400}b".into(),
            },
            "input string 'a\u{2400}b' cannot be represented as Nix string because it contains null bytes",
        ),
        // Nix 2.25 (eval-fail-fromJSON-overflowing) and 2.26 (eval-fail-toJSON-non-utf-8).
        (
            K::Json(JsonProblem::IntegerOutOfRange {
                value: 18446744073709551615,
            }),
            "unsigned json number 18446744073709551615 outside of Nix integer range",
        ),
        (
            K::Json(JsonProblem::InvalidUtf8 {
                index: 16,
                byte: 0xff,
            }),
            "JSON serialization error: [json.exception.type_error.316] invalid UTF-8 byte at index 16: 0xFF",
        ),
        (
            K::BadFlakeRef("input 'foo:bar' is unsupported".into()),
            "input 'foo:bar' is unsupported",
        ),
        (
            K::Json(JsonProblem::IncompleteUtf8 { last: 0xc3 }),
            "JSON serialization error: [json.exception.type_error.316] incomplete UTF-8 string; last byte: 0xC3",
        ),
        (
            K::CannotCoerce { found: "a set" },
            "cannot coerce a set to a string",
        ),
        (
            K::NotAPath("a".into()),
            "string 'a' doesn't represent an absolute path",
        ),
        (
            K::EmptyList { function: "tail" },
            "'tail' called on an empty list",
        ),
        (
            K::ExperimentalFeature {
                feature: "flakes".into(),
            },
            "experimental Nix feature 'flakes' is disabled; use '--extra-experimental-features flakes' to override",
        ),
        (
            K::HashMismatch {
                url: "file:///a".into(),
                expected: "sha256:0".into(),
                got: "sha256:1".into(),
            },
            "hash mismatch in file downloaded from 'file:///a':\n  specified: sha256:0\n  got:       sha256:1",
        ),
        (
            K::InvalidDerivation("derivation name missing".into()),
            "derivation name missing",
        ),
        (K::Store("refused".into()), "refused"),
        (
            K::Other {
                code: "eval::step_limit",
                message: "evaluation step limit exceeded".into(),
            },
            "evaluation step limit exceeded",
        ),
    ]
}

/// The variant's name; exhaustive, so that [`samples`] cannot silently miss one.
fn variant_name(kind: &ErrorKind) -> &'static str {
    use ErrorKind as K;
    match kind {
        K::Throw(_) => "Throw",
        K::Abort(_) => "Abort",
        K::AssertionFailed(_) => "AssertionFailed",
        K::InfiniteRecursion => "InfiniteRecursion",
        K::TypeMismatch { .. } => "TypeMismatch",
        K::MissingAttribute { .. } => "MissingAttribute",
        K::UndefinedVariable(_) => "UndefinedVariable",
        K::NotCallable { .. } => "NotCallable",
        K::MissingArgument { .. } => "MissingArgument",
        K::UnexpectedArgument { .. } => "UnexpectedArgument",
        K::DivisionByZero => "DivisionByZero",
        K::IntegerOverflow => "IntegerOverflow",
        K::StackOverflow => "StackOverflow",
        K::Io(_) => "Io",
        K::Unsupported(_) => "Unsupported",
        K::NotInSearchPath(_) => "NotInSearchPath",
        K::Syntax(_) => "Syntax",
        K::CannotAdd { .. } => "CannotAdd",
        K::RequiredAttribute { .. } => "RequiredAttribute",
        K::RequiredArgument { .. } => "RequiredArgument",
        K::UnsupportedArgument { .. } => "UnsupportedArgument",
        K::BadContext(_) => "BadContext",
        K::AttrPath { .. } => "AttrPath",
        K::NotJson { .. } => "NotJson",
        K::CannotCoerce { .. } => "CannotCoerce",
        K::NotAPath(_) => "NotAPath",
        K::EmptyList { .. } => "EmptyList",
        K::ExperimentalFeature { .. } => "ExperimentalFeature",
        K::HashMismatch { .. } => "HashMismatch",
        K::InvalidDerivation(_) => "InvalidDerivation",
        K::Store(_) => "Store",
        K::NulInString { .. } => "NulInString",
        K::Json(_) => "Json",
        K::BadFlakeRef(_) => "BadFlakeRef",
        K::Other { .. } => "Other",
    }
}

/// How many variants [`variant_name`] knows (kept in step with it by the test below).
const VARIANTS: usize = 35;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn diagnostics_doc() -> String {
    std::fs::read_to_string(repo().join("docs/diagnostics.md")).expect("docs/diagnostics.md")
}

/// The backticked words of a text.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

#[test]
fn every_error_kind_has_a_documented_code_and_its_message() {
    let doc = diagnostics_doc();
    let documented = backticked(&doc);
    let samples = samples();
    let mut seen: Vec<&str> = samples.iter().map(|(k, _)| variant_name(k)).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(
        seen.len(),
        VARIANTS,
        "samples() must hold every ErrorKind variant: {seen:?}"
    );
    let mut report = String::new();
    for (kind, message) in &samples {
        let code = kind.code();
        if !documented.contains(&code) {
            report.push_str(&format!(
                "{}: code `{code}` is not in docs/diagnostics.md\n",
                variant_name(kind)
            ));
        }
        if kind.to_string() != *message {
            report.push_str(&format!(
                "{}: renders {:?}, not {message:?}\n",
                variant_name(kind),
                kind.to_string()
            ));
        }
    }
    assert!(report.is_empty(), "{report}");
}

/// Each `EvalError::other(CODE, …)` (and `ErrorKind::Other { code: CODE, … }`) construction
/// outside `error.rs`, with its file, line and code.
fn other_sites() -> Vec<(String, usize, String)> {
    let mut sites = Vec::new();
    for krate in ["eval", "driver", "cli"] {
        let src = repo().join("crates").join(krate).join("src");
        let mut todo = vec![src];
        while let Some(dir) = todo.pop() {
            for entry in std::fs::read_dir(&dir)
                .expect("a source directory")
                .flatten()
            {
                let path = entry.path();
                if path.is_dir() {
                    todo.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs")
                    || path.ends_with("crates/eval/src/error.rs")
                {
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("a source file");
                for marker in ["EvalError::other(", "ErrorKind::Other {"] {
                    for (at, _) in text.match_indices(marker) {
                        let line = text[..at].matches('\n').count() + 1;
                        // The code is the first string literal after the marker.
                        let rest = &text[at + marker.len()..];
                        let code = rest
                            .split('"')
                            .nth(1)
                            .filter(|c| c.contains("::"))
                            .unwrap_or("(not a literal)")
                            .to_owned();
                        let file = path
                            .strip_prefix(repo())
                            .unwrap_or(&path)
                            .display()
                            .to_string();
                        sites.push((file, line, code));
                    }
                }
            }
        }
    }
    sites.sort();
    sites
}

/// Recurring errors get a typed kind: the untyped sites may only become fewer. Lower the
/// ceiling when you type one; raising it needs a reason (a genuinely one-off error).
const OTHER_CEILING: usize = 37;

#[test]
fn untyped_errors_stay_below_the_ceiling_and_are_listed() {
    let sites = other_sites();
    let listing: String = sites
        .iter()
        .map(|(file, line, code)| format!("  {file}:{line}: {code}\n"))
        .collect();
    assert!(
        sites.len() <= OTHER_CEILING,
        "{} `ErrorKind::Other` construction sites, more than the ceiling of {OTHER_CEILING}: \
         give a recurring error a typed ErrorKind instead\n{listing}",
        sites.len()
    );
    // Each code is used once (a code used twice is recurring, hence a typed kind) and is
    // listed in the document's one-off section.
    let doc = diagnostics_doc();
    let section = doc
        .split("### Codes that remain `Other`")
        .nth(1)
        .expect("docs/diagnostics.md has a section `### Codes that remain `Other``");
    let section = section.split("\n## ").next().unwrap_or(section);
    let listed = backticked(section);
    let mut report = String::new();
    for (i, (file, line, code)) in sites.iter().enumerate() {
        if sites[..i].iter().any(|(_, _, c)| c == code) {
            report.push_str(&format!(
                "{file}:{line}: `{code}` is used by more than one untyped site: give it a kind\n"
            ));
        }
        if !listed.contains(&code.as_str()) {
            report.push_str(&format!(
                "{file}:{line}: `{code}` is not listed under \"Codes that remain `Other`\"\n"
            ));
        }
    }
    assert!(report.is_empty(), "{report}");
}
