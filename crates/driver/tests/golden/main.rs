//! The golden suites, in process: one test per case of `nix-fixtures/{lang, builtins,
//! builtins/manual, builtins/ntop, derivations, modules, nixos}`, named `<suite>::<case>`, each
//! run through the driver library exactly as `ntop instantiate ARGS` runs it — its own
//! session (its own evaluator), the fixture directory as working directory, an environment
//! with a fresh `HOME`, `TZ=UTC` and no `NIX_PATH` — and compared with what the reference
//! Nix 2.8 printed for it (formats in `nix-fixtures/README.md`, the scripts' headers, and
//! `format.rs`). The CLI itself is checked by the binary smoke suite
//! (`crates/cli/tests/smoke.rs`).
//!
//! The standard test options apply (`cargo test -p ntop-driver --test golden -- lang::`
//! runs the language cases; `--list`, `--test-threads`, `--exact`). The seed cases of
//! `nixos` need the project's seed (`$NTOP_SEED_DIR`, else `../shared/seed` beside the
//! repository) and are reported as ignored without it.

mod format;

use std::cell::RefCell;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use libtest_mimic::{Arguments, Failed, Trial};
use ntop_driver::{
    Access, AutoArg, Environment, Input, InstantiateMode, Request, Session, SessionOptions,
    StoreHandle, ValueFormat,
};
use ntop_eval::diagnostic::Diagnostic;
use ntop_eval::source::describe_position;

use format::Expectation;

/// Each case runs on a thread of its own with this stack, as the binary's main thread has
/// (printing and dropping deeply nested values recurse).
const CASE_STACK: usize = 256 * 1024 * 1024;

fn main() {
    let args = Arguments::from_args();
    let ctx = Arc::new(Context::new());
    let mut trials = Vec::new();
    for (suite, area) in [
        ("lang", "lang"),
        ("builtins", "builtins"),
        ("builtins_manual", "builtins/manual"),
        ("builtins_ntop", "builtins/ntop"),
    ] {
        let dir = ctx.fixtures.join(area);
        for case in case_names(&dir, &[]) {
            let (ctx, dir) = (ctx.clone(), dir.clone());
            trials.push(case_trial(suite, &case, move |name| {
                lang_case(&ctx, &dir, name)
            }));
        }
    }
    let dir = ctx.fixtures.join("derivations");
    for case in case_names(&dir, &["lib"]) {
        let (ctx, dir) = (ctx.clone(), dir.clone());
        trials.push(case_trial("derivations", &case, move |name| {
            derivation_case(&ctx, &dir, name)
        }));
    }
    let dir = ctx.fixtures.join("modules");
    for case in case_names(&dir, &[]) {
        let (ctx, dir) = (ctx.clone(), dir.clone());
        trials.push(case_trial("modules", &case, move |name| {
            module_case(&ctx, &dir, name)
        }));
    }
    let dir = ctx.fixtures.join("nixos");
    for case in case_names(&dir, &[]) {
        let needs_seed = case.starts_with("seed-");
        let (ctx2, dir) = (ctx.clone(), dir.clone());
        let trial = case_trial("nixos", &case, move |name| nixos_case(&ctx2, &dir, name));
        trials.push(trial.with_ignored_flag(needs_seed && ctx.seed.is_none()));
    }
    if ctx.seed.is_none() {
        eprintln!(
            "note: the seed is absent (set NTOP_SEED_DIR, or put it at ../shared/seed beside \
             the repository): the nixos::seed-* cases are skipped"
        );
    }
    trials.push(Trial::test(
        "format::split_flags_follows_the_documented_rule",
        || {
            split_flags_follows_the_documented_rule();
            Ok(())
        },
    ));
    let fixtures = ctx.fixtures.clone();
    trials.push(Trial::test(
        "builtins::every_builtin_has_a_golden_case",
        move || every_builtin_has_a_golden_case(&fixtures),
    ));
    let conclusion = libtest_mimic::run(&args, trials);
    drop(ctx);
    conclusion.exit();
}

/// What all cases share: where the fixtures are, a `HOME` and a cache (the bundle is unpacked
/// once for all), the seed.
struct Context {
    repo: PathBuf,
    fixtures: PathBuf,
    scratch: PathBuf,
    home: PathBuf,
    seed: Option<PathBuf>,
}

impl Context {
    fn new() -> Context {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .canonicalize()
            .expect("the repository");
        let scratch = std::env::temp_dir().join(format!("ntop-golden-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&scratch);
        let home = scratch.join("home");
        std::fs::create_dir_all(&home).expect("a scratch HOME");
        let seed = std::env::var_os("NTOP_SEED_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo.join("../shared/seed"));
        let seed = seed.join("top-level.nix").exists().then_some(seed);
        Context {
            fixtures: repo.join("nix-fixtures"),
            repo,
            scratch,
            home,
            seed,
        }
    }

    /// A fresh empty directory (a case's store).
    fn fresh_dir(&self, label: &str) -> PathBuf {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = self
            .scratch
            .join(format!("{label}-{}", N.fetch_add(1, Ordering::Relaxed)));
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        dir
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        make_writable(&self.scratch);
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

/// A trial that runs `check` on a big stack.
fn case_trial(
    suite: &str,
    case: &str,
    check: impl FnOnce(&str) -> Result<(), String> + Send + 'static,
) -> Trial {
    let name = case.to_owned();
    Trial::test(format!("{suite}::{case}"), move || {
        let result = std::thread::Builder::new()
            .stack_size(CASE_STACK)
            .spawn(move || check(&name))
            .expect("a thread for the case")
            .join();
        match result {
            Ok(Ok(())) => Ok(()),
            Ok(Err(why)) => Err(Failed::from(why)),
            Err(panic) => Err(Failed::from(format!(
                "the case panicked: {}",
                panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("?")
            ))),
        }
    })
}

/// The cases of a directory: its `.nix` files (not the helpers named in `except`), sorted.
fn case_names(dir: &Path, except: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let name = path.file_name()?.to_str()?.strip_suffix(".nix")?.to_owned();
            (path.is_file() && !except.contains(&name.as_str())).then_some(name)
        })
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no cases in {}", dir.display());
    names
}

/// What an in-process `ntop instantiate` printed and how it ended.
struct Run {
    stdout: Vec<u8>,
    /// The observer's lines (traces, warnings, notes), as the CLI prints them.
    stderr: String,
    /// The error, as plain text: message, positions, labels, notes.
    error: Option<String>,
}

/// The observer of a case: collects what the CLI would print on standard error.
struct Collect(Rc<RefCell<String>>);

impl ntop_driver::Observer for Collect {
    fn trace(&mut self, message: &str) {
        let _ = writeln!(self.0.borrow_mut(), "trace: {message}");
    }

    fn warn(&mut self, message: &str) {
        let _ = writeln!(self.0.borrow_mut(), "warning: {message}");
    }

    fn note(&mut self, message: &str) {
        let _ = writeln!(self.0.borrow_mut(), "ntop: {message}");
    }
}

/// `ntop instantiate ARGS` in `cwd`, in process: the flags the fixtures use, mapped onto the
/// driver as the CLI maps them (`crates/cli/src/evaluate.rs`).
fn nix_instantiate(
    ctx: &Context,
    args: &[String],
    cwd: &Path,
    store: Option<&Path>,
) -> Result<Run, String> {
    let mut words = args.iter();
    let (mut eval, mut strict, mut json, mut xml, mut parse, mut expr) =
        (false, false, false, false, false, false);
    let (mut read_write, mut dry_run, mut readonly) = (false, false, false);
    let mut request = Request::default();
    let default_store = ctx.home.join(".local/share/ntop").display().to_string();
    let mut options = SessionOptions::new(
        cwd,
        Environment::vars([
            ("HOME", ctx.home.to_str().expect("a UTF-8 HOME")),
            ("TZ", "UTC"),
            // What `auto` would choose here, named so that the default order never reaches
            // the machine's Nix daemon or `/nix/store`.
            ("NTOP_STORE", &default_store),
        ]),
    );
    options.cache_home = Some(ctx.scratch.join("cache"));
    options.store_root = store.map(Path::to_path_buf);
    let mut positional = Vec::new();
    let mut next = |flag: &str| {
        words
            .next()
            .cloned()
            .ok_or_else(|| format!("{flag} needs a value"))
    };
    let mut pending: Vec<String> = Vec::new();
    loop {
        let word = match pending.pop() {
            Some(w) => w,
            None => match next("") {
                Ok(w) => w,
                Err(_) => break,
            },
        };
        match word.as_str() {
            "--eval" | "--eval-only" => eval = true,
            "--strict" => strict = true,
            "--json" => json = true,
            "--xml" => xml = true,
            "--parse" => parse = true,
            "-E" | "--expr" => expr = true,
            "--read-write-mode" => read_write = true,
            "--dry-run" => dry_run = true,
            "--readonly-mode" => readonly = true,
            "--show-trace" => {}
            "-A" | "--attr" => request.attr_paths.push(next(&word)?),
            "-I" | "--include" => options.include.push(next(&word)?),
            "--arg" => {
                let name = next(&word)?;
                request.args.push((name, AutoArg::Expr(next(&word)?)));
            }
            "--argstr" => {
                let name = next(&word)?;
                request
                    .args
                    .push((name, AutoArg::Str(next(&word)?.into_bytes())));
            }
            "--option" => {
                let name = next(&word)?;
                {
                    let value = next(&word)?;
                    options
                        .settings
                        .set(&name, &value, "the command line", &mut |_| {});
                }
            }
            "--store-dir" => options.store_dir = Some(next(&word)?),
            w if w.starts_with('-') && w != "-" => {
                return Err(format!("the golden runner does not know the flag {w}"))
            }
            _ => positional.push(word),
        }
    }
    // `--arg`s come before `--argstr`s, as the CLI collects them.
    request
        .args
        .sort_by_key(|(_, a)| matches!(a, AutoArg::Str(_)));
    request.inputs = if expr {
        positional.into_iter().map(Input::Expr).collect()
    } else if positional.is_empty() {
        vec![Input::File(".".into())]
    } else {
        positional
            .into_iter()
            .map(|f| Input::File(f.into()))
            .collect()
    };
    request.stdin = Some(Vec::new());
    let mode = if parse {
        InstantiateMode::Parse
    } else if eval {
        InstantiateMode::Eval(if json {
            ValueFormat::Json { strict }
        } else if xml {
            ValueFormat::Xml {
                strict,
                location: true,
            }
        } else {
            ValueFormat::Nix { strict }
        })
    } else {
        InstantiateMode::Derivations
    };
    options.access = if readonly {
        Access::ReadOnly
    } else {
        mode.access(read_write, dry_run)
    };
    let stderr = Rc::new(RefCell::new(String::new()));
    options.observer = Box::new(Collect(stderr.clone()));
    let mut session = Session::open(options);
    let mut stdout = Vec::new();
    let result = session.nix_instantiate(&request, mode, None, &mut stdout);
    drop(session);
    let stderr = stderr.borrow().clone();
    Ok(Run {
        stdout,
        stderr,
        error: result.err().map(|e| describe(&e.diagnostics())),
    })
}

/// Diagnostics as plain text: each message, the position of its span, its labels with their
/// positions, its notes and help, and the first evaluation frame at another place — what the
/// CLI's rendering shows of them, without snippets.
fn describe(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let _ = writeln!(out, "error: {}", d.message);
        if let Some(span) = d.span {
            let _ = writeln!(out, "  at {}", describe_position(span));
        }
        for label in &d.labels {
            let _ = writeln!(
                out,
                "  {}: {}",
                describe_position(label.span),
                label.message
            );
        }
        for note in d.notes.iter().chain(&d.help) {
            let _ = writeln!(out, "  note: {note}");
        }
        let elsewhere = d.trace.iter().find(|f| {
            f.span.is_some_and(|s| {
                d.span
                    .is_none_or(|p| (s.file, s.start) != (p.file, p.start))
            })
        });
        if let Some(f) = elsewhere {
            let at = f.span.map(describe_position).unwrap_or_default();
            let _ = writeln!(out, "  {} at {at}", f.message);
        }
    }
    out
}

/// The arguments of a case: the words of `<case>.flags` (else `default`), `@FILE@` and
/// `@DIR@` replaced.
fn case_args(dir: &Path, name: &str, default: &str) -> Result<Vec<String>, String> {
    let flags_path = dir.join(format!("{name}.flags"));
    let flags = match std::fs::read_to_string(&flags_path) {
        Ok(text) => text,
        Err(_) => default.to_owned(),
    };
    let dir_str = dir.to_str().ok_or("the fixture directory is not UTF-8")?;
    let file = format!("{dir_str}/{name}.nix");
    let words =
        format::split_flags(&flags).map_err(|e| format!("{}: {e}", flags_path.display()))?;
    Ok(words
        .into_iter()
        .map(|w| w.replace("@FILE@", &file).replace("@DIR@", dir_str))
        .collect())
}

/// A case of the `lang/` format (`lang`, `builtins`, …).
fn lang_case(ctx: &Context, dir: &Path, name: &str) -> Result<(), String> {
    let expected = format::read_expectation(dir, name)?;
    let args = case_args(dir, name, "--eval --strict @FILE@")?;
    let store = ctx.fresh_dir("store");
    let run = nix_instantiate(ctx, &args, dir, Some(&store))?;
    let argv = format!("ntop instantiate {}", args.join(" "));
    let stdout_bytes = format::normalise_bytes(&run.stdout, dir);
    let stdout = String::from_utf8_lossy(&stdout_bytes).into_owned();
    let stderr = format::normalise(&run.stderr, dir);
    match expected {
        Expectation::Success {
            stdout: exp_out,
            stderr: exp_err,
        } => {
            let mut why = String::new();
            if let Some(error) = &run.error {
                let _ = writeln!(
                    why,
                    "expected success, got an error\n{}",
                    format::excerpt(&format::normalise(error, dir), 12)
                );
            } else if stdout_bytes != exp_out {
                let exp_text = String::from_utf8_lossy(&exp_out);
                let _ = writeln!(
                    why,
                    "stdout differs\n{}",
                    format::short_diff(&exp_text, &stdout)
                );
                if exp_text == stdout {
                    let _ = writeln!(why, "(the difference is in bytes that are not UTF-8)");
                }
            }
            if let Some(exp_err) = exp_err {
                if stderr != exp_err {
                    let _ = writeln!(
                        why,
                        "stderr differs\n{}",
                        format::short_diff(&exp_err, &stderr)
                    );
                }
            }
            if why.is_empty() {
                Ok(())
            } else {
                Err(format!("$ {argv}\n{why}"))
            }
        }
        Expectation::Failure { pos } => {
            let Some(error) = &run.error else {
                return Err(format!(
                    "$ {argv}\nexpected a failure, ntop succeeded\nstdout:\n{}",
                    format::excerpt(&stdout, 12)
                ));
            };
            let error = format::normalise(error, dir);
            if let Some(pos) = pos {
                let wanted = format!("{name}.nix:{pos}");
                if !error.contains(&wanted) {
                    return Err(format!(
                        "$ {argv}\nthe error does not mention {wanted}\n{}",
                        format::excerpt(&error, 12)
                    ));
                }
            }
            Ok(())
        }
    }
}

/// A case of `derivations/` (format in `scripts/bless-derivations.sh`): the printed `.drv`
/// paths, the bytes of every `.drv` of their closures in the case's store, and what
/// `show-derivation -r` prints for them.
fn derivation_case(ctx: &Context, dir: &Path, name: &str) -> Result<(), String> {
    let exp_path = dir.join(format!("{name}.exp"));
    let expected = std::fs::read_to_string(&exp_path).map_err(|e| {
        format!(
            "cannot read {}: {e} (run scripts/bless-derivations.sh {name})",
            exp_path.display()
        )
    })?;
    let mut args = case_args(dir, name, &format!("{name}.nix"))?;
    if name.starts_with("files-") {
        args.splice(0..0, ["--eval".to_owned(), "--strict".to_owned()]);
    }
    let store = ctx.fresh_dir("store");
    let run = nix_instantiate(ctx, &args, dir, Some(&store))?;
    let argv = format!("$ ntop instantiate --store TMP {}", args.join(" "));
    let stdout = String::from_utf8_lossy(&run.stdout).replace(&dir.display().to_string(), "@DIR@");
    // A deliberate difference (`<case>.ntop.exp`, as in the language suite) that is a failure:
    // ntop refuses what Nix 2.8 built.
    if let Some(Expectation::Failure { pos }) = format::read_deliberate_difference(dir, name)? {
        let Some(error) = &run.error else {
            return Err(format!(
                "{argv}\nexpected a failure (.ntop.exp), ntop succeeded\nstdout:\n{stdout}"
            ));
        };
        if let Some(pos) = pos {
            let wanted = format!("{name}.nix:{pos}");
            if !error.contains(&wanted) {
                return Err(format!(
                    "{argv}\nthe error does not mention {wanted}\n{error}"
                ));
            }
        }
        return Ok(());
    }
    if name.contains("fail-") {
        let Some(error) = &run.error else {
            return Err(format!(
                "{argv}\nexpected a failure, ntop succeeded\nstdout:\n{stdout}"
            ));
        };
        if let Some(pos) = expected.lines().find_map(|l| l.strip_prefix("pos=")) {
            let wanted = format!("{name}.nix:{pos}");
            if !error.contains(&wanted) {
                return Err(format!(
                    "{argv}\nthe error does not mention {wanted}\n{error}"
                ));
            }
        }
        return Ok(());
    }
    if let Some(error) = &run.error {
        return Err(format!("{argv}\nexpected success, got\n{error}"));
    }
    if stdout != expected {
        return Err(format!(
            "{argv}\nstdout differs\n--- expected\n{expected}--- got\n{stdout}"
        ));
    }
    if name.starts_with("files-") {
        return Ok(());
    }
    let drvs_path = dir.join(format!("{name}.drvs.exp"));
    let drvs = std::fs::read(&drvs_path)
        .map_err(|e| format!("cannot read {}: {e}", drvs_path.display()))?;
    let mut why = String::new();
    for (path, text) in split_drvs(&drvs)? {
        let base = path.rsplit('/').next().unwrap_or(&path);
        let file = store.join("store").join(base);
        match std::fs::read(&file) {
            Ok(got) if got == text => {}
            Ok(got) => {
                let _ = writeln!(
                    why,
                    "{path} differs\n--- expected\n{}\n--- got\n{}",
                    String::from_utf8_lossy(&text),
                    String::from_utf8_lossy(&got)
                );
            }
            Err(e) => {
                let _ = writeln!(why, "{path} was not written: {e}");
            }
        }
    }
    let show_path = dir.join(format!("{name}.show.exp"));
    if let Ok(show) = std::fs::read(&show_path) {
        let mut roots: Vec<String> = stdout
            .lines()
            .map(|l| l.split('!').next().unwrap_or(l).to_owned())
            .collect();
        roots.sort_unstable();
        roots.dedup();
        let mut options = SessionOptions::new(dir, Environment::vars([]));
        options.store_root = Some(store.clone());
        let got = StoreHandle::open(&options, false)
            .and_then(|s| s.show_derivations(&roots, true))
            .map_err(|e| format!("show-derivation: {e}"))?;
        if got != show {
            let _ = writeln!(
                why,
                "show-derivation -r differs\n--- expected\n{}\n--- got\n{}",
                String::from_utf8_lossy(&show),
                String::from_utf8_lossy(&got),
            );
        }
    }
    if why.is_empty() {
        Ok(())
    } else {
        Err(format!("{argv}\n{why}"))
    }
}

/// The `=== PATH` blocks of a `.drvs.exp` file: each path and the bytes of its `.drv` file.
fn split_drvs(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let header_end = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or("a .drvs.exp header without a newline")?;
        let header = std::str::from_utf8(&rest[..header_end]).map_err(|e| e.to_string())?;
        let path = header
            .strip_prefix("=== ")
            .ok_or_else(|| format!("bad .drvs.exp header {header:?}"))?
            .to_owned();
        rest = &rest[header_end + 1..];
        // The text runs to the newline before the next header (a .drv has no newline itself
        // outside its strings, where newlines are escaped).
        let end = rest
            .windows(5)
            .position(|w| w == b"\n=== ")
            .unwrap_or(rest.len().saturating_sub(1));
        out.push((path, rest[..end].to_vec()));
        rest = rest.get(end + 1..).unwrap_or_default();
    }
    Ok(out)
}

/// A case of `modules/` (`scripts/bless-modules.sh`): with the bundled lib as `<nixpkgs>`,
/// success cases print exactly Nix's output; `eval-fail-*` cases fail with every `fact=`
/// of the `.exp` in the error.
fn module_case(ctx: &Context, dir: &Path, name: &str) -> Result<(), String> {
    let bundle = ctx.repo.join("bundle");
    let mut args = vec!["-I".to_owned(), format!("nixpkgs={}", bundle.display())];
    args.extend(case_args(dir, name, "--eval --strict --json @FILE@")?);
    let store = ctx.fresh_dir("store");
    let run = nix_instantiate(ctx, &args, dir, Some(&store))?;
    let normalise = |s: &str| {
        s.replace(&dir.display().to_string(), "@DIR@")
            .replace(&bundle.display().to_string(), "@NIXPKGS@")
    };
    let stdout = normalise(&String::from_utf8_lossy(&run.stdout));
    let expected = std::fs::read_to_string(dir.join(format!("{name}.exp")))
        .map_err(|e| format!("no .exp: {e}"))?;
    if name.starts_with("eval-fail-") {
        let Some(error) = &run.error else {
            return Err(format!("expected a failure, got success:\n{stdout}"));
        };
        let error = normalise(&format!("{error}{}", run.stderr));
        let missing: Vec<&str> = expected
            .lines()
            .filter_map(|l| l.strip_prefix("fact="))
            .filter(|fact| !error.contains(fact))
            .collect();
        if !missing.is_empty() {
            return Err(format!("the error lacks {missing:?}:\n{error}"));
        }
        return Ok(());
    }
    if let Some(error) = &run.error {
        return Err(format!(
            "failed:\n{}",
            format::excerpt(&normalise(error), 15)
        ));
    }
    if stdout != expected {
        return Err(format!(
            "stdout differs\n--- expected\n{expected}\n--- got\n{stdout}"
        ));
    }
    Ok(())
}

/// A case of `nixos/` (`nixos/README.md`): its JSON as the reference computed it.
fn nixos_case(ctx: &Context, dir: &Path, name: &str) -> Result<(), String> {
    let seed = ctx
        .seed
        .clone()
        .unwrap_or_else(|| ctx.repo.join("../shared/seed"));
    let args = [
        "--eval".to_owned(),
        "--strict".to_owned(),
        "--json".to_owned(),
        "-I".to_owned(),
        format!("seed={}", seed.display()),
        dir.join(format!("{name}.nix")).display().to_string(),
    ];
    let store = ctx.fresh_dir("store");
    let run = nix_instantiate(ctx, &args, dir, Some(&store))?;
    let expected =
        std::fs::read_to_string(dir.join(format!("{name}.exp"))).map_err(|e| e.to_string())?;
    let got = String::from_utf8_lossy(&run.stdout);
    if let Some(error) = &run.error {
        return Err(format!("failed:\n{error}"));
    }
    // The bless script ends each .exp with a newline; Nix 2.8 prints JSON without one.
    if got.trim_end() != expected.trim_end() {
        return Err(format!("--- expected\n{expected}\n--- got\n{got}"));
    }
    Ok(())
}

fn split_flags_follows_the_documented_rule() {
    assert_eq!(
        format::split_flags("--eval  -A '\"a.b\".c'\n@FILE@").unwrap(),
        ["--eval", "-A", "\"a.b\".c", "@FILE@"]
    );
    assert_eq!(
        format::split_flags("-E 'a b'c ''").unwrap(),
        ["-E", "a bc", ""]
    );
    assert!(format::split_flags("-E 'oops").is_err());
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

fn every_builtin_has_a_golden_case(fixtures: &Path) -> Result<(), Failed> {
    let mut text = String::new();
    for area in ["lang", "builtins", "derivations"] {
        collect_cases(&fixtures.join(area), &mut text);
    }
    let missing: Vec<&str> = ntop_eval::builtins::all_names()
        .into_iter()
        .filter(|name| !mentioned(&text, name))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "builtins without a golden case under nix-fixtures/{{lang,builtins,derivations}}: {}",
            missing.join(" ")
        )
        .into())
    }
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

/// Store objects are read-only; make a scratch tree removable.
fn make_writable(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::symlink_metadata(dir) {
        if meta.is_dir() {
            let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
            if let Ok(entries) = std::fs::read_dir(dir) {
                for e in entries.flatten() {
                    make_writable(&e.path());
                }
            }
        }
    }
}
