//! `ntop instantiate` (nix-instantiate compatible) and `ntop eval`.

use std::io::Read;
use std::path::{Path, PathBuf};

use ntop_eval::error::{EvalError, EvalResult};
use ntop_eval::print::{print_value_bytes, PrintMode};
use ntop_eval::source::{add_source, Origin, Span};
use ntop_eval::symbol::Symbol;
use ntop_eval::thunk::Thunk;
use ntop_eval::{sym, Machine, Value};

use ntop_store::StoreMode;

use crate::args::{CommonArgs, EvalArgs, InstantiateArgs};
use crate::attr_path;
use crate::module_eval;
use crate::output;
use crate::render::Renderer;
use crate::session;

/// What to do with each selected value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Output {
    Nix {
        strict: bool,
    },
    /// Nix 2.8 prints JSON without a final newline.
    Json {
        strict: bool,
    },
    Xml {
        strict: bool,
    },
    /// Instantiate derivations (nix-instantiate without `--eval`).
    Derivations,
}

/// What the command-line inputs are.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Inputs {
    /// `-E` expressions.
    Exprs,
    /// Files, evaluated as they are.
    Files,
    /// Files; one that is a NixOS-style module is evaluated as part of a NixOS configuration
    /// (`ntop eval`, `ntop build`).
    Modules,
}

pub fn instantiate(args: InstantiateArgs) -> i32 {
    let kind = if args.expr {
        Inputs::Exprs
    } else if args.modules {
        Inputs::Modules
    } else {
        Inputs::Files
    };
    let output = if args.parse {
        None
    } else if !args.eval {
        Some(Output::Derivations)
    } else if args.json {
        Some(Output::Json {
            strict: args.strict,
        })
    } else if args.xml {
        Some(Output::Xml {
            strict: args.strict,
        })
    } else {
        Some(Output::Nix {
            strict: args.strict,
        })
    };
    let inputs = if args.files.is_empty() && !args.expr {
        vec![".".to_string()]
    } else {
        args.files.clone()
    };
    // As nix-instantiate: evaluating only is read-only unless `--read-write-mode`.
    let read_only = if output == Some(Output::Derivations) {
        args.dry_run
    } else {
        !args.read_write_mode
    };
    let mut roots = Roots {
        add_root: args.add_root.clone(),
        count: 0,
    };
    run(
        &args.common,
        &inputs,
        kind,
        output,
        store_mode(read_only),
        &mut roots,
    )
}

fn store_mode(read_only: bool) -> StoreMode {
    if read_only {
        StoreMode::DryRun
    } else {
        StoreMode::ReadWrite
    }
}

/// `--add-root`: where the next garbage-collector root goes.
struct Roots {
    add_root: Option<String>,
    count: usize,
}

pub fn eval(args: EvalArgs) -> i32 {
    let output = if args.json {
        Output::Json { strict: !args.lazy }
    } else {
        Output::Nix { strict: !args.lazy }
    };
    let mut roots = Roots {
        add_root: None,
        count: 0,
    };
    let mode = StoreMode::DryRun;
    let (inputs, kind) = match (&args.expr, &args.file) {
        (Some(e), _) => (vec![e.clone()], Inputs::Exprs),
        (None, Some(f)) => (vec![f.clone()], Inputs::Modules),
        (None, None) => (vec![".".to_string()], Inputs::Modules),
    };
    run(&args.common, &inputs, kind, Some(output), mode, &mut roots)
}

fn run(
    common: &CommonArgs,
    inputs: &[String],
    kind: Inputs,
    output: Option<Output>,
    mode: StoreMode,
    roots: &mut Roots,
) -> i32 {
    let renderer = Renderer::new(common.color, common.error_format, common.show_trace);
    let mut m = session::machine(common, mode);
    if let Some(secs) = common.timeout {
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(secs));
            eprintln!("error: evaluation timed out after {secs} seconds");
            std::process::exit(1);
        });
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let cli_file = add_source(Origin::Text("«command line»".into()), "".into());
    let span = Span::new(cli_file, 0, 0);
    let mut stdout: Vec<u8> = Vec::new();
    let result = (|| -> EvalResult<()> {
        let auto_args = auto_args(&mut m, common, &cwd)?;
        let has_auto_args = !common.arg.is_empty() || !common.argstr.is_empty();
        for input in inputs {
            let Some(output) = output else {
                stdout.extend_from_slice(
                    parse_input(&mut m, input, kind == Inputs::Exprs, &cwd)?.as_bytes(),
                );
                stdout.push(b'\n');
                continue;
            };
            let mut root = load_input(&mut m, input, kind == Inputs::Exprs, &cwd, span)?;
            let module = kind == Inputs::Modules && module_eval::is_module(&mut m, &root, span)?;
            if module {
                let file = ntop_eval::lower::canonicalize_lexically(&cwd.join(input));
                root = module_eval::evaluate(&mut m, &file, span)?;
            }
            let paths: Vec<String> = if common.attr.is_empty() {
                vec![if module {
                    "system.build.toplevel".to_string()
                } else {
                    String::new()
                }]
            } else {
                common.attr.clone()
            };
            for path in &paths {
                let (start, path) = if module {
                    module_eval::select_root(&mut m, &root, path, span)?
                } else {
                    (root.clone(), path.clone())
                };
                let v = attr_path::follow(&mut m, start, &path, &auto_args, span)?;
                // Like nix-instantiate, call a top-level function only when arguments were given.
                let v = if has_auto_args {
                    attr_path::auto_call(&mut m, v, &auto_args, span)?
                } else {
                    v
                };
                if output == Output::Derivations {
                    stdout.extend_from_slice(
                        instantiate_value(&mut m, v, &auto_args, roots, span)?.as_bytes(),
                    );
                } else {
                    // `ntop eval` shows a derivation as its .drv and output paths, not as the set.
                    if kind == Inputs::Modules && output != Output::Derivations {
                        let json = matches!(output, Output::Json { .. });
                        if let Some(summary) = derivation_summary(&mut m, &v, json, span)? {
                            stdout.extend_from_slice(summary.as_bytes());
                            continue;
                        }
                    }
                    stdout.extend_from_slice(&render_value(&mut m, v, output, span)?);
                }
            }
        }
        Ok(())
    })();
    {
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(&stdout);
        let _ = out.flush();
    }
    let code = match result {
        Ok(()) => 0,
        Err(e) => {
            // Under its `nix-instantiate` name, ntop writes errors in Nix's own layout, which
            // scripts and test suites written for Nix match on.
            if invoked_as_nix_instantiate() {
                eprint!("{}", crate::render_nix::render(&e, common.show_trace));
            } else {
                eprint!("{}", renderer.eval_error(&e));
            }
            1
        }
    };
    // Values may be deeply nested; exiting without dropping them avoids a recursive drop.
    std::mem::forget(m);
    code
}

fn render_value(m: &mut Machine, v: Value, output: Output, span: Span) -> EvalResult<Vec<u8>> {
    Ok(match output {
        Output::Nix { strict } => {
            let v = if strict { m.force_deep(&v, span)? } else { v };
            // Nix strings are bytes: print them raw (lossless even when not UTF-8).
            let mut bytes = print_value_bytes(&v, PrintMode::Lazy);
            bytes.push(b'\n');
            bytes
        }
        Output::Json { strict } => output::to_json(m, &v, span, strict)?.into_bytes(),
        Output::Xml { strict } => {
            let v = if strict { m.force_deep(&v, span)? } else { v };
            output::to_xml(m, &v, span)?.into_bytes()
        }
        Output::Derivations => instantiate_value(
            m,
            v,
            &Value::Null,
            &mut Roots {
                add_root: None,
                count: 0,
            },
            span,
        )?
        .into_bytes(),
    })
}

fn invoked_as_nix_instantiate() -> bool {
    std::env::args_os()
        .next()
        .and_then(|a| {
            std::path::Path::new(&a)
                .file_name()
                .map(|n| n == "nix-instantiate")
        })
        .unwrap_or(false)
}

/// For a derivation, its `.drv` path and one `output: path` line per output (or, as JSON,
/// `{"drvPath": …, "outputs": {…}}`); `None` for any other value.
fn derivation_summary(
    m: &mut Machine,
    v: &Value,
    json: bool,
    span: Span,
) -> EvalResult<Option<String>> {
    let v = m.force(v, span)?;
    let Value::Attrs(attrs) = &v else {
        return Ok(None);
    };
    if !m.is_derivation(attrs, span)? {
        return Ok(None);
    }
    let drv_path = m.select_attr(&v, sym!("drvPath"), span)?;
    let drv_path = m.force_string(&drv_path, span)?.to_str_lossy().into_owned();
    let names: Vec<String> = match attrs.get(sym!("outputs")) {
        Some(list) => {
            let list = list.clone();
            let list = m.force_list(&list, span)?;
            let mut names = Vec::new();
            for n in list.iter() {
                names.push(m.force_string(n, span)?.to_str_lossy().into_owned());
            }
            names
        }
        None => vec!["out".to_string()],
    };
    let mut outputs = Vec::new();
    for name in names {
        let out = m.select_attr(&v, Symbol::new(&name), span)?;
        let path = m.select_attr(&out, sym!("outPath"), span)?;
        let path = m.force_string(&path, span)?.to_str_lossy().into_owned();
        outputs.push((name, path));
    }
    if json {
        let outputs: serde_json::Map<String, serde_json::Value> = outputs
            .into_iter()
            .map(|(n, p)| (n, serde_json::Value::String(p)))
            .collect();
        return Ok(Some(
            serde_json::json!({ "drvPath": drv_path, "outputs": outputs }).to_string() + "\n",
        ));
    }
    let mut text = format!("{drv_path}\n");
    for (name, path) in outputs {
        text.push_str(&format!("{name}: {path}\n"));
    }
    Ok(Some(text))
}

/// nix-instantiate without `--eval`: instantiates the derivations the value holds and returns
/// the lines it prints, `<drv path>` (or the root made for it) with `!<output>` unless the
/// output is `out`.
fn instantiate_value(
    m: &mut Machine,
    v: Value,
    auto_args: &Value,
    roots: &mut Roots,
    span: Span,
) -> EvalResult<String> {
    let mut found = Vec::new();
    let mut done = std::collections::HashSet::new();
    collect_derivations(m, v, auto_args, &mut found, &mut done, span)?;
    let mut out = String::new();
    for drv in found {
        let drv_path = match drv.get(ntop_eval::sym!("drvPath")) {
            Some(p) => {
                let p = p.clone();
                let mut ctx = ntop_eval::value::Context::default();
                let bytes = m.coerce_to_string(
                    &p,
                    span,
                    ntop_eval::eval::CoerceMode::PATH_APPEND,
                    &mut ctx,
                )?;
                String::from_utf8_lossy(&bytes).into_owned()
            }
            None => {
                return Err(EvalError::other(
                    "cli::no_drv_path",
                    "derivation lacks a 'drvPath' attribute",
                    span,
                ))
            }
        };
        let output_name = match drv.get(ntop_eval::sym!("outputName")) {
            Some(o) => {
                let o = o.clone();
                m.force_string_no_context(&o, span)?
                    .to_str_lossy()
                    .into_owned()
            }
            None => String::new(),
        };
        if output_name.is_empty() {
            return Err(EvalError::other(
                "cli::no_output_name",
                format!("derivation '{drv_path}' lacks an 'outputName' attribute "),
                span,
            ));
        }
        let shown = match &roots.add_root {
            None => {
                if !GC_WARNED.with(|w| w.replace(true)) {
                    eprintln!(
                        "warning: you did not specify '--add-root'; the result might be removed by the garbage collector"
                    );
                }
                drv_path
            }
            Some(root) => {
                roots.count += 1;
                add_root(m, root, roots.count, &drv_path, span)?
            }
        };
        out.push_str(&shown);
        if output_name != "out" {
            out.push('!');
            out.push_str(&output_name);
        }
        out.push('\n');
    }
    Ok(out)
}

thread_local! {
    static GC_WARNED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Makes the symlink `root` (`root-N` from the second on) to the derivation's file in the
/// store, replacing an older root, and returns the root's path.
fn add_root(
    m: &mut Machine,
    root: &str,
    n: usize,
    drv_path: &str,
    span: Span,
) -> EvalResult<String> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let mut name = ntop_eval::lower::canonicalize_lexically(&cwd.join(root))
        .display()
        .to_string();
    if n > 1 {
        name.push_str(&format!("-{n}"));
    }
    let target = match m.store.as_ref() {
        Some(store) => store.to_real_path(Path::new(drv_path)),
        None => PathBuf::from(drv_path),
    };
    let _ = std::fs::remove_file(&name);
    std::os::unix::fs::symlink(&target, &name).map_err(|e| {
        EvalError::other(
            "cli::add_root",
            format!("cannot create the root '{name}': {e}"),
            span,
        )
    })?;
    Ok(name)
}

/// The derivations in a value, as nix-instantiate's `getDerivations` finds them: the value
/// itself; in a set, the attributes (by name) that are derivations, and sets marked
/// `recurseForDerivations` recursively; in a list, each element. Each derivation once.
fn collect_derivations(
    m: &mut Machine,
    v: Value,
    auto_args: &Value,
    found: &mut Vec<std::rc::Rc<ntop_eval::value::Attrs>>,
    done: &mut std::collections::HashSet<usize>,
    span: Span,
) -> EvalResult<()> {
    let v = if matches!(auto_args, Value::Null) {
        m.force(&v, span)?
    } else {
        attr_path::auto_call(m, v, auto_args, span)?
    };
    if !visit(m, &v, found, done, span)? {
        return Ok(());
    }
    match &v {
        Value::Attrs(a) => {
            for e in a.entries() {
                if !is_attr_name(e.name.as_str()) {
                    continue;
                }
                if visit(m, &e.value, found, done, span)? {
                    let inner = m.force(&e.value, span)?;
                    if let Value::Attrs(inner_attrs) = &inner {
                        if let Some(r) = inner_attrs.get(ntop_eval::sym!("recurseForDerivations")) {
                            let r = r.clone();
                            if m.force_bool(&r, span)? {
                                collect_derivations(m, inner, auto_args, found, done, span)?;
                            }
                        }
                    }
                }
            }
            Ok(())
        }
        Value::List(items) => {
            for item in items.iter() {
                if visit(m, item, found, done, span)? {
                    collect_derivations(m, item.clone(), auto_args, found, done, span)?;
                }
            }
            Ok(())
        }
        _ => Err(EvalError::other(
            "cli::not_derivations",
            "expression does not evaluate to a derivation (or a set or list of those)",
            span,
        )),
    }
}

/// Takes `v` if it is a derivation not seen yet; true if it is no derivation, so that the caller
/// may look inside (nix-instantiate's `getDerivation`).
fn visit(
    m: &mut Machine,
    v: &Value,
    found: &mut Vec<std::rc::Rc<ntop_eval::value::Attrs>>,
    done: &mut std::collections::HashSet<usize>,
    span: Span,
) -> EvalResult<bool> {
    let v = m.force(v, span)?;
    match &v {
        Value::Attrs(a) if m.is_derivation(a, span)? => {
            if done.insert(std::rc::Rc::as_ptr(a) as usize) {
                match a.get(ntop_eval::sym!("name")) {
                    Some(name) => {
                        let name = name.clone();
                        m.force_string(&name, span)?;
                    }
                    None => {
                        return Err(EvalError::other(
                            "cli::no_name",
                            "derivation name missing",
                            span,
                        ))
                    }
                }
                found.push(a.clone());
            }
            Ok(false)
        }
        _ => Ok(true),
    }
}

/// Attribute names nix-instantiate looks at for derivations: `[A-Za-z_][A-Za-z0-9-_+]*`.
fn is_attr_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+'))
}

/// `--parse`: the shown parse of a file argument or `-E` expression.
fn parse_input(m: &mut Machine, input: &str, is_expr: bool, cwd: &Path) -> EvalResult<String> {
    if is_expr {
        return m.parse_and_show(Origin::Text("«string»".into()), input, cwd);
    }
    let path = ntop_eval::lower::canonicalize_lexically(&cwd.join(input));
    let path = if path.is_dir() {
        path.join("default.nix")
    } else {
        path
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        EvalError::other(
            "cli::read",
            format!("cannot read '{}': {e}", path.display()),
            None,
        )
    })?;
    let base = path.parent().unwrap_or(Path::new("/")).to_path_buf();
    m.parse_and_show(Origin::File(path), &text, &base)
}

/// The top-level value of a file argument or `-E` expression.
fn load_input(
    m: &mut Machine,
    input: &str,
    is_expr: bool,
    cwd: &Path,
    span: Span,
) -> EvalResult<Value> {
    if is_expr {
        return m.eval_source("«string»", input, cwd);
    }
    if input == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| {
            EvalError::other(
                "cli::stdin",
                format!("cannot read standard input: {e}"),
                None,
            )
        })?;
        return m.eval_source("«stdin»", &text, cwd);
    }
    let path = if input.starts_with('<') && input.ends_with('>') {
        let wanted = &input[1..input.len() - 1];
        let entries = m.options.search_path.clone();
        match m.find_in_search_path(&entries, wanted, span)? {
            Value::Path(p) => (*p).clone(),
            _ => unreachable!("search path lookups return paths"),
        }
    } else {
        ntop_eval::lower::canonicalize_lexically(&cwd.join(input))
    };
    m.import_file(&path, span)
}

/// The set of `--arg` (lazily evaluated expressions) and `--argstr` values.
fn auto_args(m: &mut Machine, common: &CommonArgs, cwd: &Path) -> EvalResult<Value> {
    let mut entries = Vec::new();
    for pair in common.arg.chunks(2) {
        if let [name, expr] = pair {
            let code = m.compile(
                Origin::Text(format!("«--arg {name}»")),
                expr.as_str().into(),
                cwd,
                None,
            )?;
            let env = m.root_env().clone();
            entries.push((Symbol::new(name), Value::Thunk(Thunk::suspended(code, env))));
        }
    }
    for pair in common.argstr.chunks(2) {
        if let [name, s] = pair {
            entries.push((Symbol::new(name), Value::string(s.as_str())));
        }
    }
    Ok(m.attrs_from(entries))
}
