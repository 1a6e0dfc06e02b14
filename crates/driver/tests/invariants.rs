//! The architecture invariants of `docs/architecture.md`, checked on the source (as
//! rust-analyzer's tidy tests do): each failure names the file and line that breaks one.
//!
//! - `eval` does IO only through `EvalIO`: no `std::fs` or `std::env` in `crates/eval/src`
//!   outside `io.rs` (test modules and `std::env::consts` excepted);
//! - the CLI knows no IR, and neither the store nor the builder;
//! - only the driver knows both the evaluator and the store (or builder); the builder and the
//!   store know nothing of the evaluator;
//! - no code outside `crates/store` knows the on-disk layout of a store;
//! - every file `docs/architecture.md` names exists, and every source file is named there;
//! - every diagnostic code is documented in `docs/diagnostics.md`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository")
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The lines of a source file that are code outside tests, with their 1-based numbers: a
/// file named `tests.rs` has none; a `#[cfg(test)]` item ends the code (test modules come
/// last); comment lines are skipped.
fn code_lines(path: &Path) -> Vec<(usize, String)> {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return Vec::new();
    }
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        out.push((i + 1, line.to_owned()));
    }
    out
}

fn relative(path: &Path) -> String {
    path.strip_prefix(repo())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Each line of the files under `dir` (of those `keep` accepts) on which `bad` finds
/// something, with what it found.
fn offending_lines(
    dir: &Path,
    keep: impl Fn(&Path) -> bool,
    bad: impl Fn(&str) -> Option<String>,
) -> String {
    let mut report = String::new();
    for file in rust_files(dir).into_iter().filter(|f| keep(f)) {
        for (n, line) in code_lines(&file) {
            if let Some(what) = bad(&line) {
                let _ = writeln!(report, "{}:{n}: {what}: {}", relative(&file), line.trim());
            }
        }
    }
    report
}

#[test]
fn eval_does_io_only_through_eval_io() {
    let dir = repo().join("crates/eval/src");
    let report = offending_lines(
        &dir,
        |f| f != dir.join("io.rs"),
        |line| {
            let uses = |module: &str| {
                line.match_indices(&format!("std::{module}")).any(|(i, m)| {
                    let rest = &line[i + m.len()..];
                    let longer = rest.starts_with(|c: char| c.is_alphanumeric() || c == '_');
                    let consts = module == "env" && rest.starts_with("::consts");
                    !longer && !consts
                }) || line.contains("use std::{")
                    && line.split(['{', ',', '}']).any(|w| w.trim() == module)
            };
            ["fs", "env"]
                .iter()
                .find(|m| uses(m))
                .map(|m| format!("std::{m} outside io.rs (go through EvalIO)"))
        },
    );
    assert!(
        report.is_empty(),
        "eval does IO only through EvalIO:\n{report}"
    );
}

#[test]
fn cli_knows_no_ir_and_no_store() {
    let report = offending_lines(
        &repo().join("crates/cli/src"),
        |_| true,
        |line| {
            [
                "ntop_eval::ir",
                "ntop_eval::lower",
                "ntop_eval::thunk",
                "ntop_eval::env",
                "ntop_store",
                "ntop_builder",
            ]
            .iter()
            .find(|p| line.contains(*p))
            .map(|p| format!("the CLI uses {p}"))
        },
    );
    assert!(
        report.is_empty(),
        "the CLI reaches the store and the builder through the driver, and never the IR:\n{report}"
    );
}

/// The `ntop-*` crates a crate's manifest depends on (normal dependencies).
fn dependencies(krate: &str) -> Vec<String> {
    let manifest = repo().join("crates").join(krate).join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).expect("a manifest");
    let mut section = String::new();
    let mut deps = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line.to_owned();
        } else if section == "[dependencies]" {
            if let Some((name, _)) = line.split_once('=') {
                let name = name.trim();
                if name.starts_with("ntop-") {
                    deps.push(name.to_owned());
                }
            }
        }
    }
    deps
}

#[test]
fn only_the_driver_knows_both_the_evaluator_and_the_store() {
    let crates: Vec<String> = std::fs::read_dir(repo().join("crates"))
        .expect("crates/")
        .flatten()
        .filter(|e| e.path().join("Cargo.toml").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let mut report = String::new();
    for krate in &crates {
        let deps = dependencies(krate);
        let has = |d: &str| deps.iter().any(|x| x == d);
        let knows_store = has("ntop-store") || has("ntop-builder");
        if krate != "driver" && krate != "eval" && has("ntop-eval") && knows_store {
            let _ = writeln!(
                report,
                "crates/{krate}/Cargo.toml depends on ntop-eval and on the store ({deps:?}); \
                 only the driver may"
            );
        }
        if matches!(krate.as_str(), "store" | "builder") && has("ntop-eval") {
            let _ = writeln!(
                report,
                "crates/{krate}/Cargo.toml depends on ntop-eval: it must know nothing of the \
                 evaluator"
            );
        }
        if krate != "cli" && has("ntop-driver") {
            let _ = writeln!(
                report,
                "crates/{krate}/Cargo.toml depends on ntop-driver: only the CLI sits above it"
            );
        }
    }
    for krate in ["store", "builder"] {
        report.push_str(&offending_lines(
            &repo().join("crates").join(krate).join("src"),
            |_| true,
            |line| {
                line.contains("ntop_eval")
                    .then(|| "uses ntop_eval".to_owned())
            },
        ));
    }
    assert!(report.is_empty(), "{report}");
}

#[test]
fn no_code_outside_the_store_knows_its_layout() {
    // The names of the store's directories and files (see `crates/store/src/local_store.rs`).
    const LAYOUT: &[&str] = &[
        "\"var/",
        "gcroots",
        "\"locks",
        "\"chroots",
        "db.sqlite",
        "join(\"store\")",
        "\"store/",
        "\".tmp-",
    ];
    let mut report = String::new();
    for krate in ["eval", "builder", "driver", "cli"] {
        report.push_str(&offending_lines(
            &repo().join("crates").join(krate).join("src"),
            |_| true,
            |line| {
                LAYOUT
                    .iter()
                    .find(|p| line.contains(*p))
                    .map(|p| format!("names the store's layout ({p})"))
            },
        ));
    }
    assert!(
        report.is_empty(),
        "only crates/store knows where a store keeps things; ask LocalStore:\n{report}"
    );
}

/// Every diagnostic code the source uses (a `"layer::name"` literal that is not a prefix in
/// a `starts_with`) is documented in `docs/diagnostics.md`.
#[test]
fn every_diagnostic_code_is_documented() {
    const LAYERS: &[&str] = &[
        "syntax", "eval", "check", "explain", "cli", "driver", "store", "build",
    ];
    let doc = std::fs::read_to_string(repo().join("docs/diagnostics.md")).expect("the doc");
    let documented: Vec<&str> = backticked(&doc);
    let mut report = String::new();
    for krate in ["eval", "store", "builder", "driver", "cli"] {
        let dir = repo().join("crates").join(krate).join("src");
        for file in rust_files(&dir) {
            for (n, line) in code_lines(&file) {
                for literal in line.split('"').skip(1).step_by(2) {
                    let Some((layer, name)) = literal.split_once("::") else {
                        continue;
                    };
                    let is_code = LAYERS.contains(&layer)
                        && !name.is_empty()
                        && name.chars().all(|c| c.is_ascii_lowercase() || c == '_');
                    let prefix = line.contains(&format!("starts_with(\"{literal}\")"));
                    if is_code && !prefix && !documented.contains(&literal) {
                        let _ = writeln!(
                            report,
                            "{}:{n}: the code `{literal}` is not in docs/diagnostics.md",
                            relative(&file)
                        );
                    }
                }
            }
        }
    }
    assert!(report.is_empty(), "{report}");
}

/// The backticked words of a text.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// The code map of `docs/architecture.md`: for each `### `crates/X`` section, its text.
fn crate_sections(doc: &str) -> Vec<(String, String)> {
    let mut sections = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in doc.lines() {
        if let Some(heading) = line.strip_prefix("### ") {
            if let Some(done) = current.take() {
                sections.push(done);
            }
            if let Some(krate) = backticked(heading)
                .first()
                .and_then(|w| w.strip_prefix("crates/"))
            {
                current = Some((krate.trim_end_matches('/').to_owned(), String::new()));
            }
            continue;
        }
        if line.starts_with("## ") {
            if let Some(done) = current.take() {
                sections.push(done);
            }
            continue;
        }
        if let Some((_, text)) = &mut current {
            text.push_str(line);
            text.push('\n');
        }
    }
    sections.extend(current);
    sections
}

#[test]
fn architecture_md_names_every_source_file_and_only_files_that_exist() {
    let root = repo();
    let doc = std::fs::read_to_string(root.join("docs/architecture.md")).expect("the doc");
    let mut report = String::new();
    // Paths from the repository's root.
    for word in backticked(&doc) {
        let top = [
            "crates/",
            "docs/",
            "scripts/",
            "nix-fixtures/",
            "bundle/",
            "examples/",
        ];
        let is_path =
            top.iter().any(|t| word.starts_with(t)) && !word.contains(['*', '{', '<', ' ']);
        if is_path && !root.join(word.trim_end_matches('/')).exists() {
            let _ = writeln!(
                report,
                "docs/architecture.md names `{word}`, which does not exist"
            );
        }
    }
    let sections = crate_sections(&doc);
    let crates: Vec<String> = std::fs::read_dir(root.join("crates"))
        .expect("crates/")
        .flatten()
        .filter(|e| e.path().join("Cargo.toml").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    for krate in &crates {
        let base = root.join("crates").join(krate);
        let Some((_, text)) = sections.iter().find(|(k, _)| k == krate) else {
            let _ = writeln!(
                report,
                "docs/architecture.md has no section for crates/{krate}"
            );
            continue;
        };
        let words = backticked(text);
        // Files the section names: they exist in the crate (by path from `src/` or the
        // crate, or by name within a directory the section names).
        for word in &words {
            let is_file = word.ends_with(".rs") || word.ends_with(".nix");
            if word.contains(['*', ' ', '<']) || word.starts_with('.') || !is_file {
                continue;
            }
            let found = base.join("src").join(word).exists()
                || base.join(word).exists()
                || rust_and_nix_files(&base).iter().any(|f| f.ends_with(word));
            if !found {
                let _ = writeln!(
                    report,
                    "docs/architecture.md names `{word}` for crates/{krate}, which has no such file"
                );
            }
        }
        // Source files: each named by its path from `src/`, or by its name (with or without
        // `.rs`) in a section that names its directory.
        let src = base.join("src");
        let mut files = rust_files(&src);
        if base.join("build.rs").exists() {
            files.push(base.join("build.rs"));
        }
        for file in files {
            let rel = file
                .strip_prefix(&src)
                .or_else(|_| file.strip_prefix(&base))
                .expect("inside the crate")
                .display()
                .to_string();
            let name = file
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let stem = name.trim_end_matches(".rs");
            let named = words.contains(&rel.as_str())
                || match rel.rsplit_once('/') {
                    Some((dir, _)) => {
                        words.contains(&format!("{dir}/").as_str())
                            && (words.contains(&name.as_str()) || words.contains(&stem))
                    }
                    None => words.contains(&name.as_str()),
                };
            if !named {
                let _ = writeln!(
                    report,
                    "crates/{krate}/{} is not named in docs/architecture.md's code map",
                    file.strip_prefix(&base).unwrap_or(&file).display()
                );
            }
        }
    }
    assert!(report.is_empty(), "{report}");
}

fn rust_and_nix_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs" || e == "nix") {
                out.push(path);
            }
        }
    }
    out
}
