//! Setting up an evaluation from command-line options.

use ntop_eval::eval::{Observer, SearchPathEntry};
use ntop_eval::io::StdIO;
use ntop_eval::{EvalOptions, Machine};
use ntop_store::StoreMode;

use crate::args::CommonArgs;
use crate::store_cmd::{open_store, SessionStore, StoreIO};

/// Prints traces and warnings on stderr, as Nix does.
pub struct StderrObserver;

impl Observer for StderrObserver {
    fn trace(&mut self, message: &str) {
        eprintln!("trace: {message}");
    }

    fn warn(&mut self, message: &str) {
        eprintln!("warning: {message}");
    }
}

/// A machine for the options, with the store opened in `mode` (read-only when `--readonly-mode`
/// says so). Without a usable store, store-touching builtins fail with the reason.
pub fn machine(common: &CommonArgs, mode: StoreMode) -> Machine {
    let mut options = EvalOptions::default();
    if let Some(dir) = &common.store.store_dir {
        options.store_dir = ntop_store::canon_path(dir);
    }
    let mode = if common.store.readonly_mode {
        StoreMode::DryRun
    } else {
        mode
    };
    let store = match open_store(&common.store, mode) {
        Ok(store) => Some(store),
        Err(e) => {
            eprintln!("warning: cannot open the store: {e}");
            None
        }
    };
    // `-I` entries come first, then NIX_PATH, as in Nix.
    for entry in &common.include {
        options.search_path.push(SearchPathEntry::parse(entry));
    }
    if let Ok(nix_path) = std::env::var("NIX_PATH") {
        options
            .search_path
            .extend(SearchPathEntry::parse_list(&nix_path));
    }
    // Last of all, the embedded default: `<nixpkgs>` is ntop's bundled lib, mini-NixOS and
    // package set unless the user's search path names another.
    match crate::bundle::dir() {
        Ok(dir) => options.search_path.push(SearchPathEntry {
            prefix: "nixpkgs".into(),
            path: dir.display().to_string(),
        }),
        Err(e) => eprintln!("warning: cannot unpack the embedded nixpkgs bundle: {e}"),
    }
    for pair in common.option.chunks(2) {
        if let [name, value] = pair {
            options.settings.insert(name.clone(), value.clone());
        }
    }
    options.abort_on_warn = options
        .settings
        .get("abort-on-warn")
        .is_some_and(|v| v == "true")
        || std::env::var("NIX_ABORT_ON_WARN").is_ok_and(|v| v == "1" || v == "true");
    let store_dir = store
        .as_ref()
        .map(|s| std::path::PathBuf::from(s.store_dir().as_str()));
    let mut m = match &store {
        Some(store) => Machine::new(Box::new(StoreIO::new(store.clone())), options),
        None => Machine::new(Box::new(StdIO), options),
    };
    // Both file systems read files outside the store by their names. `NTOP_PARSE_AHEAD=0`
    // keeps evaluation on one core (benchmarks compare single-threaded parsing that way).
    if std::env::var_os("NTOP_PARSE_AHEAD").is_none_or(|v| v != "0") {
        m.prefetch = ntop_eval::prefetch::Prefetcher::start(
            std::sync::Arc::new(StdIO),
            Some(store_dir.unwrap_or_else(|| ntop_store::DEFAULT_STORE_DIR.into())),
        );
    }
    m.observer = Box::new(StderrObserver);
    if let Some(store) = store {
        m.store = Some(Box::new(SessionStore::new(store)));
    }
    m
}
