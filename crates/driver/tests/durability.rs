//! Durability, as a power loss would test it: the store reports every object written, every
//! sync and every registration (`SessionOptions::store_events`); after each registration,
//! every path it made valid must have been written and then synced — so that a power loss
//! at any moment leaves no registered object whose bytes did not reach the disk. The
//! sessions instantiate the bundled example (a NixOS system: sources, `toFile` texts, `.drv`
//! files) and a derivation graph, and register them with their references.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ntop_driver::{
    Access, Environment, Input, InstantiateMode, Request, Session, SessionOptions, StoreEvent,
    StoreHandle,
};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository")
}

/// Replays the events: what is durable at each moment, and every registration checked
/// against it. Returns how many paths were registered.
fn check_events(events: &[StoreEvent]) -> Result<usize, String> {
    let mut written = BTreeSet::new();
    let mut durable = BTreeSet::new();
    let mut registered = 0;
    for event in events {
        match event {
            StoreEvent::Written(p) => {
                written.insert(p.clone());
            }
            StoreEvent::Synced => durable.extend(std::mem::take(&mut written)),
            StoreEvent::Registered(paths) => {
                for p in paths {
                    if !durable.contains(p) {
                        return Err(format!("{p} was registered before it was synced"));
                    }
                }
                registered += paths.len();
            }
        }
    }
    Ok(registered)
}

fn instantiate(store: &Path, file: &Path, modules: bool, events: Arc<Mutex<Vec<StoreEvent>>>) {
    let mut options = SessionOptions::new(repo(), Environment::vars([]));
    options.store_root = Some(store.to_path_buf());
    options.cache_home = Some(store.join("../cache"));
    options.access = Access::ReadWrite;
    options.store_events = Some(Arc::new(move |e: &StoreEvent| {
        events.lock().expect("events").push(e.clone())
    }));
    let mut session = Session::open(options);
    let request = Request {
        inputs: vec![Input::File(file.to_path_buf())],
        modules,
        ..Request::default()
    };
    if modules {
        let mut found = Vec::new();
        session
            .instantiate(&request, &mut found)
            .expect("instantiate");
        assert!(!found.is_empty());
        session.commit().expect("commit");
    } else {
        let mut out = Vec::new();
        session
            .nix_instantiate(&request, InstantiateMode::Derivations, None, &mut out)
            .expect("instantiate");
        assert!(!out.is_empty());
    }
}

#[test]
fn nothing_is_registered_before_it_is_durable() {
    let work = std::env::temp_dir().join(format!("ntop-durability-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let store = work.join("store");
    let events = Arc::new(Mutex::new(Vec::new()));
    instantiate(
        &store,
        &repo().join("examples/container-host.nix"),
        true,
        events.clone(),
    );
    instantiate(
        &store,
        &repo().join("nix-fixtures/bench/drv-graph-1000.nix"),
        false,
        events.clone(),
    );
    let events = events.lock().expect("events").clone();
    let registered = check_events(&events).unwrap_or_else(|e| panic!("{e}"));
    assert!(registered > 1000, "{registered} paths registered");
    // And what was registered is what is on disk, references closed.
    let mut options = SessionOptions::new(&work, Environment::vars([]));
    options.store_root = Some(store.clone());
    let summary = StoreHandle::open(&options, true)
        .and_then(|s| s.verify())
        .expect("verify");
    assert!(summary.problems.is_empty(), "{:?}", summary.problems);
    assert_eq!(summary.checked, registered);
    let _ = std::process::Command::new("chmod")
        .arg("-R")
        .arg("u+w")
        .arg(&work)
        .status();
    let _ = std::fs::remove_dir_all(&work);
}

/// The replay itself catches a registration that came before its sync.
#[test]
fn the_replay_catches_an_early_registration() {
    let p = ntop_store_path();
    let early = [
        StoreEvent::Written(p.clone()),
        StoreEvent::Registered(vec![p.clone()]),
        StoreEvent::Synced,
    ];
    assert!(check_events(&early).is_err());
    let right = [
        StoreEvent::Written(p.clone()),
        StoreEvent::Synced,
        StoreEvent::Registered(vec![p]),
    ];
    assert_eq!(check_events(&right), Ok(1));
}

fn ntop_store_path() -> ntop_store::StorePath {
    ntop_store::StorePath::from_base_name("0a7w6k3z5ls8nqm8s9b3a2vkqdcxfb0r-a").expect("a path")
}
