//! End-to-end builds in a temporary store, in the sandbox.

mod common;

use std::time::Instant;

use common::{Spec, TestStore};
use ntop_builder::BuildError;
use ntop_store::{Hash, HashAlgo, IngestionMethod, LocalStore, StoreDir, StoreMode};

#[test]
fn chain_of_dependencies() {
    let t = TestStore::new("chain");
    let a = t.drv(
        "a",
        Spec {
            script: "echo A > $out",
            ..Spec::default()
        },
    );
    let b = t.drv(
        "b",
        Spec {
            script: "mkdir $out; cat $a_out > $out/from-a; echo B >> $out/from-a",
            inputs: &[(&a, &["out"])],
            ..Spec::default()
        },
    );
    let c = t.drv(
        "c",
        Spec {
            script: "cat $b_out/from-a > $out; echo C >> $out",
            inputs: &[(&b, &["out"])],
            ..Spec::default()
        },
    );
    let outcome = t.build(&[&c], &t.config());
    assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    assert_eq!(outcome.built, 3);
    let out = t.out(&outcome, &c, "out");
    assert_eq!(t.read(&out, ""), "A\nB\nC\n");
    // Normalised as Nix does.
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let meta = std::fs::metadata(t.store.physical_path(&out)).expect("stat");
    assert_eq!(
        (meta.permissions().mode() & 0o7777, meta.mtime()),
        (0o444, 1)
    );
    assert!(
        t.leftover_build_dirs().is_empty(),
        "{:?}",
        t.leftover_build_dirs()
    );
    assert!(t.db().is_valid(&out).expect("db"));
    let info = t.db().query_path_info(&out).expect("db").expect("valid");
    assert_eq!(info.deriver.as_ref(), Some(&c));
}

#[test]
fn diamond_builds_the_shared_input_once() {
    let t = TestStore::new("diamond");
    let a = t.drv(
        "a",
        Spec {
            script: "echo A > $out",
            ..Spec::default()
        },
    );
    let b = t.drv(
        "b",
        Spec {
            script: "echo B $(cat $a_out) > $out",
            inputs: &[(&a, &["out"])],
            ..Spec::default()
        },
    );
    let c = t.drv(
        "c",
        Spec {
            script: "echo C $(cat $a_out) > $out",
            inputs: &[(&a, &["out"])],
            ..Spec::default()
        },
    );
    let d = t.drv(
        "d",
        Spec {
            script: "cat $b_out $c_out > $out",
            inputs: &[(&b, &["out"]), (&c, &["out"])],
            ..Spec::default()
        },
    );
    let outcome = t.build(&[&d], &t.config());
    assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    assert_eq!(outcome.built, 4);
    assert_eq!(t.read(&t.out(&outcome, &d, "out"), ""), "B A\nC A\n");
}

#[test]
fn multiple_outputs() {
    let t = TestStore::new("multi");
    let m = t.drv(
        "multi",
        Spec {
            script: "mkdir $out $dev; echo lib > $out/lib; echo $out > $dev/ref",
            outputs: &["out", "dev"],
            ..Spec::default()
        },
    );
    let outcome = t.build(&[&m], &t.config());
    assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    let out = t.out(&outcome, &m, "out");
    let dev = t.out(&outcome, &m, "dev");
    assert_eq!(t.read(&out, "lib"), "lib\n");
    assert_eq!(t.read(&dev, "ref"), format!("{}\n", t.logical(&out)));
    // dev refers to out (another output of the same derivation), out to nothing.
    assert_eq!(t.db().references(&dev).expect("db"), [out.clone()].into());
    assert!(t.db().references(&out).expect("db").is_empty());
}

#[test]
fn pass_as_file_and_environment() {
    let t = TestStore::new("passasfile");
    let d = t.drv(
        "paf",
        Spec {
            script: "mkdir $out; cat $bigPath > $out/big; echo \"${big-unset}\" > $out/var; \
                     echo $HOME $NIX_BUILD_TOP $TMPDIR $PWD $NIX_STORE $NIX_LOG_FD > $out/env; \
                     basename $bigPath > $out/name; hostname > $out/host",
            env: &[("big", "a large value"), ("passAsFile", "big")],
            ..Spec::default()
        },
    );
    let outcome = t.build(&[&d], &t.config());
    assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    let out = t.out(&outcome, &d, "out");
    assert_eq!(t.read(&out, "big"), "a large value");
    assert_eq!(t.read(&out, "var"), "unset\n");
    // The file name Nix 2.8 uses: .attr-<nix32 sha256 of "big">.
    assert_eq!(
        t.read(&out, "name"),
        ".attr-1lak0mvllw8rv9i9ygkglvhqsq19qi9ynl4bi7gbf69ab5nzw89a\n"
    );
    assert_eq!(
        t.read(&out, "env"),
        "/homeless-shelter /build /build /build /nix/store 2\n"
    );
    assert_eq!(t.read(&out, "host"), "localhost\n");
}

#[test]
fn failing_builder_leaves_nothing_behind() {
    let t = TestStore::new("fail");
    let d = t.drv(
        "fails",
        Spec {
            script: "echo half > $out; echo oops >&2; exit 3",
            ..Spec::default()
        },
    );
    let outcome = t.build(&[&d], &t.config());
    assert_eq!(outcome.failures.len(), 1);
    let failure = &outcome.failures[0];
    assert!(
        matches!(failure.error, BuildError::BuilderFailed { status: 3, .. }),
        "{}",
        failure.error
    );
    assert!(
        failure.log_tail.iter().any(|l| l == "oops"),
        "{:?}",
        failure.log_tail
    );
    let out = t.store.read_derivation(&d).expect("drv").outputs["out"]
        .path(t.store.store_dir(), "fails", "out")
        .expect("path")
        .expect("known");
    assert!(!t.store.is_present(&out));
    assert!(!t.db().is_valid(&out).expect("db"));
    assert!(
        t.leftover_build_dirs().is_empty(),
        "{:?}",
        t.leftover_build_dirs()
    );
    // The log was kept.
    let log = std::fs::read_to_string(t.store.log_path(&d)).expect("log");
    assert_eq!(log, "oops\n");
}

#[test]
fn missing_output_is_an_error() {
    let t = TestStore::new("missing");
    let d = t.drv(
        "nothing",
        Spec {
            script: "mkdir $out",
            outputs: &["out", "doc"],
            ..Spec::default()
        },
    );
    let outcome = t.build(&[&d], &t.config());
    assert_eq!(outcome.failures.len(), 1);
    let msg = outcome.failures[0].error.to_string();
    assert!(
        msg.contains("failed to produce output path for output 'doc'"),
        "{msg}"
    );
    let drv = t.store.read_derivation(&d).expect("drv");
    for (name, o) in &drv.outputs {
        let p = o
            .path(t.store.store_dir(), "nothing", name)
            .expect("p")
            .expect("known");
        assert!(!t.store.is_present(&p), "{name} left behind");
    }
    assert!(
        t.leftover_build_dirs().is_empty(),
        "{:?}",
        t.leftover_build_dirs()
    );
}

#[test]
fn keep_failed_keeps_the_build_directory() {
    let t = TestStore::new("keepfailed");
    let d = t.drv(
        "kf",
        Spec {
            script: "echo x > note; exit 1",
            ..Spec::default()
        },
    );
    let mut config = t.config();
    config.keep_failed = true;
    let outcome = t.build(&[&d], &config);
    assert_eq!(outcome.failures.len(), 1);
    let left = t.leftover_build_dirs();
    assert!(
        left.iter().any(|n| n.starts_with("ntop-build-")),
        "{left:?}"
    );
    // The next build's cleanup of dead builds' remains leaves a kept build alone: its build
    // directory and its sandbox root (where the scratch outputs are).
    let roots = || -> Vec<String> {
        std::fs::read_dir(t.dir.join("root/chroots"))
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| !n.starts_with('.'))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(roots().len(), 1, "the sandbox root is kept");
    let ok = t.drv(
        "after",
        Spec {
            script: "echo ok > $out",
            ..Spec::default()
        },
    );
    let outcome = t.build(&[&ok], &t.config());
    assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    assert_eq!(t.leftover_build_dirs(), left);
    assert_eq!(
        roots().len(),
        1,
        "the kept sandbox root survives the next build"
    );
}

#[test]
fn fixed_output_right_and_wrong_hash() {
    let t = TestStore::new("fixed");
    let right = Hash::of(HashAlgo::Sha256, b"hello");
    let ok = t.drv(
        "fixed",
        Spec {
            script: "printf hello > $out",
            fixed: Some((IngestionMethod::Flat, right.clone())),
            ..Spec::default()
        },
    );
    let outcome = t.build(&[&ok], &t.config());
    assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    let out = t.out(&outcome, &ok, "out");
    assert_eq!(t.read(&out, ""), "hello");
    let info = t.db().query_path_info(&out).expect("db").expect("valid");
    assert_eq!(
        info.ca.as_deref(),
        Some(&*format!("fixed:sha256:{}", right.to_nix32()))
    );

    let wrong = t.drv(
        "fixed-wrong",
        Spec {
            script: "printf goodbye > $out",
            fixed: Some((IngestionMethod::Recursive, right.clone())),
            ..Spec::default()
        },
    );
    let outcome = t.build(&[&wrong], &t.config());
    assert_eq!(outcome.failures.len(), 1);
    let msg = outcome.failures[0].error.to_string();
    assert!(
        msg.contains("hash mismatch in fixed-output derivation"),
        "{msg}"
    );
    assert!(msg.contains(&right.to_sri()), "{msg}");
    let mut nar = Vec::new();
    ntop_store::nar::dump_bytes(b"goodbye", &mut nar).expect("nar");
    assert!(msg.contains(&Hash::sha256(&nar).to_sri()), "{msg}");
    assert!(
        t.leftover_build_dirs().is_empty(),
        "{:?}",
        t.leftover_build_dirs()
    );
}

#[test]
fn reference_scanning() {
    let t = TestStore::new("refs");
    let a = t.drv(
        "a",
        Spec {
            script: "echo A > $out",
            ..Spec::default()
        },
    );
    let keeps = t.drv(
        "keeps",
        Spec {
            script: "echo $a_out > $out",
            inputs: &[(&a, &["out"])],
            ..Spec::default()
        },
    );
    let drops = t.drv(
        "drops",
        Spec {
            script: "cat $a_out > $out",
            inputs: &[(&a, &["out"])],
            ..Spec::default()
        },
    );
    let outcome = t.build(&[&keeps, &drops], &t.config());
    assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    let a_out = outcome.outputs[&keeps]["out"].clone();
    let _ = a_out;
    let keeps_out = t.out(&outcome, &keeps, "out");
    let drops_out = t.out(&outcome, &drops, "out");
    let refs = t.db().references(&keeps_out).expect("db");
    assert_eq!(refs.len(), 1);
    let a_path = refs.iter().next().cloned().expect("one");
    assert_eq!(t.read(&a_path, ""), "A\n");
    assert!(t.db().references(&drops_out).expect("db").is_empty());
    assert_eq!(t.db().referrers(&a_path).expect("db"), [keeps_out].into());
}

#[test]
fn parallel_builds_with_two_jobs() {
    let t = TestStore::new("parallel");
    let x = t.drv(
        "x",
        Spec {
            script: "sleep 2; echo x > $out",
            ..Spec::default()
        },
    );
    let y = t.drv(
        "y",
        Spec {
            script: "sleep 2; echo y > $out",
            ..Spec::default()
        },
    );
    let start = Instant::now();
    let outcome = t.build(&[&x, &y], &t.config());
    let elapsed = start.elapsed().as_secs_f64();
    assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    assert_eq!(outcome.built, 2);
    // One after the other would take at least 4 seconds.
    assert!(elapsed < 3.8, "took {elapsed}s");
}

#[test]
fn concurrent_builds_of_the_same_derivation() {
    let t = TestStore::new("concurrent");
    let d = t.drv(
        "same",
        Spec {
            script: "sleep 1; echo once > $out",
            ..Spec::default()
        },
    );
    let graph = t.graph.borrow().clone();
    let (root, config) = (t.dir.join("root"), t.config());
    let built: Vec<usize> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    // A second store handle (and database connection), as another process
                    // would have.
                    let store = LocalStore::open(
                        &root,
                        StoreDir::new("/nix/store").expect("store dir"),
                        StoreMode::ReadWrite,
                    )
                    .expect("store");
                    let outcome = ntop_builder::build(
                        &store,
                        &graph,
                        std::slice::from_ref(&d),
                        &config,
                        &ntop_builder::Quiet,
                    )
                    .expect("session");
                    assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
                    let out = store.physical_path(&outcome.outputs[&d]["out"]);
                    assert_eq!(std::fs::read_to_string(out).expect("read"), "once\n");
                    outcome.built
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    assert_eq!(built.iter().sum::<usize>(), 1, "{built:?}");
}

#[test]
fn rebuild_skipped_when_valid() {
    let t = TestStore::new("skip");
    let a = t.drv(
        "a",
        Spec {
            script: "echo A > $out",
            ..Spec::default()
        },
    );
    let b = t.drv(
        "b",
        Spec {
            script: "cat $a_out > $out",
            inputs: &[(&a, &["out"])],
            ..Spec::default()
        },
    );
    assert_eq!(t.build(&[&b], &t.config()).built, 2);
    let again = t.build(&[&b], &t.config());
    assert_eq!(again.built, 0);
    assert!(again.outputs.contains_key(&b));
}

#[test]
fn failure_stops_dependents_and_keep_going_builds_the_rest() {
    let t = TestStore::new("keepgoing");
    let bad = t.drv(
        "bad",
        Spec {
            script: "exit 1",
            ..Spec::default()
        },
    );
    let dependent = t.drv(
        "dependent",
        Spec {
            script: "echo > $out",
            inputs: &[(&bad, &["out"])],
            ..Spec::default()
        },
    );
    let independent = t.drv(
        "independent",
        Spec {
            script: "echo ok > $out",
            ..Spec::default()
        },
    );
    let mut config = t.config();
    config.keep_going = true;
    config.jobs = 1;
    let outcome = t.build(&[&dependent, &independent], &config);
    assert_eq!(outcome.failures.len(), 2, "{:?}", outcome.failures);
    assert!(outcome
        .failures
        .iter()
        .any(|f| f.drv == dependent && matches!(f.error, BuildError::DependencyFailed { .. })));
    assert!(outcome.outputs.contains_key(&independent));
    assert!(!outcome.outputs.contains_key(&dependent));
}

#[test]
fn sandbox_hides_the_rest_of_the_store_and_the_network() {
    let t = TestStore::new("isolation");
    let a = t.drv(
        "a",
        Spec {
            script: "echo A > $out",
            ..Spec::default()
        },
    );
    let unrelated = t.drv(
        "unrelated",
        Spec {
            script: "echo U > $out",
            ..Spec::default()
        },
    );
    let first = t.build(&[&a, &unrelated], &t.config());
    assert!(first.failures.is_empty(), "{:?}", first.failures);
    let u = t.logical(&first.outputs[&unrelated]["out"]);
    let probe = t.drv(
        "probe",
        Spec {
            script: &format!(
                "mkdir $out; ls /nix/store | wc -l > $out/count; \
                 test -e {u} && echo visible > $out/unrelated || echo hidden > $out/unrelated; \
                 echo x > $a_out 2>/dev/null && echo writable > $out/input || echo read-only > $out/input; \
                 cat /proc/net/dev | wc -l > $out/netdevs; echo $$ > $out/pid"
            ),
            inputs: &[(&a, &["out"])],
            ..Spec::default()
        },
    );
    let outcome = t.build(&[&probe], &t.config());
    assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    let out = t.out(&outcome, &probe, "out");
    assert_eq!(t.read(&out, "unrelated"), "hidden\n");
    assert_eq!(t.read(&out, "input"), "read-only\n");
    // The input and the output being built.
    assert_eq!(t.read(&out, "count"), "2\n");
    // Two header lines and `lo`.
    assert_eq!(t.read(&out, "netdevs"), "3\n");
    assert_eq!(t.read(&out, "pid"), "1\n");
}
