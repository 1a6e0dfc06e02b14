//! Input nested a million deep, in every construct, is evaluated or refused with a clean
//! syntax error (issue 16): never a crash, a stack overflow or minutes of work. Nix 2.8 refuses
//! right-nested input from about 5,000 levels ("memory exhausted", after 15 s at a million)
//! and overflows its stack on a million-long `&&` chain; ntop parses up to 200,000 levels of
//! nesting (`MAX_NESTING`, a deliberate difference documented in docs/diagnostics.md) and
//! folds left-associative chains in a loop, so those evaluate at any length. At a depth Nix
//! parses, every construct gives what Nix 2.8 gives (checked when nix-instantiate is here).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const MAX_NESTING: usize = 200_000;

/// The constructs of scripts/deep-nesting.py, `n` deep.
fn constructs(n: usize) -> Vec<(&'static str, String)> {
    let join = |sep: &str, item: &str| vec![item; n].join(sep);
    vec![
        ("list", format!("{}1{}", "[".repeat(n), "]".repeat(n))),
        ("parens", format!("{}1{}", "(".repeat(n), ")".repeat(n))),
        ("attrs", format!("{}1{}", "{a=".repeat(n), ";}".repeat(n))),
        (
            "rec-attrs",
            format!("{}1{}", "rec {a=".repeat(n), ";}".repeat(n)),
        ),
        ("attrpath", format!("{{{}=1;}}", join(".", "a"))),
        ("select", format!("{{}}.{} or 1", join(".", "a"))),
        ("has-attr", format!("{{}} ? {}", join(".", "a"))),
        (
            "let",
            format!("{}1{}", "let a=".repeat(n), ";in a".repeat(n)),
        ),
        ("with", format!("{}1", "with {};".repeat(n))),
        ("assert", format!("{}1", "assert true;".repeat(n))),
        (
            "if",
            format!("{}1{}", "if true then ".repeat(n), " else 0".repeat(n)),
        ),
        ("lambda", format!("{}1", "x: ".repeat(n))),
        ("lambda-set", format!("{}1", "{x}: ".repeat(n))),
        (
            "apply-right",
            format!("{}1{}", "(x: x) (".repeat(n), ")".repeat(n)),
        ),
        ("apply-left", format!("(x: x){} 1", " (x: x)".repeat(n))),
        ("neg", format!("{}1", "-".repeat(n))),
        ("not", format!("{}true", "!".repeat(n))),
        ("plus", join("+", "1")),
        ("minus", join("-", "1")),
        ("mul", join("*", "1")),
        ("strcat", join("+", "\"a\"")),
        ("concat", join("++", "[1]")),
        ("update", join("//", "{}")),
        ("and", join("&&", "true")),
        ("or", join("||", "false")),
        ("implies", join(" -> ", "true")),
        (
            "interp",
            format!("{}\"a\"{}", "\"${".repeat(n), "}\"".repeat(n)),
        ),
        (
            "indented-interp",
            format!("{}''a''{}", "''${".repeat(n), "}''".repeat(n)),
        ),
    ]
}

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ntop-deep-nesting-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn run(program: &str, dir: &Path, file: &Path) -> Output {
    let mut cmd = Command::new(program);
    if program.ends_with("ntop") {
        cmd.arg("instantiate").arg("--store").arg(dir.join("store"));
    }
    cmd.args(["--eval", "--strict"])
        .arg(file)
        .current_dir(dir)
        .env("HOME", dir)
        .env("NIX_CONF_DIR", dir)
        .env("NIX_CONFIG", "substituters =\n")
        .env("NIX_STORE_DIR", dir.join("nix/store"))
        .env("NIX_STATE_DIR", dir.join("nix/var"))
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .output()
        .expect("running the evaluator")
}

fn ntop() -> &'static str {
    env!("CARGO_BIN_EXE_ntop")
}

#[test]
fn a_million_levels_evaluate_or_are_refused_cleanly() {
    const N: usize = 1_000_000;
    let dir = scratch();
    let strcat = format!("\"{}\"\n", "a".repeat(N));
    let evaluated: &[(&str, &str)] = &[
        ("select", "1\n"),
        ("has-attr", "false\n"),
        ("apply-left", "1\n"),
        ("plus", "1000000\n"),
        ("minus", "-999998\n"),
        ("mul", "1\n"),
        ("strcat", &strcat),
        ("and", "true\n"),
        ("or", "false\n"),
    ];
    for (name, text) in constructs(N) {
        let file = dir.join(format!("{name}.nix"));
        std::fs::write(&file, &text).expect("write input");
        let out = run(ntop(), &dir, &file);
        let stderr = String::from_utf8_lossy(&out.stderr);
        match evaluated.iter().find(|(n, _)| *n == name) {
            Some((_, expected)) => {
                assert!(out.status.success(), "{name}: {stderr}");
                assert!(
                    String::from_utf8_lossy(&out.stdout) == *expected,
                    "{name}: unexpected value"
                );
            }
            None => {
                assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
                assert!(
                    stderr.contains("syntax::too_deep")
                        && stderr.contains("nested more than 200000 levels deep"),
                    "{name}: {stderr}"
                );
                assert!(!stderr.contains("panicked"), "{name}: {stderr}");
            }
        }
        let _ = std::fs::remove_file(&file);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The refusal points at the opener of level MAX_NESTING + 1, for brackets and for the
/// attribute of a path that would nest its value one level too deep.
#[test]
fn the_refusal_points_at_the_first_level_too_deep() {
    let dir = scratch().join("position");
    std::fs::create_dir_all(&dir).expect("dir");
    let n = MAX_NESTING + 5;
    let cases = [
        (
            "list",
            format!("{}1{}", "[".repeat(n), "]".repeat(n)),
            MAX_NESTING + 1,
        ),
        ("neg", format!("{}1", "-".repeat(n)), MAX_NESTING + 1),
        // `{` then `a.a.….a`: the attribute at index MAX_NESTING (1-based column 2 + 2·MAX)
        // is the one nesting the value MAX_NESTING + 1 deep.
        (
            "attrpath",
            format!("{{{}=1;}}", vec!["a"; n].join(".")),
            2 + 2 * MAX_NESTING,
        ),
    ];
    for (name, text, column) in cases {
        let file = dir.join(format!("{name}.nix"));
        std::fs::write(&file, &text).expect("write input");
        let out = run(ntop(), &dir, &file);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        let at = format!("{}:1:{column}", file.display());
        assert!(stderr.contains(&at), "{name}: wanted {at} in {stderr}");
    }
    // The outermost list is level 1 and its innermost element level m + 1: with m =
    // MAX_NESTING - 1 every token is within the limit.
    let fits = dir.join("fits.nix");
    let m = MAX_NESTING - 1;
    std::fs::write(&fits, format!("{}1{}", "[".repeat(m), "]".repeat(m))).expect("write");
    let out = run(ntop(), &dir, &fits);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// At a depth Nix 2.8's parser takes (1,000), every construct evaluates to what Nix gives.
#[test]
fn every_construct_matches_nix_at_a_depth_nix_parses() {
    if Command::new("nix-instantiate")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: nix-instantiate (the reference Nix) is not installed");
        return;
    }
    let dir = scratch().join("oracle");
    std::fs::create_dir_all(&dir).expect("dir");
    for (name, text) in constructs(1000) {
        let file = dir.join(format!("{name}.nix"));
        std::fs::write(&file, &text).expect("write input");
        let nix = run("nix-instantiate", &dir, &file);
        let ours = run(ntop(), &dir, &file);
        assert!(
            nix.status.success(),
            "{name}: Nix fails: {}",
            String::from_utf8_lossy(&nix.stderr)
        );
        assert!(
            ours.status.success() && ours.stdout == nix.stdout,
            "{name}: ntop differs from Nix: {}",
            String::from_utf8_lossy(&ours.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
