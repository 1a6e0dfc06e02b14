//! A temporary store and derivations made without Nix: `/bin/sh -c SCRIPT` builders,
//! completed by `finish_derivation` exactly as the evaluator completes them.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use std::cell::RefCell;

use ntop_builder::{BuildConfig, BuildOutcome, Quiet};
use ntop_store::{
    finish_derivation, Derivation, DerivationOutput, DrvHashCache, Hash, IngestionMethod,
    LocalStore, StoreDir, StoreMode, StorePath,
};

pub struct TestStore {
    pub dir: PathBuf,
    pub store: LocalStore,
    /// Every derivation written, as the builder is handed them.
    pub graph: RefCell<BTreeMap<StorePath, Derivation>>,
}

impl Drop for TestStore {
    fn drop(&mut self) {
        make_writable(&self.dir);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn make_writable(dir: &Path) {
    if let Ok(meta) = std::fs::symlink_metadata(dir) {
        if meta.is_dir() {
            let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
            if let Ok(entries) = std::fs::read_dir(dir) {
                for e in entries.flatten() {
                    make_writable(&e.path());
                }
            }
        }
    }
}

/// How a test derivation is made.
#[derive(Default)]
pub struct Spec<'a> {
    pub script: &'a str,
    /// Input derivations and the outputs used.
    pub inputs: &'a [(&'a StorePath, &'a [&'a str])],
    pub outputs: &'a [&'a str],
    pub env: &'a [(&'a str, &'a str)],
    /// A fixed output: method and hash.
    pub fixed: Option<(IngestionMethod, Hash)>,
}

impl TestStore {
    pub fn new(label: &str) -> TestStore {
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "ntop-build-test-{label}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("tmp")).expect("create test dir");
        let store = LocalStore::open(
            dir.join("root"),
            StoreDir::new("/nix/store").expect("store dir"),
            StoreMode::ReadWrite,
        )
        .expect("open store");
        TestStore {
            dir,
            store,
            graph: RefCell::new(BTreeMap::new()),
        }
    }

    pub fn config(&self) -> BuildConfig {
        BuildConfig {
            jobs: 2,
            cores: 1,
            keep_failed: false,
            keep_going: false,
            sandbox: true,
            tmp_dir: self.dir.join("tmp"),
            timeout: None,
            max_silent_time: None,
            ..BuildConfig::default()
        }
    }

    /// The store's database.
    pub fn db(&self) -> &ntop_store::Database {
        self.store.db().expect("a read-write store has a database")
    }

    /// Writes (and registers) a derivation named `name`; returns its `.drv` path.
    pub fn drv(&self, name: &str, spec: Spec<'_>) -> StorePath {
        let outputs: &[&str] = if spec.outputs.is_empty() {
            &["out"]
        } else {
            spec.outputs
        };
        let mut drv = Derivation {
            name: name.to_owned(),
            system: b"x86_64-linux".to_vec(),
            builder: b"/bin/sh".to_vec(),
            args: vec![b"-c".to_vec(), spec.script.as_bytes().to_vec()],
            ..Derivation::default()
        };
        for o in outputs {
            let kind = match &spec.fixed {
                Some((method, hash)) => DerivationOutput::CaFixed {
                    method: *method,
                    hash: hash.clone(),
                },
                None => DerivationOutput::Deferred,
            };
            drv.outputs.insert((*o).to_owned(), kind);
        }
        for (input, used) in spec.inputs {
            drv.input_drvs.insert(
                (*input).clone(),
                used.iter()
                    .map(|s| (*s).to_owned())
                    .collect::<BTreeSet<_>>(),
            );
        }
        let mut env: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        env.insert("name".into(), name.into());
        env.insert("system".into(), b"x86_64-linux".to_vec());
        env.insert("builder".into(), b"/bin/sh".to_vec());
        env.insert("PATH".into(), b"/bin:/usr/bin".to_vec());
        env.insert("outputs".into(), outputs.join(" ").into_bytes());
        for (input, used) in spec.inputs {
            let input_drv = self.graph.borrow()[*input].clone();
            for o in *used {
                let p = input_drv.outputs[*o]
                    .path(self.store.store_dir(), &input_drv.name, o)
                    .expect("path")
                    .expect("known path");
                let var = format!("{}_{o}", input_drv.name.replace('-', "_"));
                env.insert(var, self.store.store_dir().print(&p).into_bytes());
            }
        }
        for (k, v) in spec.env {
            env.insert((*k).to_owned(), v.as_bytes().to_vec());
        }
        drv.env = env;
        let mut cache = DrvHashCache::new();
        let store = &self.store;
        let (path, _) = finish_derivation(
            store.store_dir(),
            &mut drv,
            &mut cache,
            &mut |p: &StorePath| store.read_derivation(p),
        )
        .expect("finish derivation");
        let written = self.store.write_derivation(&drv).expect("write drv");
        assert_eq!(written, path);
        self.store.commit().expect("register the drv");
        self.graph.borrow_mut().insert(path.clone(), drv);
        path
    }

    pub fn build(&self, drvs: &[&StorePath], config: &BuildConfig) -> BuildOutcome {
        let drvs: Vec<StorePath> = drvs.iter().map(|d| (*d).clone()).collect();
        ntop_builder::build(&self.store, &self.graph.borrow(), &drvs, config, &Quiet)
            .expect("build session")
    }

    /// The path of output `out` of a built derivation in `outcome`.
    pub fn out(&self, outcome: &BuildOutcome, drv: &StorePath, output: &str) -> StorePath {
        outcome.outputs[drv][output].clone()
    }

    pub fn read(&self, path: &StorePath, rel: &str) -> String {
        let mut p = self.store.physical_path(path);
        if !rel.is_empty() {
            p.push(rel);
        }
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("reading {}: {e}", p.display()))
    }

    /// Entries left in the build-directory parent (should be none after a build).
    pub fn leftover_build_dirs(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.join("tmp"))
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        if let Ok(rd) = std::fs::read_dir(self.store.chroot_path("")) {
            names.extend(
                rd.flatten()
                    .map(|e| format!("chroots/{}", e.file_name().to_string_lossy())),
            );
        }
        names
    }

    pub fn logical(&self, p: &StorePath) -> String {
        self.store.store_dir().print(p)
    }
}
