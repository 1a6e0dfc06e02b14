//! `ntop build`'s second half: realising derivation outputs in the session's store, then
//! linking them.
//!
//! The session's writes are committed first (so every input it wrote is valid, with its
//! references); the builder is then handed the derivations the evaluator made, in memory —
//! no `.drv` file is parsed again and no store is scanned for references. Result links are
//! made while the session still holds the garbage-collector lock, so there is no moment at
//! which a collector could take the outputs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ntop_builder::{BuildConfig, Event, Failure};
use ntop_eval::diagnostic::Diagnostic;
use ntop_store::{Derivation, LocalStore, StoreDir, StorePath};

use crate::error::{Error, Result};
use crate::instantiate::DrvOutput;
use crate::session::{Backend, Session};

mod daemon;

/// What to build.
#[derive(Clone, Debug)]
pub enum BuildTarget {
    /// One output, as an evaluation selected it (`-A pkg.dev` builds and links `dev` only).
    Output(DrvOutput),
    /// A `.drv` path named on the command line: all its outputs, or those after a `!`
    /// (`DRV!dev,out`).
    Drv { arg: String },
}

/// How to build.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// At most this many builders at once (default: the number of cores).
    pub jobs: Option<usize>,
    /// `NIX_BUILD_CORES` of each builder (default: the number of cores).
    pub cores: Option<usize>,
    /// Kill a builder running longer than this many seconds (`timeout`; 0 or none: never).
    pub timeout: Option<u64>,
    /// Kill a builder silent for this many seconds (`max-silent-time`; 0 or none: never).
    pub max_silent_time: Option<u64>,
    /// As root, build as users allocated from `start-id`/`id-count` (`auto-allocate-uids`;
    /// none: the builder's defaults, Nix's numbers).
    pub user_pool: Option<ntop_builder::UserPool>,
    /// Build as root (`auto-allocate-uids = false`).
    pub no_build_users: bool,
    /// Bytes of memory per build (`build-memory-limit`; 0 or none: no limit).
    pub memory_limit: Option<u64>,
    /// Processes per build (`build-max-processes`; 0 or none: no limit).
    pub max_processes: Option<u64>,
    pub keep_failed: bool,
    pub keep_going: bool,
    pub no_sandbox: bool,
    /// The result links' name (`result`, then `result-2`…, `result-<output>`); none: no
    /// links.
    pub out_link: Option<String>,
}

/// What happens while building, for a progress display.
pub enum BuildEvent<'a> {
    /// How many derivations will be built.
    Planned { to_build: usize },
    /// A build started; `name` is the derivation's name, `drv` its printed path.
    Started { name: &'a str, drv: &'a str },
    /// A line of a builder's output.
    Log { name: &'a str, line: &'a [u8] },
    /// A build ended (succeeded, failed, or another process did it).
    Finished { name: &'a str },
}

/// Receives [`BuildEvent`]s, from several threads at once.
pub trait BuildObserver: Sync {
    fn event(&self, event: BuildEvent<'_>);
}

/// One output built (or found valid) and where it is linked.
#[derive(Clone, Debug)]
pub struct BuiltOutput {
    /// The logical path, as `nix-build` prints it.
    pub path: String,
    pub link: Option<PathBuf>,
}

/// The outcome of a build: the outputs of the targets that could be realised, in target
/// order, and one diagnostic per failed derivation (with the tail of its log).
#[derive(Debug, Default)]
pub struct BuildReport {
    pub outputs: Vec<BuiltOutput>,
    pub failures: Vec<Diagnostic>,
}

impl Session {
    /// Builds the targets and links their outputs (see the module documentation).
    pub fn build(
        &mut self,
        targets: &[BuildTarget],
        options: &BuildOptions,
        observer: &dyn BuildObserver,
    ) -> Result<BuildReport> {
        self.commit()?;
        let store = match self.backend()? {
            Backend::Local(store) => store.clone(),
            Backend::Daemon(daemon) => {
                let daemon = daemon.clone();
                return daemon::build(self, &daemon, targets, options, observer);
            }
        };
        let (wanted, roots) =
            self.wanted(store.store_dir(), &|a| store.parse_user_path(a), targets)?;
        let graph = self.derivation_graph(&store, &roots)?;
        let mut config = BuildConfig {
            keep_failed: options.keep_failed,
            keep_going: options.keep_going,
            sandbox: !options.no_sandbox,
            ..BuildConfig::default()
        };
        if let Some(j) = options.jobs {
            config.jobs = j.max(1);
        }
        if let Some(c) = options.cores {
            config.cores = c;
        }
        let seconds = |s: Option<u64>| s.filter(|&n| n > 0).map(std::time::Duration::from_secs);
        config.timeout = seconds(options.timeout);
        config.max_silent_time = seconds(options.max_silent_time);
        if let Some(pool) = options.user_pool {
            config.user_pool = Some(pool);
        }
        if options.no_build_users {
            config.user_pool = None;
        }
        config.memory_limit = options.memory_limit.filter(|&n| n > 0);
        config.max_processes = options.max_processes.filter(|&n| n > 0);
        let adapter = Adapter {
            observer,
            store: &store,
        };
        let outcome = ntop_builder::build(&store, &graph, &roots, &config, &adapter)?;
        let dir = store.store_dir();
        let mut report = BuildReport {
            failures: outcome
                .failures
                .iter()
                .map(|f| failure_diagnostic(&store, f))
                .collect(),
            ..BuildReport::default()
        };
        let mut n = 0;
        for (drv, outputs) in &wanted {
            let Some(built) = outcome.outputs.get(drv) else {
                continue;
            };
            n += 1;
            let names: Vec<String> = match outputs {
                Some(names) => names.clone(),
                None => built.keys().cloned().collect(),
            };
            for name in names {
                let Some(path) = built.get(&name) else {
                    return Err(Error::request(
                        "driver::no_such_output",
                        format!("derivation '{}' has no output '{name}'", dir.print(drv)),
                    ));
                };
                let link = match &options.out_link {
                    Some(base) => {
                        let link = self.cwd.join(result_link_name(base, n, &name));
                        make_result_link(&store, &link, &store.link_target(path))?;
                        Some(link)
                    }
                    None => None,
                };
                report.outputs.push(BuiltOutput {
                    path: dir.print(path),
                    link,
                });
            }
        }
        Ok(report)
    }

    /// `nix-build --dry-run`: the printed `.drv` paths that building the targets would build
    /// (those with an output that is not valid), sorted as Nix prints them.
    pub fn plan(&mut self, targets: &[BuildTarget]) -> Result<Vec<String>> {
        let store = match self.backend()? {
            Backend::Local(store) => store.clone(),
            Backend::Daemon(daemon) => {
                let daemon = daemon.clone();
                return daemon::plan(self, &daemon, targets);
            }
        };
        let (_, roots) = self.wanted(store.store_dir(), &|a| store.parse_user_path(a), targets)?;
        let graph = self.derivation_graph(&store, &roots)?;
        let dir = store.store_dir();
        let mut missing = Vec::new();
        for (path, drv) in &graph {
            let outputs = ntop_builder::output_paths(dir, path, drv)?;
            let mut valid = true;
            for output in outputs.values() {
                valid &= store.is_valid(output)?;
            }
            if !valid {
                missing.push(path.clone());
            }
        }
        // Nix's set of store paths is ordered by their base names.
        missing.sort_by_key(|a| a.to_string());
        Ok(missing.iter().map(|p| dir.print(p)).collect())
    }

    /// The derivations and outputs the targets want (none: all), and the derivations once
    /// each, in order.
    #[allow(clippy::type_complexity)]
    pub(crate) fn wanted(
        &self,
        dir: &StoreDir,
        parse_user_path: &dyn Fn(&str) -> ntop_store::Result<StorePath>,
        targets: &[BuildTarget],
    ) -> Result<(Vec<(StorePath, Option<Vec<String>>)>, Vec<StorePath>)> {
        // (drv, outputs wanted: None for all) per target.
        let mut wanted: Vec<(StorePath, Option<Vec<String>>)> = Vec::new();
        for target in targets {
            match target {
                BuildTarget::Output(o) => {
                    wanted.push((o.path.clone(), Some(vec![o.output.clone()])))
                }
                BuildTarget::Drv { arg } => {
                    let (path, outputs) = match arg.split_once('!') {
                        Some((p, outs)) => (p, Some(outs.split(',').map(str::to_owned).collect())),
                        None => (arg.as_str(), None),
                    };
                    let path = parse_user_path(&self.absolute_arg(path))?;
                    if !path.is_derivation() {
                        return Err(Error::request(
                            "driver::not_a_derivation",
                            format!("'{}' is not a derivation", dir.print(&path)),
                        ));
                    }
                    wanted.push((path, outputs));
                }
            }
        }
        let roots: Vec<StorePath> = {
            let mut seen = BTreeSet::new();
            wanted
                .iter()
                .map(|(p, _)| p.clone())
                .filter(|p| seen.insert(p.clone()))
                .collect()
        };
        Ok((wanted, roots))
    }

    fn absolute_arg(&self, arg: &str) -> String {
        if Path::new(arg).is_absolute() {
            arg.to_owned()
        } else {
            self.cwd.join(arg).display().to_string()
        }
    }

    /// The derivations the builder may need for `roots`: those the session knows (written
    /// or read while evaluating), and — for `.drv` paths named directly — the closure read
    /// from the store once.
    fn derivation_graph(
        &self,
        store: &LocalStore,
        roots: &[StorePath],
    ) -> Result<BTreeMap<StorePath, Derivation>> {
        let known = self.known.borrow();
        let mut graph = BTreeMap::new();
        let mut todo: Vec<StorePath> = roots.to_vec();
        while let Some(path) = todo.pop() {
            if graph.contains_key(&path) {
                continue;
            }
            let drv = match known.drvs.get(&path) {
                Some(d) => d.clone(),
                None => store.read_derivation(&path)?,
            };
            todo.extend(drv.input_drvs.keys().cloned());
            graph.insert(path, drv);
        }
        Ok(graph)
    }
}

/// The `n`-th target's link for output `output`: `result`, `result-2`…, `result-dev`.
pub(crate) fn result_link_name(base: &str, n: usize, output: &str) -> String {
    let mut link = base.to_owned();
    if n > 1 {
        link.push_str(&format!("-{n}"));
    }
    if output != "out" {
        link.push_str(&format!("-{output}"));
    }
    link
}

/// Points `link` at `target` (replacing an older link atomically) and registers it as a
/// garbage-collector root.
fn make_result_link(store: &LocalStore, link: &Path, target: &Path) -> Result<()> {
    place_link(link, target)?;
    ntop_store::add_indirect_root(store, link)?;
    Ok(())
}

/// Points `link` at `target`, replacing an older link atomically (never another file).
pub(crate) fn place_link(link: &Path, target: &Path) -> Result<()> {
    if let Ok(meta) = std::fs::symlink_metadata(link) {
        if !meta.file_type().is_symlink() {
            return Err(Error::request(
                "driver::result_link",
                format!(
                    "cannot create result link '{}': a file is in the way",
                    link.display()
                ),
            ));
        }
    }
    let tmp = link.with_file_name(format!(
        ".{}.tmp-{}",
        link.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("result"),
        std::process::id()
    ));
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(target, &tmp)
        .and_then(|()| std::fs::rename(&tmp, link))
        .map_err(|e| {
            Error::request(
                "driver::result_link",
                format!("creating result link '{}': {e}", link.display()),
            )
        })?;
    Ok(())
}

/// A failed derivation as a diagnostic: the builder's error, and the tail of its log.
fn failure_diagnostic(store: &LocalStore, failure: &Failure) -> Diagnostic {
    let mut d = Diagnostic::from(&failure.error);
    if matches!(
        failure.error,
        ntop_builder::BuildError::DependencyFailed { .. }
    ) {
        return d;
    }
    if !failure.log_tail.is_empty() {
        let mut tail = format!("last {} log lines:", failure.log_tail.len());
        for line in &failure.log_tail {
            tail.push_str("\n> ");
            tail.push_str(line);
        }
        d.notes.push(tail);
    }
    if failure.log_file.is_some() {
        d.notes.push(format!(
            "For full logs, run 'ntop log {}'.",
            store.store_dir().print(&failure.drv)
        ));
    }
    d
}

/// The builder's events, told as [`BuildEvent`]s.
struct Adapter<'a> {
    observer: &'a dyn BuildObserver,
    store: &'a LocalStore,
}

pub(crate) fn short_name(drv: &StorePath) -> &str {
    drv.name().trim_end_matches(".drv")
}

impl ntop_builder::Observer for Adapter<'_> {
    fn event(&self, event: Event<'_>) {
        let event = match event {
            Event::Planned { to_build } => BuildEvent::Planned { to_build },
            Event::Started { drv } => {
                let printed = self.store.store_dir().print(drv);
                return self.observer.event(BuildEvent::Started {
                    name: short_name(drv),
                    drv: &printed,
                });
            }
            Event::Log { drv, line } => BuildEvent::Log {
                name: short_name(drv),
                line,
            },
            Event::Succeeded { drv } | Event::Substituted { drv } | Event::Failed { drv, .. } => {
                BuildEvent::Finished {
                    name: short_name(drv),
                }
            }
        };
        self.observer.event(event);
    }
}
