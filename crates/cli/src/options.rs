//! From command-line options to a driver session, and where its traces and warnings go.

use std::path::PathBuf;

use ntop_driver::{Access, Environment, SessionOptions, Settings};

use crate::args::{CommonArgs, StoreArgs};
use crate::render::Renderer;

/// Prints traces, warnings and notes on standard error as they happen, as Nix does.
pub struct StderrObserver;

impl ntop_driver::Observer for StderrObserver {
    fn trace(&mut self, message: &str) {
        eprintln!("trace: {message}");
    }

    fn warn(&mut self, message: &str) {
        eprintln!("warning: {message}");
    }

    fn note(&mut self, message: &str) {
        eprintln!("ntop: {message}");
    }
}

fn current_dir() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"))
}

/// The session options for a command that only touches the store. Its settings (which may
/// name the store) are those of the configuration files and `NIX_CONFIG`; their warnings are
/// left to the evaluating commands.
pub fn store_options(store: &StoreArgs) -> SessionOptions {
    let settings = Settings::resolve(&Environment::Process, &[], &mut |_| {}).unwrap_or_default();
    store_options_with(store, settings)
}

fn store_options_with(store: &StoreArgs, settings: Settings) -> SessionOptions {
    let mut options = SessionOptions::new(current_dir(), Environment::Process);
    options.store_root = store.store.as_ref().map(PathBuf::from);
    options.store_dir = store.store_dir.clone();
    options.settings = settings;
    options
}

/// Nix's settings from `nix.conf`, `NIX_CONFIG` and the command line's `--option` pairs;
/// unknown settings and malformed values are warned about on standard error, as Nix does.
pub fn settings(common: &CommonArgs) -> Result<Settings, ntop_driver::Error> {
    let pairs: Vec<(String, String)> = common
        .option
        .chunks(2)
        .filter_map(|pair| match pair {
            [name, value] => Some((name.clone(), value.clone())),
            _ => None,
        })
        .collect();
    Settings::resolve(&Environment::Process, &pairs, &mut |w| {
        eprintln!("warning: {w}")
    })
}

/// The settings and the renderer of an evaluating command (whose `show-trace` is a
/// setting); a setting ntop refuses is reported, and its exit status returned instead.
pub fn prepare(common: &CommonArgs) -> Result<(Settings, Renderer), i32> {
    match settings(common) {
        Ok(settings) => {
            let renderer = Renderer::for_evaluation(common, settings.bool("show-trace"));
            // A store ntop cannot open is an error before anything runs, not a session
            // evaluating without a store.
            let options = store_options_with(&common.store, settings);
            if let Err(e) = options.store_location() {
                return Err(renderer.fail(&e));
            }
            Ok((options.settings, renderer))
        }
        Err(e) => Err(Renderer::for_evaluation(common, false).fail(&e)),
    }
}

/// The session options for an evaluating command; `access` is what the command needs
/// (`--readonly-mode` makes any command read-only).
pub fn session_options(common: &CommonArgs, access: Access, settings: Settings) -> SessionOptions {
    let mut options = store_options_with(&common.store, settings);
    options.access = if common.store.readonly_mode {
        Access::ReadOnly
    } else {
        access
    };
    options.include = common.include.clone();
    // `NTOP_PARSE_AHEAD=0` keeps evaluation on one core (benchmarks compare single-threaded
    // parsing that way).
    options.parse_ahead = std::env::var_os("NTOP_PARSE_AHEAD").is_none_or(|v| v != "0");
    options.observer = Box::new(StderrObserver);
    options
}

/// `--arg` and `--argstr` values, in that order (as Nix collects them).
pub fn auto_args(common: &CommonArgs) -> Vec<(String, ntop_driver::AutoArg)> {
    let mut args = Vec::new();
    for pair in common.arg.chunks(2) {
        if let [name, expr] = pair {
            args.push((name.clone(), ntop_driver::AutoArg::Expr(expr.clone())));
        }
    }
    for pair in common.argstr.chunks(2) {
        if let [name, s] = pair {
            let name = name.to_string_lossy().into_owned();
            let bytes = std::os::unix::ffi::OsStrExt::as_bytes(s.as_os_str()).to_vec();
            args.push((name, ntop_driver::AutoArg::Str(bytes)));
        }
    }
    args
}

/// `--eval-timeout SECONDS`: a watchdog that ends the process if evaluation takes longer. The
/// returned guard disarms it when dropped (when evaluation is over).
pub fn watchdog(common: &CommonArgs) -> Option<Watchdog> {
    let secs = common.eval_timeout?;
    let armed = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let flag = armed.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(secs));
        if flag.load(std::sync::atomic::Ordering::SeqCst) {
            eprintln!("error: evaluation timed out after {secs} seconds");
            std::process::exit(1);
        }
    });
    Some(Watchdog(armed))
}

pub struct Watchdog(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.0.store(false, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Ends the process with `code` once a command is done — its results committed, its output
/// flushed, its errors rendered — without tearing down the session's evaluator: dropping a
/// large heap of values one by one costs up to a tenth of a short evaluation, and the kernel
/// reclaims the memory (and releases the store's locks) at once. Durability never depends on
/// this: a session commits explicitly before it reports success.
pub fn exit_with(code: i32, session: ntop_driver::Session) -> ! {
    let _ = std::io::Write::flush(&mut std::io::stdout());
    let _keep = session;
    std::process::exit(code)
}
