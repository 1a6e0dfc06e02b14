//! `ntop instantiate` (nix-instantiate compatible) and `ntop eval`.

use std::io::Read;
use std::path::{Path, PathBuf};

use ntop_eval::error::{EvalError, EvalResult};
use ntop_eval::print::{print_value, PrintMode};
use ntop_eval::source::{add_source, Origin, Span};
use ntop_eval::symbol::Symbol;
use ntop_eval::thunk::Thunk;
use ntop_eval::{Machine, Value};

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

pub fn instantiate(args: InstantiateArgs) -> i32 {
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
    run(&args.common, &inputs, args.expr, output)
}

pub fn eval(args: EvalArgs) -> i32 {
    let output = if args.json {
        Output::Json { strict: !args.lazy }
    } else {
        Output::Nix { strict: !args.lazy }
    };
    match (&args.expr, &args.file) {
        (Some(e), _) => run(&args.common, std::slice::from_ref(e), true, Some(output)),
        (None, Some(f)) => run_modules(&args.common, std::slice::from_ref(f), Some(output)),
        (None, None) => run_modules(&args.common, &[".".to_string()], Some(output)),
    }
}

/// `ntop eval FILE`: like `run`, but a FILE that is a NixOS-style module is evaluated as part
/// of a NixOS configuration.
fn run_modules(common: &CommonArgs, inputs: &[String], output: Option<Output>) -> i32 {
    MODULE_AWARE.with(|m| m.set(true));
    run(common, inputs, false, output)
}

thread_local! {
    static MODULE_AWARE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn run(common: &CommonArgs, inputs: &[String], exprs: bool, output: Option<Output>) -> i32 {
    let renderer = Renderer::new(common.color, common.error_format, common.show_trace);
    let mut m = session::machine(common);
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
    let mut stdout = String::new();
    let result = (|| -> EvalResult<()> {
        let auto_args = auto_args(&mut m, common, &cwd)?;
        let has_auto_args = !common.arg.is_empty() || !common.argstr.is_empty();
        for input in inputs {
            let Some(output) = output else {
                stdout.push_str(&parse_input(&mut m, input, exprs, &cwd)?);
                stdout.push('\n');
                continue;
            };
            let mut root = load_input(&mut m, input, exprs, &cwd, span)?;
            let module = !exprs
                && MODULE_AWARE.with(|c| c.get())
                && module_eval::is_module(&mut m, &root, span)?;
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
                stdout.push_str(&render_value(&mut m, v, output, span)?);
            }
        }
        Ok(())
    })();
    print!("{stdout}");
    let code = match result {
        Ok(()) => 0,
        Err(e) => {
            eprint!("{}", renderer.eval_error(&e));
            1
        }
    };
    // Values may be deeply nested; exiting without dropping them avoids a recursive drop.
    std::mem::forget(m);
    code
}

fn render_value(m: &mut Machine, v: Value, output: Output, span: Span) -> EvalResult<String> {
    Ok(match output {
        Output::Nix { strict } => {
            let v = if strict { m.force_deep(&v, span)? } else { v };
            format!("{}\n", print_value(&v, PrintMode::Lazy))
        }
        Output::Json { strict } => output::to_json(m, &v, span, strict)?,
        Output::Xml { strict } => {
            let v = if strict { m.force_deep(&v, span)? } else { v };
            output::to_xml(m, &v, span)?
        }
        Output::Derivations => {
            return Err(EvalError::new(
                ntop_eval::ErrorKind::Unsupported(
                    "instantiating derivations is not available yet; use --eval".into(),
                ),
                None,
            ))
        }
    })
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
