//! The Nix flavour of the store against what Nix 2.8 itself wrote: the rows below were read
//! with `sqlite3 db.sqlite 'select * from ValidPaths; …'` from a store made by
//! `nix-build --store 'local?root=DIR'` of a derivation with one `toFile` input; the tests
//! that run the reference `nix-store` skip, saying so, where it is not installed.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::Path;
use std::process::Command;

use rusqlite::Connection;

use super::*;
use crate::test_support::TempDir;
use crate::{LocalStore, StoreMode, StorePath};

/// The `.drv` Nix wrote for `derivation { name = "t"; builder = "/bin/sh"; args = [ "-c"
/// "echo ${builtins.toFile "dep.txt" "hello"} > $out" ]; system = "x86_64-linux"; }`.
const DRV: &str = r#"Derive([("out","/nix/store/rcba2rl22gh7cc93wwfy5gw0bd8b3kmd-t","","")],[],["/nix/store/cl9975wf8b76nf5ad7ydipk064xi3sm2-dep.txt"],"x86_64-linux","/bin/sh",["-c","echo /nix/store/cl9975wf8b76nf5ad7ydipk064xi3sm2-dep.txt > $out"],[("builder","/bin/sh"),("name","t"),("out","/nix/store/rcba2rl22gh7cc93wwfy5gw0bd8b3kmd-t"),("system","x86_64-linux")])"#;

fn config(tmp: &TempDir) -> NixStoreConfig {
    let uri = format!("local?root={}", tmp.path().display());
    match NixStoreConfig::parse(&uri, None, &|_| None) {
        Ok(Some((StoreUri::Nix(config), _))) => config,
        other => panic!("not a Nix store: {other:?}"),
    }
}

fn open(tmp: &TempDir) -> LocalStore {
    LocalStore::open_nix(config(tmp), StoreMode::ReadWrite).expect("open")
}

/// `dep.txt` and the `.drv`, registered.
fn add_both(store: &LocalStore) -> (StorePath, StorePath) {
    let dep = store
        .add_text("dep.txt", b"hello", &BTreeSet::new())
        .expect("dep");
    let drv = store
        .add_text("t.drv", DRV.as_bytes(), &[dep.clone()].into())
        .expect("drv");
    store.commit().expect("commit");
    (dep, drv)
}

fn rows(db: &Connection, query: &str) -> Vec<Vec<Option<String>>> {
    let mut stmt = db.prepare(query).expect("prepare");
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n)
            .map(|i| {
                r.get::<_, rusqlite::types::Value>(i).map(|v| match v {
                    rusqlite::types::Value::Null => None,
                    rusqlite::types::Value::Integer(i) => Some(i.to_string()),
                    rusqlite::types::Value::Text(t) => Some(t),
                    other => Some(format!("{other:?}")),
                })
            })
            .collect()
    })
    .expect("query")
    .collect::<Result<_, _>>()
    .expect("rows")
}

fn s(v: &str) -> Option<String> {
    Some(v.to_owned())
}

#[test]
fn registers_rows_as_nix_does() {
    let tmp = TempDir::new("nixdb-rows");
    let store = open(&tmp);
    let (dep, drv) = add_both(&store);
    assert_eq!(
        drv.to_string(),
        "zpsp30riz7b7f13564yfixvc44bpkvj5-t.drv",
        "the path Nix gave it"
    );
    let state = tmp.path().join("nix/var/nix");
    assert_eq!(
        fs::read_to_string(state.join("db/schema")).expect("schema"),
        "10"
    );
    assert!(state.join("db/big-lock").exists());
    let db = Connection::open(state.join("db/db.sqlite")).expect("sqlite");
    // Every column but the id and the registration time, as Nix wrote them.
    assert_eq!(
        rows(
            &db,
            "select path, hash, deriver, narSize, ultimate, sigs, ca from ValidPaths order by id"
        ),
        [
            vec![
                s("/nix/store/cl9975wf8b76nf5ad7ydipk064xi3sm2-dep.txt"),
                s("sha256:0a430879c266f8b57f4092a0f935cf3facd48bbccde5760d4748ca405171e969"),
                None,
                s("120"),
                None,
                None,
                s("text:sha256:094qif9n4cq4fdg459qzbhg1c6wywawwaaivx0k0x8xhbyx4vwic"),
            ],
            vec![
                s("/nix/store/zpsp30riz7b7f13564yfixvc44bpkvj5-t.drv"),
                s("sha256:f780deb469c97e5061d959d89e7d28424b3b93eee2f6003b72bf382c3e59be58"),
                None,
                s("464"),
                None,
                None,
                s("text:sha256:0zf85vwvc9d4h3yiqvjcsv1n95sn5xczs3wlx7l54y496ch0v3mz"),
            ],
        ]
    );
    assert_eq!(
        rows(
            &db,
            "select r.path, d.path from Refs join ValidPaths r on r.id = referrer
             join ValidPaths d on d.id = reference"
        ),
        [vec![
            s("/nix/store/zpsp30riz7b7f13564yfixvc44bpkvj5-t.drv"),
            s("/nix/store/cl9975wf8b76nf5ad7ydipk064xi3sm2-dep.txt"),
        ]]
    );
    assert_eq!(
        rows(&db, "select id, path from DerivationOutputs"),
        [vec![
            s("out"),
            s("/nix/store/rcba2rl22gh7cc93wwfy5gw0bd8b3kmd-t")
        ]]
    );
    assert_eq!(
        rows(&db, "pragma journal_mode"),
        [vec![s("wal")]],
        "WAL, as Nix opens it"
    );
    // And ntop reads it back.
    let got = store.db().expect("db");
    assert_eq!(got.references(&drv).expect("refs"), [dep.clone()].into());
    assert_eq!(got.referrers(&dep).expect("refs"), [drv.clone()].into());
    let info = got.query_path_info(&dep).expect("info").expect("valid");
    assert_eq!(info.nar_size, 120);
    assert_eq!(got.valid_paths().expect("list"), [dep.clone(), drv.clone()]);
    // Invalidating the .drv drops its outputs' rows (on delete cascade).
    got.invalidate(&[drv, dep]).expect("invalidate");
    assert!(rows(&db, "select * from DerivationOutputs").is_empty());
}

#[test]
fn refuses_a_schema_only_nix_may_upgrade() {
    let tmp = TempDir::new("nixdb-schema");
    let dir = tmp.path().join("nix/var/nix/db");
    fs::create_dir_all(&dir).expect("db dir");
    fs::write(dir.join("schema"), "7").expect("schema");
    let err = LocalStore::open_nix(config(&tmp), StoreMode::ReadWrite).expect_err("old");
    assert_eq!(err.code(), "store::db_schema_too_old");
    fs::write(dir.join("schema"), "11").expect("schema");
    let err = LocalStore::open_nix(config(&tmp), StoreMode::ReadWrite).expect_err("new");
    assert_eq!(err.code(), "store::db_schema_too_new");
}

#[test]
fn temporary_roots_and_path_locks_are_nix_s_files() {
    let tmp = TempDir::new("nixdb-roots");
    let store = open(&tmp);
    let (dep, drv) = add_both(&store);
    let file = tmp
        .path()
        .join("nix/var/nix/temproots")
        .join(std::process::id().to_string());
    assert_eq!(
        fs::read(&file).expect("temporary roots"),
        format!("/nix/store/{dep}\0/nix/store/{drv}\0").into_bytes()
    );
    // Held by this process, so live for a collector.
    let config = config(&tmp);
    assert_eq!(
        roots::temp_roots(&config, store.store_dir()).expect("read"),
        [format!("/nix/store/{dep}"), format!("/nix/store/{drv}")]
    );
    let out = StorePath::from_base_name("rcba2rl22gh7cc93wwfy5gw0bd8b3kmd-t").expect("path");
    let lock = store.lock_output(&out).expect("lock");
    let lock_file = tmp
        .path()
        .join("nix/store/rcba2rl22gh7cc93wwfy5gw0bd8b3kmd-t.lock");
    assert!(lock_file.exists(), "Nix's lock file while held");
    drop(lock);
    assert!(!lock_file.exists(), "removed when released, as Nix does");
    drop(store);
    assert!(!file.exists(), "the roots go with the store");
}

#[test]
fn nix_s_collector_keeps_ntop_s_temporary_roots() {
    if !Command::new("nix-store")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        eprintln!("skipped: nix-store (the reference Nix 2.8) is not installed");
        return;
    }
    let tmp = TempDir::new("nixdb-nixgc");
    let uri = format!("local?root={}", tmp.path().display());
    let gc = || {
        let out = Command::new("nix-store")
            .args(["--store", &uri, "--gc"])
            .env("NIX_CONFIG", "substituters =")
            .env("NIX_CONF_DIR", tmp.path().join("etc"))
            .env("HOME", tmp.path())
            .output()
            .expect("nix-store runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let store = open(&tmp);
    let (dep, drv) = add_both(&store);
    let physical = |p: &StorePath| tmp.path().join("nix/store").join(p.to_string());
    gc();
    assert!(
        physical(&dep).exists() && physical(&drv).exists(),
        "kept while ntop runs"
    );
    drop(store);
    gc();
    assert!(
        !physical(&dep).exists() && !physical(&drv).exists(),
        "garbage once it is gone"
    );
}

fn parse(uri: &str, env: &[(&str, &str)]) -> (StoreUri, Vec<String>) {
    let env: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    NixStoreConfig::parse(uri, None, &|k| env.get(k).cloned())
        .expect("parses")
        .expect("a local store")
}

#[test]
fn local_store_uris_name_nix_directories() {
    // `nix-store --store 'local?root=/tmp/ny' --init` with NIX_STORE_DIR=/foo/store
    // created /tmp/ny/nix/store and /tmp/ny/nix/var/nix: the root ignores the variables.
    let (uri, warnings) = parse("local?root=/tmp/ny", &[("NIX_STORE_DIR", "/foo/store")]);
    assert!(warnings.is_empty());
    let StoreUri::Nix(c) = uri else {
        panic!("not a Nix store")
    };
    assert_eq!(c.real_dir, Path::new("/tmp/ny/nix/store"));
    assert_eq!(c.state_dir, Path::new("/tmp/ny/nix/var/nix"));
    assert_eq!(c.log_dir, Path::new("/tmp/ny/nix/var/log/nix"));
    assert_eq!(c.store_dir, "/foo/store");
    let (uri, _) = parse("local", &[("NIX_STATE_DIR", "/s")]);
    let StoreUri::Nix(c) = uri else {
        panic!("not a Nix store")
    };
    assert_eq!(c.real_dir, Path::new("/nix/store"));
    assert_eq!(c.state_dir, Path::new("/s"));
    assert_eq!(
        c.log_path("zpsp30riz7b7f13564yfixvc44bpkvj5-t.drv"),
        Path::new("/nix/var/log/nix/drvs/zp/sp30riz7b7f13564yfixvc44bpkvj5-t.drv")
    );
    // Nix warns "unknown setting 'foo'" and goes on.
    let (_, warnings) = parse("local?root=/r&foo=1", &[]);
    assert_eq!(warnings, ["unknown setting 'foo'"]);
    assert_eq!(parse("auto", &[]).0, StoreUri::Auto);
    assert!(NixStoreConfig::parse("/some/dir", None, &|_| None)
        .expect("parses")
        .is_none());
    let err = NixStoreConfig::parse("local?root=rel", None, &|_| None).expect_err("relative");
    assert_eq!(err.code(), "store::bad_store_uri");
}
