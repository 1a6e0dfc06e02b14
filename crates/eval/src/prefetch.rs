//! Parsing ahead: a background thread that parses the files a program is about to import.
//!
//! Evaluation imports files one at a time, each when it is first needed, and parsing is a
//! large part of evaluating a configuration (a quarter of the bundled NixOS host). Which files
//! come next is mostly written in the files already read: `imports = [ ./a.nix ./b.nix ]`,
//! `import ./lib.nix`, `callLibs ./strings.nix`. The prefetcher scans every parsed file for
//! plain path literals naming `.nix` files (or directories with a `default.nix`) and parses
//! those on a second core, so that when the evaluator imports one, its syntax tree is ready.
//!
//! Files are read through the `EvalIO` the prefetcher is given. Only reading and parsing move:
//! the tree (`parse::Ast`) holds no interned names, and lowering (which needs the evaluator's
//! thread-local interner and source map) stays on the evaluator's thread. A file the
//! evaluator asks for before the prefetcher reached it is parsed by the evaluator as usual; a
//! file being parsed right then is waited for. Parses with errors are dropped, so that syntax
//! errors are always reported by the evaluator's own parse. Prefetched text is the file's
//! content when the prefetcher read it, as a later read by the evaluator would be.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::io::EvalIO;

/// Files larger than this are left to the evaluator (generated data, mostly).
const MAX_FILE: u64 = 128 << 10;
/// Parsed text not yet claimed by the evaluator is capped at this: a file naming thousands of
/// others (a package set) must not have all of them parsed and held on speculation.
const MAX_UNCLAIMED: usize = 32 << 20;
/// Our parser grows its stack on demand; this is the worker's first segment.
const THREAD_STACK: usize = 8 << 20;

pub struct Prefetcher {
    shared: Arc<Shared>,
}

/// A parse handed to the evaluator: the text it was parsed from and its syntax tree.
pub struct Prefetched {
    pub text: String,
    pub ast: crate::parse::Ast,
}

enum Work {
    /// A file to parse and scan.
    Parse(PathBuf),
    /// The plain path literals of a file the evaluator parsed itself, to look for more files.
    Scan(PathBuf, Vec<String>),
}

enum Entry {
    Queued,
    Parsing,
    Ready(Box<Prefetched>),
    /// Parsed and handed out, taken by the evaluator, or not worth parsing (errors, too big).
    Settled,
}

#[derive(Default)]
struct State {
    work: VecDeque<Work>,
    entries: HashMap<PathBuf, Entry>,
    /// Bytes of text in `Ready` entries.
    unclaimed: usize,
    stopped: bool,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    /// How files are read: the evaluator's own file system, shareable across threads.
    io: Arc<dyn EvalIO + Send + Sync>,
    /// Files under this directory are never prefetched: the store, whose paths the
    /// evaluator may read somewhere else than their names say (a store in another root).
    exclude: Option<PathBuf>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic in the worker poisons the lock; the state itself stays consistent (every
        // update is a single assignment), so carry on with it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Prefetcher {
    /// Starts the worker thread; None when the machine has a single core (the worker would
    /// only take turns with the evaluator) or no thread can be started.
    pub fn start(
        io: Arc<dyn EvalIO + Send + Sync>,
        exclude: Option<PathBuf>,
    ) -> Option<Prefetcher> {
        if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
            return None;
        }
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
            io,
            exclude,
        });
        let worker = shared.clone();
        std::thread::Builder::new()
            .name("ntop-parse-ahead".into())
            .stack_size(THREAD_STACK)
            .spawn(move || run(&worker))
            .ok()?;
        Some(Prefetcher { shared })
    }

    /// The parse of `path`, if the worker has it or is making it (then this waits for it).
    /// None means: parse it yourself.
    pub fn take(&self, path: &Path) -> Option<Prefetched> {
        let mut state = self.shared.lock();
        loop {
            match state.entries.get_mut(path) {
                None => {
                    // The evaluator parses it; the worker need not.
                    state.entries.insert(path.to_path_buf(), Entry::Settled);
                    return None;
                }
                Some(entry @ Entry::Queued) => {
                    *entry = Entry::Settled;
                    return None;
                }
                Some(Entry::Parsing) => {
                    state = self
                        .shared
                        .changed
                        .wait(state)
                        .unwrap_or_else(|e| e.into_inner());
                }
                Some(entry @ Entry::Ready(_)) => {
                    let Entry::Ready(parsed) = std::mem::replace(entry, Entry::Settled) else {
                        unreachable!("matched above")
                    };
                    state.unclaimed -= parsed.text.len();
                    return Some(*parsed);
                }
                Some(Entry::Settled) => return None,
            }
        }
    }

    /// Hands the worker the plain path literals of a file the evaluator parsed, to look for
    /// the files they name.
    pub fn scan(&self, path: &Path, literals: Vec<String>) {
        if literals.is_empty() {
            return;
        }
        let mut state = self.shared.lock();
        state
            .work
            .push_back(Work::Scan(path.to_path_buf(), literals));
        self.shared.changed.notify_all();
    }
}

impl Drop for Prefetcher {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.stopped = true;
        state.work.clear();
        self.shared.changed.notify_all();
    }
}

fn run(shared: &Shared) {
    loop {
        let work = {
            let mut state = shared.lock();
            loop {
                if state.stopped {
                    return;
                }
                if let Some(w) = state.work.pop_front() {
                    break w;
                }
                state = shared
                    .changed
                    .wait(state)
                    .unwrap_or_else(|e| e.into_inner());
            }
        };
        match work {
            Work::Scan(path, literals) => {
                enqueue_named_files(shared, &path, literals.iter().map(String::as_str))
            }
            Work::Parse(path) => {
                {
                    let mut state = shared.lock();
                    let over_budget = state.unclaimed > MAX_UNCLAIMED;
                    let Some(entry @ Entry::Queued) = state.entries.get_mut(&path) else {
                        continue; // taken by the evaluator meanwhile
                    };
                    if over_budget {
                        *entry = Entry::Settled;
                        continue;
                    }
                    *entry = Entry::Parsing;
                }
                // The evaluator may be waiting for this entry: whatever happens while parsing
                // (a panic included), it must leave `Parsing`.
                let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let parsed = parse_file(&*shared.io, &path);
                    if let Some(p) = &parsed {
                        enqueue_named_files(shared, &path, p.ast.plain_paths());
                    }
                    parsed
                }))
                .ok()
                .flatten();
                let mut state = shared.lock();
                let entry = match parsed {
                    Some(p) => {
                        state.unclaimed += p.text.len();
                        Entry::Ready(Box::new(p))
                    }
                    None => Entry::Settled,
                };
                state.entries.insert(path, entry);
                shared.changed.notify_all();
            }
        }
    }
}

/// Reads and parses a file; None when it cannot be read, is too large or has syntax errors.
fn parse_file(io: &dyn EvalIO, path: &Path) -> Option<Prefetched> {
    let bytes = io.read_file(path).ok()?;
    if bytes.len() as u64 > MAX_FILE {
        return None;
    }
    let text = String::from_utf8(bytes).ok()?;
    let ast = crate::parse::parse_fast(&text).ok()?;
    Some(Prefetched { text, ast })
}

/// Queues the `.nix` files named by a file's plain path literals (no interpolation).
fn enqueue_named_files<'a>(shared: &Shared, file: &Path, literals: impl Iterator<Item = &'a str>) {
    let Some(dir) = file.parent() else {
        return;
    };
    let mut found = Vec::new();
    for literal in literals {
        if literal.starts_with('~') {
            continue; // the home directory is the evaluator's to know
        }
        let path = crate::lower::canonicalize_lexically(&dir.join(literal));
        if shared.exclude.as_ref().is_some_and(|x| path.starts_with(x)) {
            continue;
        }
        found.push(path);
    }
    // File-system checks outside the lock: the evaluator may be waiting for it.
    let targets: Vec<PathBuf> = found
        .into_iter()
        .filter_map(|path| {
            let io = &shared.io;
            if io.is_directory(&path) {
                let default = path.join("default.nix");
                io.path_exists(&default).then_some(default)
            } else {
                (path.extension().is_some_and(|e| e == "nix") && io.path_exists(&path))
                    .then_some(path)
            }
        })
        .collect();
    if targets.is_empty() {
        return;
    }
    let mut state = shared.lock();
    for target in targets {
        if state.entries.contains_key(&target) {
            continue;
        }
        state.entries.insert(target.clone(), Entry::Queued);
        state.work.push_back(Work::Parse(target));
    }
    shared.changed.notify_all();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    impl Prefetcher {
        /// Whether the worker has finished with `path` (parsed it or given up on it).
        fn settled_or_ready(&self, path: &Path) -> bool {
            matches!(
                self.shared.lock().entries.get(path),
                Some(Entry::Ready(_) | Entry::Settled)
            )
        }

        fn wait_for(&self, path: &Path) {
            let start = Instant::now();
            while !self.settled_or_ready(path) {
                assert!(
                    start.elapsed() < Duration::from_secs(10),
                    "{} never prefetched",
                    path.display()
                );
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }

    fn literals(text: &str) -> Vec<String> {
        let ast = crate::parse::parse_fast(text).expect("parses");
        ast.plain_paths().map(str::to_owned).collect()
    }

    fn fixture(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ntop-prefetch-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::create_dir_all(dir.join("store")).unwrap();
        std::fs::write(dir.join("b.nix"), "{ x = import ./c.nix; }").unwrap();
        std::fs::write(dir.join("c.nix"), "42").unwrap();
        std::fs::write(dir.join("sub/default.nix"), "[ 1 ]").unwrap();
        std::fs::write(dir.join("broken.nix"), "{ x = ; }").unwrap();
        std::fs::write(dir.join("store/s.nix"), "1").unwrap();
        dir
    }

    #[test]
    fn parses_the_files_a_tree_names_and_the_files_those_name() {
        let Some(p) = Prefetcher::start(Arc::new(crate::io::StdIO), None) else {
            return; // a single core: nothing to test
        };
        let dir = fixture("names");
        let a = dir.join("a.nix");
        p.scan(
            &a,
            literals("{ imports = [ ./b.nix ./sub ./missing.nix ]; data = ./c.txt; }"),
        );
        let b = dir.join("b.nix");
        p.wait_for(&b);
        let got = p.take(&b).expect("b.nix was prefetched");
        assert_eq!(got.text, "{ x = import ./c.nix; }");
        assert_eq!(got.ast.plain_paths().collect::<Vec<_>>(), ["./c.nix"]);
        // A directory stands for its default.nix; b.nix's own import is followed.
        let sub = dir.join("sub/default.nix");
        p.wait_for(&sub);
        assert_eq!(p.take(&sub).map(|t| t.text), Some("[ 1 ]".to_string()));
        let c = dir.join("c.nix");
        p.wait_for(&c);
        assert_eq!(p.take(&c).map(|t| t.text), Some("42".to_string()));
        // Taken once: the evaluator owns it now.
        assert!(p.take(&b).is_none());
        assert!(p.take(&dir.join("missing.nix")).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn never_hands_out_a_file_with_syntax_errors_or_in_the_excluded_store() {
        let dir = fixture("errors");
        let Some(p) = Prefetcher::start(Arc::new(crate::io::StdIO), Some(dir.join("store"))) else {
            return;
        };
        p.scan(
            &dir.join("a.nix"),
            literals("[ ./broken.nix ./store/s.nix ./c.nix ]"),
        );
        p.wait_for(&dir.join("c.nix"));
        p.wait_for(&dir.join("broken.nix"));
        assert!(p.take(&dir.join("broken.nix")).is_none());
        assert!(!p.settled_or_ready(&dir.join("store/s.nix")));
        assert!(p.take(&dir.join("store/s.nix")).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
