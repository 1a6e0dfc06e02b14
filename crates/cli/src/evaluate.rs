//! `ntop instantiate` (nix-instantiate compatible), `ntop eval` and `ntop explain`: the
//! arguments become a driver request, the results are printed.

use std::io::Write as _;

use ntop_driver::{Access, Input, InstantiateMode, Request, Session, ValueFormat};

use crate::args::{CommonArgs, EvalArgs, ExplainArgs, InstantiateArgs};
use crate::options::{auto_args, exit_with, prepare, session_options, watchdog};

pub fn instantiate(args: InstantiateArgs) -> i32 {
    let common = &args.common;
    let (settings, renderer) = match prepare(common) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    if args.find_file {
        let mut session = Session::open(session_options(common, Access::ReadOnly, settings));
        let mut code = 0;
        for name in &args.files {
            match session.find_file(&name.to_string_lossy()) {
                Ok(path) => println!("{path}"),
                Err(e) => {
                    code = renderer.fail(&e);
                    break;
                }
            }
        }
        exit_with(code, session)
    }
    let inputs: Vec<Input> = if args.expr {
        args.files
            .iter()
            .map(|e| Input::Expr(expression(e)))
            .collect()
    } else if args.files.is_empty() {
        vec![Input::File(".".into())]
    } else {
        args.files.iter().map(|f| Input::File(f.into())).collect()
    };
    let mode = if args.parse {
        InstantiateMode::Parse
    } else if args.eval {
        let strict = args.strict;
        InstantiateMode::Eval(if args.json {
            ValueFormat::Json { strict }
        } else if args.xml {
            ValueFormat::Xml {
                strict,
                location: !args.no_location,
            }
        } else {
            ValueFormat::Nix { strict }
        })
    } else {
        InstantiateMode::Derivations
    };
    let access = mode.access(args.read_write_mode, args.dry_run);
    let request = request(common, inputs, false);
    let _watchdog = watchdog(common);
    let mut session = Session::open(session_options(common, access, settings));
    let mut stdout = Vec::new();
    let result = session.nix_instantiate(&request, mode, args.add_root.as_deref(), &mut stdout);
    print_stdout(&stdout);
    let code = match result {
        Ok(()) => 0,
        Err(e) => renderer.fail(&e),
    };
    exit_with(code, session)
}

pub fn eval(args: EvalArgs) -> i32 {
    let common = &args.common;
    let (settings, renderer) = match prepare(common) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    let strict = !args.lazy;
    let format = if args.json {
        ValueFormat::Json { strict }
    } else {
        ValueFormat::Nix { strict }
    };
    let (inputs, modules) = match (&args.expr, &args.file) {
        (Some(e), _) => (vec![Input::Expr(e.clone())], false),
        (None, Some(f)) => (vec![Input::File(f.into())], true),
        (None, None) => (vec![Input::File(".".into())], true),
    };
    let request = request(common, inputs, modules);
    let _watchdog = watchdog(common);
    let mut session = Session::open(session_options(common, Access::ReadOnly, settings));
    let mut stdout = Vec::new();
    let result = session.evaluate(&request, format, &mut stdout);
    // What the fetchers wrote becomes valid before ntop reports success.
    let committed = session.commit();
    let result = result.and(committed);
    print_stdout(&stdout);
    let code = match result {
        Ok(()) => 0,
        Err(e) => renderer.fail(&e),
    };
    exit_with(code, session)
}

pub fn explain(args: ExplainArgs) -> i32 {
    let (settings, renderer) = match prepare(&args.common) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    let _watchdog = watchdog(&args.common);
    let mut session = Session::open(session_options(&args.common, Access::ReadOnly, settings));
    let code = match session.explain(&args.file, &args.option) {
        Ok(text) => {
            print_stdout(text.as_bytes());
            0
        }
        Err(e) => renderer.fail(&e),
    };
    exit_with(code, session)
}

/// The request the common options describe.
/// An `-E` argument as source text. The evaluator reads source as UTF-8 text, files too:
/// bytes that are not UTF-8 become U+FFFD, as in a file (Nix keeps the bytes).
pub fn expression(arg: &std::ffi::OsStr) -> String {
    arg.to_string_lossy().into_owned()
}

pub fn request(common: &CommonArgs, inputs: Vec<Input>, modules: bool) -> Request {
    Request {
        inputs,
        modules,
        attr_paths: common.attr.clone(),
        args: auto_args(common),
        stdin: None,
    }
}

fn print_stdout(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(bytes);
    let _ = out.flush();
}
