//! The `ntop` command as a library: argument parsing and the commands, which the binary
//! (`main.rs`: the allocator, the panic hook, the main thread) runs, and which the fuzz
//! targets drive without a process. This crate is the only one that prints; it knows neither
//! the store nor the evaluator's internals (`crates/driver/tests/invariants.rs`).

pub mod alloc;
mod args;
mod check_cmd;
mod evaluate;
mod excerpt;
pub mod interrupts;
mod lsp;
mod options;
mod realise;
mod render;
mod render_nix;
mod run;
mod store_commands;

use std::ffi::OsString;

use clap::Parser;

/// The command line as the commands see it: invoked as `nix-instantiate` or `nix-build`
/// (a symlink), ntop behaves as `ntop instantiate` or `ntop build`; Nix's `--NAME VALUE`
/// settings become `--option NAME VALUE`.
fn parse_command_line(mut argv: Vec<OsString>) -> Result<args::Cli, clap::Error> {
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
    args::Cli::try_parse_from(args::settings_as_options(argv))
}

/// Parses a command line and turns what it asks for into the driver's requests, without
/// running anything, reading a file or opening a store: the part of the command line's
/// handling that sees arbitrary bytes (`fuzz/fuzz_targets/cli_args.rs`). Errors are clap's
/// usage errors.
pub fn check_command_line(argv: Vec<OsString>) -> Result<(), clap::Error> {
    let cli = parse_command_line(argv)?;
    let inputs = |files: &[OsString], expr: bool| -> Vec<ntop_driver::Input> {
        files
            .iter()
            .map(|f| {
                if expr {
                    ntop_driver::Input::Expr(evaluate::expression(f))
                } else {
                    ntop_driver::Input::File(f.into())
                }
            })
            .collect()
    };
    match &cli.command {
        args::Command::Instantiate(a) => {
            evaluate::request(&a.common, inputs(&a.files, a.expr), false);
        }
        args::Command::Eval(a) => {
            let expr = a.expr.iter().map(|e| ntop_driver::Input::Expr(e.clone()));
            evaluate::request(&a.common, expr.collect(), true);
        }
        args::Command::Build(a) => {
            evaluate::request(&a.common, inputs(&a.paths, a.expr), false);
        }
        _ => {}
    }
    Ok(())
}

/// Runs the command `argv` names; its exit status.
pub fn run(argv: Vec<OsString>) -> i32 {
    let cli = match parse_command_line(argv) {
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
