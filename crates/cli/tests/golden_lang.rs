//! The language golden suite: the cases under `nix-fixtures/lang`, run by the shared runner in
//! `golden/mod.rs` (format in `nix-fixtures/README.md`).

mod golden;

#[test]
fn golden_lang() {
    golden::run_fixture_dir(&golden::fixture_dir("lang"), "golden_lang");
}

#[test]
fn split_flags_follows_the_documented_rule() {
    assert_eq!(
        golden::split_flags("--eval  -A '\"a.b\".c'\n@FILE@").unwrap(),
        ["--eval", "-A", "\"a.b\".c", "@FILE@"]
    );
    assert_eq!(
        golden::split_flags("-E 'a b'c ''").unwrap(),
        ["-E", "a bc", ""]
    );
    assert!(golden::split_flags("-E 'oops").is_err());
}
