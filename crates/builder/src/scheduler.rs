//! The build graph and its execution.
//!
//! [`build`] takes the requested derivations and, for each one whose outputs are not all
//! valid, its input derivations, recursively (a derivation whose outputs are valid needs
//! nothing below it), from the derivations it is handed: it never reads a `.drv` file. The derivations to build then run on `jobs` worker threads in
//! dependency order: a derivation becomes ready when every input derivation it waits for has
//! been built.
//!
//! Before building, a worker takes the exclusive lock of each output (in a fixed order, so
//! two processes cannot deadlock) and checks validity again: another ntop may have built it
//! meanwhile. A failure marks everything depending on it as failed; without `keep_going` no
//! new build starts, but those running finish.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::{Condvar, Mutex};

use ntop_store::{closure, remove_tree, Derivation, FileLock, LocalStore, LockKind, StorePath};

use crate::builder::{self, Job};
use crate::error::{BuildError, Result};
use crate::interrupt;
use crate::outputs::{finish, Finish};
use crate::stale::clean_stale;
use crate::{output_paths, BuildConfig, BuildOutcome, Event, Failure, Observer};

struct Node<'a> {
    path: StorePath,
    drv: &'a Derivation,
    outputs: BTreeMap<String, StorePath>,
    /// Indices of the input derivations that must be built first.
    deps: Vec<usize>,
    dependents: Vec<usize>,
    valid: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Waiting,
    Running,
    Done,
    Failed,
}

struct State {
    status: Vec<Status>,
    waiting_for: Vec<usize>,
    ready: VecDeque<usize>,
    unfinished: usize,
    running: usize,
    stop: bool,
    failures: Vec<Failure>,
    built: usize,
}

/// Realises the outputs of `drvs`. `graph` holds the derivations by `.drv` path: every
/// requested one and every input derivation of one whose outputs are not all valid; the
/// derivations' input sources and their `.drv` files must be valid in the store.
pub fn build(
    store: &LocalStore,
    graph: &BTreeMap<StorePath, Derivation>,
    drvs: &[StorePath],
    config: &BuildConfig,
    observer: &dyn Observer,
) -> Result<BuildOutcome> {
    if !config.sandbox && !store.objects_at_store_dir() {
        return Err(BuildError::NoSandboxDivertedStore {
            store_dir: store.store_dir().as_str().to_owned(),
            physical: store.describe_objects_dir().into(),
        });
    }
    let _active = interrupt::Active::new();
    if interrupt::interrupted() {
        return Err(BuildError::Interrupted);
    }
    let _gc_lock = store.lock_gc(LockKind::Shared)?;
    clean_stale(store);
    let (nodes, index) = load_graph(store, graph, drvs)?;
    let mut state = State {
        status: vec![Status::Waiting; nodes.len()],
        waiting_for: nodes
            .iter()
            .map(|n| n.deps.iter().filter(|&&d| !nodes[d].valid).count())
            .collect(),
        ready: VecDeque::new(),
        unfinished: 0,
        running: 0,
        stop: false,
        failures: Vec::new(),
        built: 0,
    };
    for (i, node) in nodes.iter().enumerate() {
        if node.valid {
            state.status[i] = Status::Done;
        } else {
            state.unfinished += 1;
            if state.waiting_for[i] == 0 {
                state.ready.push_back(i);
            }
        }
    }
    observer.event(Event::Planned {
        to_build: state.unfinished,
    });
    let shared = (Mutex::new(state), Condvar::new());
    let workers = config.jobs.max(1).min(nodes.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| worker(store, &nodes, config, observer, &shared));
        }
    });
    let state = shared.0.into_inner().unwrap_or_else(|e| e.into_inner());
    if interrupt::interrupted() {
        return Err(BuildError::Interrupted);
    }
    let mut outcome = BuildOutcome {
        failures: state.failures,
        built: state.built,
        ..BuildOutcome::default()
    };
    for drv in drvs {
        if let Some(&i) = index.get(drv) {
            if state.status[i] == Status::Done {
                outcome
                    .outputs
                    .insert(drv.clone(), nodes[i].outputs.clone());
            }
        }
    }
    Ok(outcome)
}

fn load_graph<'a>(
    store: &LocalStore,
    graph: &'a BTreeMap<StorePath, Derivation>,
    drvs: &[StorePath],
) -> Result<(Vec<Node<'a>>, HashMap<StorePath, usize>)> {
    let dir = store.store_dir();
    let mut nodes: Vec<Node> = Vec::new();
    let mut index: HashMap<StorePath, usize> = HashMap::new();
    let mut todo: Vec<StorePath> = drvs.to_vec();
    while let Some(path) = todo.pop() {
        if index.contains_key(&path) {
            continue;
        }
        let drv = graph
            .get(&path)
            .ok_or_else(|| BuildError::MissingDerivation {
                drv: dir.print(&path),
            })?;
        let outputs = output_paths(dir, &path, drv)?;
        let mut valid = true;
        for p in outputs.values() {
            valid &= store.is_valid(p)? && store.is_present(p);
        }
        if !valid {
            for input in std::iter::once(&path).chain(&drv.input_srcs) {
                if !store.is_valid(input)? {
                    return Err(BuildError::InvalidInput {
                        drv: dir.print(&path),
                        input: dir.print(input),
                    });
                }
            }
        }
        if !valid {
            todo.extend(drv.input_drvs.keys().cloned());
        }
        index.insert(path.clone(), nodes.len());
        nodes.push(Node {
            path,
            drv,
            outputs,
            deps: Vec::new(),
            dependents: Vec::new(),
            valid,
        });
    }
    for i in 0..nodes.len() {
        if nodes[i].valid {
            continue;
        }
        let deps: Vec<usize> = nodes[i]
            .drv
            .input_drvs
            .keys()
            .filter_map(|p| index.get(p).copied())
            .collect();
        for &d in &deps {
            nodes[d].dependents.push(i);
        }
        nodes[i].deps = deps;
    }
    Ok((nodes, index))
}

fn worker(
    store: &LocalStore,
    nodes: &[Node],
    config: &BuildConfig,
    observer: &dyn Observer,
    (state, wake): &(Mutex<State>, Condvar),
) {
    let lock_state = || state.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let i = {
            let mut st = lock_state();
            loop {
                if interrupt::interrupted() {
                    st.stop = true;
                }
                if st.unfinished == 0 || (st.stop && st.running == 0) {
                    wake.notify_all();
                    return;
                }
                if !st.stop {
                    if let Some(i) = st.ready.pop_front() {
                        st.status[i] = Status::Running;
                        st.running += 1;
                        break i;
                    }
                }
                if st.stop && st.running == 0 {
                    return;
                }
                st = wake.wait(st).unwrap_or_else(|e| e.into_inner());
            }
        };
        let node = &nodes[i];
        let result = build_node(store, nodes, node, config, observer);
        let mut st = lock_state();
        st.running -= 1;
        st.unfinished -= 1;
        match result {
            Ok(built) => {
                st.status[i] = Status::Done;
                if built {
                    st.built += 1;
                    observer.event(Event::Succeeded { drv: &node.path });
                } else {
                    observer.event(Event::Substituted { drv: &node.path });
                }
                for &d in &node.dependents {
                    st.waiting_for[d] -= 1;
                    if st.waiting_for[d] == 0 && st.status[d] == Status::Waiting {
                        st.ready.push_back(d);
                    }
                }
            }
            Err(failure) => {
                st.status[i] = Status::Failed;
                // An interruption is reported once, by `build`'s result.
                if !matches!(failure.error, BuildError::Interrupted) {
                    observer.event(Event::Failed {
                        drv: &node.path,
                        failure: &failure,
                    });
                }
                let interrupted = matches!(failure.error, BuildError::Interrupted);
                st.failures.push(*failure);
                if !interrupted {
                    fail_dependents(&mut st, nodes, i, observer);
                }
                if !config.keep_going {
                    st.stop = true;
                }
            }
        }
        wake.notify_all();
    }
}

/// Marks everything that depends on `failed` as failed.
fn fail_dependents(st: &mut State, nodes: &[Node], failed: usize, observer: &dyn Observer) {
    let mut todo = nodes[failed].dependents.clone();
    while let Some(d) = todo.pop() {
        if st.status[d] != Status::Waiting {
            continue;
        }
        st.status[d] = Status::Failed;
        st.unfinished -= 1;
        st.ready.retain(|&r| r != d);
        let failure = Failure {
            drv: nodes[d].path.clone(),
            error: BuildError::DependencyFailed {
                drv: nodes[d].path.to_string(),
                dependency: nodes[failed].path.to_string(),
            },
            log_tail: Vec::new(),
            log_file: None,
        };
        observer.event(Event::Failed {
            drv: &nodes[d].path,
            failure: &failure,
        });
        st.failures.push(failure);
        todo.extend(nodes[d].dependents.iter().copied());
    }
}

/// Builds one derivation; `Ok(false)` if another process built it meanwhile.
fn build_node(
    store: &LocalStore,
    nodes: &[Node],
    node: &Node,
    config: &BuildConfig,
    observer: &dyn Observer,
) -> std::result::Result<bool, Box<Failure>> {
    let fail = |error: BuildError| {
        Box::new(Failure {
            drv: node.path.clone(),
            error,
            log_tail: Vec::new(),
            log_file: None,
        })
    };
    let _locks = lock_outputs(store, node).map_err(fail)?;
    let mut all_valid = true;
    for p in node.outputs.values() {
        all_valid &= store.is_valid(p).map_err(|e| fail(e.into()))? && store.is_present(p);
    }
    if all_valid {
        return Ok(false);
    }
    let inputs = input_closure(store, nodes, node).map_err(fail)?;
    let physical: Vec<_> = inputs.iter().map(|p| store.physical_path(p)).collect();
    let job = Job {
        store,
        drv_path: &node.path,
        drv: node.drv,
        outputs: &node.outputs,
        inputs: &physical,
        config,
        observer,
    };
    let run = builder::run(&job).map_err(fail)?;
    let result = run.result.and_then(|()| {
        finish(&Finish {
            store,
            drv_path: &node.path,
            drv: node.drv,
            outputs: &node.outputs,
            workspace: &run.workspace,
            closure: &inputs,
        })
    });
    match result {
        Ok(()) => {
            run.workspace.remove();
            Ok(true)
        }
        Err(error) => {
            // Nothing of a failed build stays in the store under an output's name.
            for p in node.outputs.values() {
                if !store.is_valid(p).unwrap_or(false) {
                    let _ = remove_tree(&store.physical_path(p));
                }
            }
            let mut log_tail = run.log_tail;
            if config.keep_failed && !matches!(error, BuildError::Interrupted) {
                run.workspace.keep();
                log_tail.push(format!(
                    "note: keeping build directory '{}'",
                    run.workspace.build_dir.display()
                ));
            } else {
                run.workspace.remove();
            }
            Err(Box::new(Failure {
                drv: node.path.clone(),
                error,
                log_tail,
                log_file: Some(run.log_file),
            }))
        }
    }
}

fn lock_outputs(store: &LocalStore, node: &Node) -> Result<Vec<FileLock>> {
    // Sorted by hash part, so that two processes take them in the same order.
    let by_hash: BTreeMap<String, &StorePath> =
        node.outputs.values().map(|p| (p.hash_part(), p)).collect();
    Ok(by_hash
        .values()
        .map(|p| store.lock_output(p))
        .collect::<ntop_store::Result<_>>()?)
}

/// The closure of the derivation's inputs: the used outputs of its input derivations and
/// its input sources, with everything they refer to.
fn input_closure(store: &LocalStore, nodes: &[Node], node: &Node) -> Result<BTreeSet<StorePath>> {
    let mut direct = Vec::new();
    for (drv_path, wanted) in &node.drv.input_drvs {
        let Some(input) = node
            .deps
            .iter()
            .map(|&d| &nodes[d])
            .find(|n| n.path == *drv_path)
        else {
            return Err(BuildError::MissingDerivation {
                drv: store.store_dir().print(drv_path),
            });
        };
        let outputs = &input.outputs;
        for name in wanted {
            let path = outputs.get(name).ok_or_else(|| BuildError::Unsupported {
                drv: store.store_dir().print(&node.path),
                message: format!(
                    "input derivation '{}' has no output '{name}'",
                    store.store_dir().print(drv_path)
                ),
            })?;
            direct.push(path.clone());
        }
    }
    direct.extend(node.drv.input_srcs.iter().cloned());
    Ok(closure(store, direct)?)
}
