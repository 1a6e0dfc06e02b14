//! The `ntop` command: parses arguments, runs a command through the driver, renders its
//! results and errors. This crate is the only one that prints; it knows neither the store
//! nor the evaluator's internals (`crates/driver/tests/invariants.rs`).

mod alloc;
mod args;
mod check_cmd;
mod evaluate;
mod interrupts;
mod lsp;
mod options;
mod realise;
mod render;
mod render_nix;
mod run;
mod store_commands;

use std::ffi::{OsStr, OsString};

use clap::Parser;

/// Evaluation allocates many small, short-lived objects; mimalloc handles that pattern much
/// better than the system allocator.
#[global_allocator]
static GLOBAL: alloc::MiMalloc = alloc::MiMalloc;

/// The evaluator grows its own stack; this only gives the rest of the program (parsing,
/// dropping, rendering) generous room too.
const MAIN_STACK: usize = 256 * 1024 * 1024;

fn main() {
    alloc::configure();
    // A panic is a bug in ntop: say so plainly, without a Rust backtrace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error in ntop (this is a bug, please report it): {info}");
    }));
    // Arguments are bytes, as Nix takes them: a file name or an `--argstr` value need not
    // be UTF-8.
    let argv: Vec<OsString> = std::env::args_os().collect();
    if is_build(&argv) {
        interrupts::install();
    }
    let handle = std::thread::Builder::new()
        .name("ntop".into())
        .stack_size(MAIN_STACK)
        .spawn(move || run(argv))
        .expect("spawning the main thread");
    let code = handle.join().unwrap_or(101);
    std::process::exit(code);
}

/// `ntop build`, or ntop invoked as `nix-build`.
fn is_build(argv: &[OsString]) -> bool {
    let name = argv.first().map(|a| std::path::Path::new(a).file_name());
    name == Some(Some(OsStr::new("nix-build"))) || argv.get(1).is_some_and(|a| a == "build")
}

fn run(mut argv: Vec<OsString>) -> i32 {
    // Invoked as `nix-instantiate` or `nix-build` (a symlink), behave as `ntop instantiate`
    // or `ntop build`.
    let invoked_as = argv.first().map(|a| {
        std::path::Path::new(a)
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned()
    });
    match invoked_as.as_deref() {
        Some("nix-instantiate") => argv.insert(1, "instantiate".into()),
        Some("nix-build") => argv.insert(1, "build".into()),
        _ => {}
    }
    let argv = args::settings_as_options(argv);
    let cli = match args::Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 1 } else { 0 };
        }
    };
    match cli.command {
        args::Command::Instantiate(a) => evaluate::instantiate(a),
        args::Command::Eval(a) => evaluate::eval(a),
        args::Command::Explain(a) => evaluate::explain(a),
        args::Command::ShowDerivation(a) => store_commands::show_derivation(a),
        args::Command::Build(a) => realise::build(a),
        args::Command::Run(a) => run::run(a.target, a.command),
        args::Command::Shell(a) => run::shell(a),
        args::Command::Log(a) => store_commands::log(a),
        args::Command::Store(a) => store_commands::store(a),
        args::Command::PathInfo(a) => store_commands::path_info(a),
        args::Command::Check(a) => check_cmd::check(a),
        args::Command::Lsp(_) => lsp::run(),
    }
}
