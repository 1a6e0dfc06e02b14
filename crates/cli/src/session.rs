//! Setting up an evaluation from command-line options.

use ntop_eval::eval::{Observer, SearchPathEntry};
use ntop_eval::io::StdIO;
use ntop_eval::{EvalOptions, Machine};

use crate::args::CommonArgs;

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

pub fn machine(common: &CommonArgs) -> Machine {
    let mut options = EvalOptions::default();
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
    let mut m = Machine::new(Box::new(StdIO), options);
    m.observer = Box::new(StderrObserver);
    m
}
