use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;

use super::*;
use crate::derivation::tests::{cases, drv_text, read_fixture};
use crate::test_support::{sample_tree, TempDir};

fn open(tmp: &TempDir, mode: StoreMode) -> LocalStore {
    LocalStore::open(tmp.path().join("root"), StoreDir::default(), mode).expect("open store")
}

fn no_filter() -> impl FnMut(&Path, FileKind) -> Result<bool> {
    |_, _| Ok(true)
}

fn printed(store: &LocalStore, path: &StorePath) -> String {
    store.store_dir().print(path)
}

#[test]
fn add_text_writes_a_read_only_file() {
    let tmp = TempDir::new("store-text");
    let store = open(&tmp, StoreMode::ReadWrite);
    let path = store.add_text("foo", b"x", &BTreeSet::new()).expect("add");
    // `nix-instantiate --eval -E 'builtins.toFile "foo" "x"'` (Nix 2.8.0)
    assert_eq!(
        printed(&store, &path),
        "/nix/store/v6rf2krqwv89wwyvr7bbiyp62hmjxsy1-foo"
    );
    let physical = tmp
        .path()
        .join("root/store/v6rf2krqwv89wwyvr7bbiyp62hmjxsy1-foo");
    assert_eq!(store.physical_path(&path), physical);
    assert_eq!(fs::read(&physical).expect("read"), b"x");
    let meta = fs::metadata(&physical).expect("stat");
    assert_eq!(
        (meta.permissions().mode() & 0o7777, meta.mtime()),
        (0o444, 1)
    );
    assert!(store.is_present(&path));
    // Adding it again finds it present.
    assert_eq!(
        store
            .add_text("foo", b"x", &BTreeSet::new())
            .expect("again"),
        path
    );
    let leftovers: Vec<_> = fs::read_dir(tmp.path().join("root/store"))
        .expect("ls")
        .flatten()
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left behind");
}

#[test]
fn add_path_matches_nix_store_add() {
    let src = sample_tree();
    let tmp = TempDir::new("store-add");
    let store = open(&tmp, StoreMode::ReadWrite);
    // `nix-store --add tree hello.txt run.sh link` in the sample tree (Nix 2.8.0).
    let expected = [
        ("tree", "/nix/store/b4lczwk0f6zh4imk2vlpxpmkkhll0v9d-tree"),
        (
            "hello.txt",
            "/nix/store/xrabnx1r49hn890prhx86h6iyn19p976-hello.txt",
        ),
        (
            "run.sh",
            "/nix/store/hgl6cwhlhzpznapan2nfnls2nyyv4lqb-run.sh",
        ),
        ("link", "/nix/store/xbr8y68bgwcs6lin3ncqvanhzg1x10bn-link"),
    ];
    for (name, want) in expected {
        let path = store.add_path(
            &src.path().join(name),
            name,
            IngestionMethod::Recursive,
            &mut no_filter(),
        );
        let path = path.expect("add");
        assert_eq!(printed(&store, &path), want);
        // The copy has the NAR that was hashed.
        let (hash, _) = nar::nar_hash(&store.physical_path(&path)).expect("hash copy");
        assert_eq!(
            store
                .store_dir()
                .make_source_path(name, &hash, &BTreeSet::new(), false)
                .expect("path"),
            path
        );
    }
    // After `nix-store --add tree`: modes 0555/0444, mtime 1, symlink kept.
    let tree = store.physical_path(&store.store_dir().parse(expected[0].1).expect("path"));
    let mode = |p: &str| {
        fs::symlink_metadata(tree.join(p)).map(|m| (m.permissions().mode() & 0o7777, m.mtime()))
    };
    assert_eq!(mode("").expect("stat"), (0o555, 1));
    assert_eq!(mode("exe").expect("stat"), (0o555, 1));
    assert_eq!(mode("b.txt").expect("stat"), (0o444, 1));
    assert_eq!(
        fs::read_link(tree.join("link")).expect("readlink"),
        Path::new("b.txt")
    );
}

#[test]
fn add_path_with_filter_and_flat() {
    let src = sample_tree();
    let tmp = TempDir::new("store-filter");
    let store = open(&tmp, StoreMode::ReadWrite);
    // `builtins.path { path = …/tree; name = "filtered"; filter = p: t: baseNameOf p != "link"; }`
    let mut calls = 0;
    let mut filter = |p: &Path, _: FileKind| -> Result<bool> {
        calls += 1;
        Ok(p.file_name().is_none_or(|n| n != "link"))
    };
    let path = store.add_path(
        &src.path().join("tree"),
        "filtered",
        IngestionMethod::Recursive,
        &mut filter,
    );
    assert_eq!(
        printed(&store, &path.expect("add")),
        "/nix/store/4ca3vjfm3wdk3yjx5kj82cly2z0h3ks8-filtered"
    );
    assert_eq!(calls, 9, "the filter runs once per object below the root");
    // `nix-store --add-fixed sha256 hello.txt run.sh`, and
    // `builtins.path { path = …/hello.txt; recursive = false; }` gives the same path.
    let flat = |name: &str| {
        store.add_path(
            &src.path().join(name),
            name,
            IngestionMethod::Flat,
            &mut no_filter(),
        )
    };
    let hello = flat("hello.txt").expect("flat");
    assert_eq!(
        printed(&store, &hello),
        "/nix/store/6g99pcrpapn5x08wpcyiq20wj4qgml24-hello.txt"
    );
    let run = flat("run.sh").expect("flat");
    assert_eq!(
        printed(&store, &run),
        "/nix/store/8ryqzj9wi83f5d9sijbmxhkffg8bbb7b-run.sh"
    );
    // `stat -c %a` of that path: Nix keeps the executable bit of a flat file.
    let meta = fs::metadata(store.physical_path(&run)).expect("stat");
    assert_eq!(meta.permissions().mode() & 0o7777, 0o555);
    assert!(matches!(
        flat("tree"),
        Err(Error::UnsupportedFileType { .. })
    ));
}

#[test]
fn derivations_round_trip_through_the_store() {
    let tmp = TempDir::new("store-drv");
    let store = open(&tmp, StoreMode::ReadWrite);
    for (case, path) in cases() {
        let drv = read_fixture(&path).expect("parse");
        assert_eq!(store.write_derivation(&drv).expect("write"), path, "{case}");
        assert_eq!(
            fs::read(store.physical_path(&path)).expect("read"),
            drv_text(&path),
            "{case}"
        );
        assert_eq!(
            store.read_derivation(&path).expect("read back"),
            drv,
            "{case}"
        );
    }
}

#[test]
fn dry_run_computes_paths_without_writing() {
    let src = sample_tree();
    let tmp = TempDir::new("store-dry");
    let store = open(&tmp, StoreMode::DryRun);
    let text = store
        .add_text("foo", b"x", &BTreeSet::new())
        .expect("compute");
    assert_eq!(
        printed(&store, &text),
        "/nix/store/v6rf2krqwv89wwyvr7bbiyp62hmjxsy1-foo"
    );
    let tree = store.add_path(
        &src.path().join("tree"),
        "tree",
        IngestionMethod::Recursive,
        &mut no_filter(),
    );
    assert_eq!(
        printed(&store, &tree.expect("compute")),
        "/nix/store/b4lczwk0f6zh4imk2vlpxpmkkhll0v9d-tree"
    );
    let (_, simple) = cases()
        .into_iter()
        .find(|(c, _)| c == "simple")
        .expect("case");
    let drv = read_fixture(&simple).expect("parse");
    assert_eq!(store.write_derivation(&drv).expect("compute"), simple);
    assert!(!tmp.path().join("root").exists());
}

#[test]
fn concurrent_adds_of_the_same_path_both_succeed() {
    let src = sample_tree();
    let tmp = TempDir::new("store-race");
    let store = open(&tmp, StoreMode::ReadWrite);
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let store = store.clone();
                let tree = src.path().join("tree");
                s.spawn(move || {
                    let a =
                        store.add_path(&tree, "tree", IngestionMethod::Recursive, &mut no_filter());
                    let b = store.add_text("foo", b"x", &BTreeSet::new());
                    (a.map_err(|e| e.to_string()), b.map_err(|e| e.to_string()))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().map_err(|_| "thread panicked".to_owned()))
            .collect()
    });
    let mut distinct = BTreeMap::new();
    for r in results {
        let (a, b) = r.expect("thread");
        distinct.insert(a.expect("tree"), b.expect("text"));
    }
    assert_eq!(distinct.len(), 1);
    let leftovers = fs::read_dir(tmp.path().join("root/store"))
        .expect("ls")
        .flatten()
        .count();
    assert_eq!(leftovers, 2, "only the two objects remain");
}

#[test]
fn maps_logical_paths_to_physical_ones() {
    let tmp = TempDir::new("store-map");
    let store = open(&tmp, StoreMode::DryRun);
    let p = store
        .to_physical("/nix/store/v6rf2krqwv89wwyvr7bbiyp62hmjxsy1-foo/bin/sh")
        .expect("in store");
    assert_eq!(
        p,
        tmp.path()
            .join("root/store/v6rf2krqwv89wwyvr7bbiyp62hmjxsy1-foo/bin/sh")
    );
    assert_eq!(store.to_physical("/usr/bin/sh"), None);
}

#[test]
fn commit_syncs_then_registers_what_was_written_with_its_references() {
    let tmp = TempDir::new("store-commit");
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = events.clone();
    let store = open(&tmp, StoreMode::ReadWrite)
        .with_events(move |e| sink.lock().expect("events").push(e.clone()));
    let a = store.add_text("a", b"A", &BTreeSet::new()).expect("add a");
    let b = store
        .add_text("b", b"B", &[a.clone()].into())
        .expect("add b");
    // Written, not yet valid.
    assert!(!store.is_valid(&a).expect("query") && store.is_present(&a));
    assert_eq!(store.commit().expect("commit"), 2);
    assert!(store.is_valid(&a).expect("query") && store.is_valid(&b).expect("query"));
    assert_eq!(
        store.db().expect("db").references(&b).expect("refs"),
        [a.clone()].into()
    );
    let info = store
        .db()
        .expect("db")
        .query_path_info(&a)
        .expect("info")
        .expect("valid");
    // The NAR hash registered is the object's.
    assert_eq!(
        info.nar_hash,
        nar::nar_hash(&store.physical_path(&a)).expect("nar").0
    );
    let events = events.lock().expect("events").clone();
    let mut both = vec![a.clone(), b.clone()];
    both.sort();
    assert_eq!(
        events,
        [
            StoreEvent::Written(a.clone()),
            StoreEvent::Written(b.clone()),
            StoreEvent::Synced,
            StoreEvent::Registered(both),
        ]
    );
    // Valid objects are not written or registered again.
    store.add_text("a", b"A", &BTreeSet::new()).expect("again");
    assert_eq!(store.commit().expect("commit"), 0);
}

#[test]
fn a_damaged_unregistered_object_is_replaced() {
    let tmp = TempDir::new("store-damaged");
    let store = open(&tmp, StoreMode::ReadWrite);
    let path = store
        .store_dir()
        .compute_store_path_for_text("t", b"contents", &BTreeSet::new())
        .expect("path");
    // What a crash between rename and sync can leave: the name, other bytes.
    fs::write(store.physical_path(&path), b"torn").expect("write");
    store
        .add_text("t", b"contents", &BTreeSet::new())
        .expect("add");
    assert_eq!(
        fs::read(store.physical_path(&path)).expect("read"),
        b"contents"
    );
    store.commit().expect("commit");
    assert!(store.is_valid(&path).expect("query"));
}
