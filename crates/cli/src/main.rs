//! The `ntop` binary: the allocator, the panic hook and a main thread with a large stack,
//! around [`ntop_cli::run`].

use std::ffi::{OsStr, OsString};

use ntop_cli::{alloc, interrupts};

/// Evaluation allocates many small, short-lived objects; mimalloc handles that pattern much
/// better than the system allocator.
#[global_allocator]
static GLOBAL: alloc::MiMalloc = alloc::MiMalloc;

/// The evaluator grows its own stack; this only gives the rest of the program (parsing,
/// dropping, rendering) generous room too.
const MAIN_STACK: usize = 256 * 1024 * 1024;

fn main() {
    // The subcommand is the first argument that is not an option (`ntop [-v] lsp`).
    let subcommand = std::env::args_os()
        .skip(1)
        .find(|a| !a.as_encoded_bytes().starts_with(b"-"));
    alloc::configure(subcommand.is_some_and(|a| a == "lsp"));
    // A panic is a bug in ntop: say so plainly, without a Rust backtrace. Memory running out
    // (a stack segment or a thread that could not be mapped) is not: it is reported as Nix
    // reports it.
    std::panic::set_hook(Box::new(|info| {
        if alloc::is_out_of_memory_panic(&info.to_string()) {
            alloc::out_of_memory();
        }
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
        .spawn(move || ntop_cli::run(argv))
        .unwrap_or_else(|_| alloc::out_of_memory());
    let code = handle.join().unwrap_or(101);
    std::process::exit(code);
}

/// `ntop build`, or ntop invoked as `nix-build`.
fn is_build(argv: &[OsString]) -> bool {
    let name = argv.first().map(|a| std::path::Path::new(a).file_name());
    name == Some(Some(OsStr::new("nix-build"))) || argv.get(1).is_some_and(|a| a == "build")
}
