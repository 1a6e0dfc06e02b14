//! `ntop build` through a Nix daemon: the daemon builds (`BuildPaths`) what the evaluator
//! wrote into its store, and its messages become the same [`BuildEvent`]s as ntop's own
//! builder sends. Output paths come from the derivations the session knows; result links
//! point at the printed paths and are registered with the daemon as indirect roots
//! (`AddIndirectRoot`), as Nix's client registers them.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use ntop_store::daemon::log::{Field, Message, RESULT_BUILD_LOG_LINE};
use ntop_store::daemon::BuildSettings;
use ntop_store::{Derivation, StoreDir, StorePath};

use super::{
    place_link, result_link_name, short_name, BuildEvent, BuildObserver, BuildOptions, BuildReport,
    BuildTarget, BuiltOutput,
};
use crate::error::{Error, Result};
use crate::session::{DaemonStore, Session};
use crate::store_access::read_daemon_derivation;

/// `actBuild`: the activity of one derivation's build; its first field is the `.drv` path.
const ACT_BUILD: u64 = 105;

/// Builds the targets through the daemon and links their outputs.
pub(super) fn build(
    session: &mut Session,
    daemon: &DaemonStore,
    targets: &[BuildTarget],
    options: &BuildOptions,
    observer: &dyn BuildObserver,
) -> Result<BuildReport> {
    let dir = &daemon.store_dir;
    let (wanted, roots) = session.wanted(dir, &|a| user_path(dir, a), targets)?;
    let graph = graph(session, daemon, &roots)?;
    let outputs = output_paths(dir, &graph)?;
    let missing = missing(daemon, &outputs)?;
    observer.event(BuildEvent::Planned {
        to_build: missing.len(),
    });
    let requests: Vec<(StorePath, Vec<String>)> = wanted
        .iter()
        .map(|(drv, names)| {
            let names = match names {
                Some(names) => names.clone(),
                None => outputs
                    .get(drv)
                    .map(|o| o.keys().cloned().collect())
                    .unwrap_or_default(),
            };
            (drv.clone(), names)
        })
        .collect();
    let mut report = BuildReport::default();
    if !missing.is_empty() {
        // The sandbox is the daemon's to choose (`sandbox` is a trusted setting): `--no-sandbox`
        // is not passed on.
        let cores = |n: Option<usize>| n.map_or(0, |n| n as u64);
        daemon
            .client
            .borrow_mut()
            .set_build_settings(&BuildSettings {
                keep_failed: options.keep_failed,
                keep_going: options.keep_going,
                max_build_jobs: options.jobs.map_or_else(
                    || cores(std::thread::available_parallelism().ok().map(usize::from)),
                    |n| n as u64,
                ),
                max_silent_time: options.max_silent_time.unwrap_or(0),
                build_cores: cores(options.cores),
                timeout: options.timeout.filter(|t| *t > 0),
            })?;
        let mut builds: HashMap<u64, StorePath> = HashMap::new();
        let mut on_message = |m: &Message| match m {
            Message::StartActivity {
                id, kind, fields, ..
            } if *kind == ACT_BUILD => {
                let Some(Field::Str(drv)) = fields.first() else {
                    return;
                };
                if let Ok(path) = dir.parse(drv) {
                    observer.event(BuildEvent::Started {
                        name: short_name(&path),
                        drv,
                    });
                    builds.insert(*id, path);
                }
            }
            Message::Result { id, kind, fields } if *kind == RESULT_BUILD_LOG_LINE => {
                if let (Some(path), Some(Field::Str(line))) = (builds.get(id), fields.first()) {
                    observer.event(BuildEvent::Log {
                        name: short_name(path),
                        line: line.as_bytes(),
                    });
                }
            }
            Message::StopActivity(id) => {
                if let Some(path) = builds.remove(id) {
                    observer.event(BuildEvent::Finished {
                        name: short_name(&path),
                    });
                }
            }
            Message::Next(text) => session.note(text.trim_end()),
            _ => {}
        };
        let built = daemon
            .client
            .borrow_mut()
            .build_paths_logged(&requests, Some(&mut on_message));
        if let Err(e) = built {
            report.failures.extend(Error::from(e).diagnostics());
        }
    }
    // What is valid now is linked, also after a failure (as with `--keep-going`).
    let still_missing = missing_outputs(daemon, &outputs)?;
    let mut n = 0;
    for (drv, names) in &requests {
        let Some(paths) = outputs.get(drv) else {
            continue;
        };
        n += 1;
        for name in names {
            let Some(path) = paths.get(name) else {
                return Err(Error::request(
                    "driver::no_such_output",
                    format!("derivation '{}' has no output '{name}'", dir.print(drv)),
                ));
            };
            if still_missing.contains(path) {
                continue;
            }
            let printed = dir.print(path);
            let link = match &options.out_link {
                Some(base) => {
                    let link = session.cwd.join(result_link_name(base, n, name));
                    place_link(&link, Path::new(&printed))?;
                    daemon.client.borrow_mut().add_indirect_root(&link)?;
                    Some(link)
                }
                None => None,
            };
            report.outputs.push(BuiltOutput {
                path: printed,
                link,
            });
        }
    }
    Ok(report)
}

/// `--dry-run`: the printed `.drv` paths with an output the daemon does not have.
pub(super) fn plan(
    session: &mut Session,
    daemon: &DaemonStore,
    targets: &[BuildTarget],
) -> Result<Vec<String>> {
    let dir = &daemon.store_dir;
    let (_, roots) = session.wanted(dir, &|a| user_path(dir, a), targets)?;
    let graph = graph(session, daemon, &roots)?;
    let outputs = output_paths(dir, &graph)?;
    let mut missing: Vec<StorePath> = missing(daemon, &outputs)?.into_iter().collect();
    missing.sort_by_key(|a| a.to_string());
    Ok(missing.iter().map(|p| dir.print(p)).collect())
}

/// A store path the user names on the command line: a link to a printed path (`./result`)
/// or the path itself.
fn user_path(dir: &StoreDir, arg: &str) -> ntop_store::Result<StorePath> {
    if let Ok(target) = std::fs::read_link(arg) {
        if let Some(target) = target.to_str() {
            if let Ok((path, _)) = dir.split(&ntop_store::canon_path(target)) {
                return Ok(path);
            }
        }
    }
    dir.split(&ntop_store::canon_path(arg)).map(|(p, _)| p)
}

/// The derivations `roots` need: those the session wrote or read, the others read from
/// the daemon's store once.
fn graph(
    session: &Session,
    daemon: &DaemonStore,
    roots: &[StorePath],
) -> Result<BTreeMap<StorePath, Derivation>> {
    let mut graph = BTreeMap::new();
    let mut todo: Vec<StorePath> = roots.to_vec();
    while let Some(path) = todo.pop() {
        if graph.contains_key(&path) {
            continue;
        }
        let known = session.known.borrow().drvs.get(&path).cloned();
        let drv = match known {
            Some(d) => d,
            None => read_daemon_derivation(daemon, &path)?,
        };
        todo.extend(drv.input_drvs.keys().cloned());
        graph.insert(path, drv);
    }
    Ok(graph)
}

type Outputs = BTreeMap<StorePath, BTreeMap<String, StorePath>>;

fn output_paths(dir: &StoreDir, graph: &BTreeMap<StorePath, Derivation>) -> Result<Outputs> {
    graph
        .iter()
        .map(|(path, drv)| Ok((path.clone(), ntop_builder::output_paths(dir, path, drv)?)))
        .collect()
}

/// The output paths the daemon does not have.
fn missing_outputs(daemon: &DaemonStore, outputs: &Outputs) -> Result<BTreeSet<StorePath>> {
    let all: Vec<StorePath> = outputs.values().flat_map(|o| o.values().cloned()).collect();
    let valid = daemon.client.borrow_mut().query_valid_paths(&all)?;
    Ok(all.into_iter().filter(|p| !valid.contains(p)).collect())
}

/// The derivations with an output the daemon does not have.
fn missing(daemon: &DaemonStore, outputs: &Outputs) -> Result<BTreeSet<StorePath>> {
    let absent = missing_outputs(daemon, outputs)?;
    Ok(outputs
        .iter()
        .filter(|(_, o)| o.values().any(|p| absent.contains(p)))
        .map(|(drv, _)| drv.clone())
        .collect())
}
