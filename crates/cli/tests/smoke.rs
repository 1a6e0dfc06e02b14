//! The CLI surface of the golden suites, through the built binary: a sample of cases of each
//! kind (values, JSON, XML, `--parse`, `-E`, `--arg`/`--argstr`, `-A`, traces on standard
//! error, a failure with its position, derivations written to a `--store` and shown by
//! `show-derivation`, a module case) run as `ntop instantiate ARGS` and under the
//! `nix-instantiate` name, compared with the reference Nix's expectations. Every case of
//! every suite runs in process in `crates/driver/tests/golden`; this suite checks that the
//! binary maps its arguments onto the driver as that runner does.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `lang` cases: `.exp` is the exact standard output (or `status=`/`pos=` for failures),
/// `.stderr.exp` the exact standard error.
const LANG: &[&str] = &[
    "attrs-rec-nested",
    "cli-arg",
    "cli-argstr-with-spaces",
    "cli-attr-select-quoted-key",
    "cli-expr-json",
    "cli-parse-lambda",
    "cli-multiple-expressions",
    "trace-basic",
    "eval-fail-abort",
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

fn scratch(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ntop-smoke-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// The words of `<case>.flags` (single quotes group, as `nix-fixtures/README.md` says), else
/// `default`, with `@FILE@` and `@DIR@` replaced.
fn case_args(dir: &Path, case: &str, default: &str) -> Vec<String> {
    let flags = std::fs::read_to_string(dir.join(format!("{case}.flags")))
        .unwrap_or_else(|_| default.to_owned());
    let (mut words, mut word, mut in_word, mut quoted) = (Vec::new(), String::new(), false, false);
    for ch in flags.chars() {
        match ch {
            '\'' => {
                quoted = !quoted;
                in_word = true;
            }
            c if c.is_whitespace() && !quoted => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                }
                in_word = false;
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    let d = dir.display().to_string();
    words
        .into_iter()
        .map(|w| {
            w.replace("@FILE@", &format!("{d}/{case}.nix"))
                .replace("@DIR@", &d)
        })
        .collect()
}

/// Runs `program ARGS` in `dir` as the golden runners do (fresh `HOME`, `TZ=UTC`, no
/// `NIX_PATH`, empty standard input).
fn run(
    program: &Path,
    first: &[&str],
    args: &[String],
    dir: &Path,
    home: &Path,
) -> std::process::Output {
    Command::new(program)
        .args(first)
        .args(args)
        .current_dir(dir)
        .env_remove("NIX_PATH")
        .env("NTOP_STORE", home.join(".local/share/ntop"))
        .env("HOME", home)
        .env("TZ", "UTC")
        .stdin(Stdio::null())
        .output()
        .expect("running ntop")
}

fn lang_cases(program: &Path, first: &[&str]) {
    let dir = repo().join("nix-fixtures/lang");
    let home = scratch("home");
    let mut failures = Vec::new();
    for case in LANG {
        let args = case_args(&dir, case, "--eval --strict @FILE@");
        let out = run(program, first, &args, &dir, &home);
        let normalise =
            |b: &[u8]| String::from_utf8_lossy(b).replace(&dir.display().to_string(), "@DIR@");
        let (stdout, stderr) = (normalise(&out.stdout), normalise(&out.stderr));
        let expected = std::fs::read_to_string(dir.join(format!("{case}.exp"))).expect(".exp");
        if case.starts_with("eval-fail-") {
            let pos = expected.lines().find_map(|l| l.strip_prefix("pos="));
            let located = pos.is_none_or(|p| stderr.contains(&format!("{case}.nix:{p}")));
            if out.status.code() != Some(1) || !located {
                failures.push(format!("{case}: {:?}\n{stderr}", out.status));
            }
            continue;
        }
        if !out.status.success() || stdout != expected {
            failures.push(format!(
                "{case}: {:?}\n--- expected\n{expected}--- got\n{stdout}{stderr}",
                out.status
            ));
        }
        if let Ok(exp_err) = std::fs::read_to_string(dir.join(format!("{case}.stderr.exp"))) {
            if stderr != exp_err {
                failures.push(format!(
                    "{case}: stderr\n--- expected\n{exp_err}--- got\n{stderr}"
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&home);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn lang_cases_through_ntop_instantiate() {
    lang_cases(Path::new(env!("CARGO_BIN_EXE_ntop")), &["instantiate"]);
}

/// Under the name `nix-instantiate` (a symlink), ntop is `ntop instantiate`.
#[test]
fn lang_cases_through_the_nix_instantiate_personality() {
    let bin = scratch("bin");
    let link = bin.join("nix-instantiate");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_ntop"), &link).expect("symlink");
    lang_cases(&link, &[]);
    let _ = std::fs::remove_dir_all(&bin);
}

/// A derivation case: the printed `.drv` paths, and `ntop show-derivation -r` of them.
#[test]
fn derivations_through_the_binary() {
    let dir = repo().join("nix-fixtures/derivations");
    let case = "dependency-diamond";
    let work = scratch("drv");
    let store = work.join("store");
    let ntop = Path::new(env!("CARGO_BIN_EXE_ntop"));
    let store_arg = ["--store".to_owned(), store.display().to_string()];
    let mut args = store_arg.to_vec();
    args.extend(case_args(&dir, case, &format!("{case}.nix")));
    let out = run(ntop, &["instantiate"], &args, &dir, &work);
    let expected = std::fs::read_to_string(dir.join(format!("{case}.exp"))).expect(".exp");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        expected,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut show = store_arg.to_vec();
    show.push("-r".into());
    show.extend(
        expected
            .lines()
            .map(|l| l.split('!').next().unwrap_or(l).to_owned()),
    );
    let out = run(ntop, &["show-derivation"], &show, &dir, &work);
    let expected = std::fs::read(dir.join(format!("{case}.show.exp"))).expect(".show.exp");
    assert!(
        out.stdout == expected,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::process::Command::new("chmod")
        .arg("-R")
        .arg("u+w")
        .arg(&work)
        .status();
    let _ = std::fs::remove_dir_all(&work);
}

/// A module case, with the bundled lib as `<nixpkgs>`.
#[test]
fn a_module_case_through_the_binary() {
    let root = repo();
    let dir = root.join("nix-fixtures/modules");
    let case = "aliases";
    let home = scratch("modules");
    let mut args = vec![
        "-I".to_owned(),
        format!("nixpkgs={}", root.join("bundle").display()),
    ];
    args.extend(case_args(&dir, case, "--eval --strict --json @FILE@"));
    let out = run(
        Path::new(env!("CARGO_BIN_EXE_ntop")),
        &["instantiate"],
        &args,
        &dir,
        &home,
    );
    let expected = std::fs::read_to_string(dir.join(format!("{case}.exp"))).expect(".exp");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        expected,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&home);
}
