//! Fixture-driven tests: every case in `test_data/derivations` was instantiated by Nix 2.8.0
//! (`bless.sh` there regenerates them). Each check runs on every case and all mismatches are
//! reported together.

use std::fs;
use std::path::PathBuf;

use super::*;

pub(crate) fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test_data/derivations")
}

/// The case names and their `.drv` paths, as `nix-instantiate <case>.nix` printed them.
pub(crate) fn cases() -> Vec<(String, StorePath)> {
    let mut cases = Vec::new();
    for entry in fs::read_dir(fixtures_dir()).expect("fixtures directory") {
        let path = entry.expect("fixture entry").path();
        if path.extension().is_some_and(|e| e == "path") {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = fs::read_to_string(&path).expect("fixture .path file");
            cases.push((
                name,
                StoreDir::default()
                    .parse(text.trim())
                    .expect("fixture store path"),
            ));
        }
    }
    cases.sort();
    assert!(cases.len() >= 15, "fixtures missing");
    cases
}

/// The `.drv` file as Nix wrote it.
pub(crate) fn drv_text(path: &StorePath) -> Vec<u8> {
    fs::read(fixtures_dir().join("store").join(path.to_string())).expect("fixture .drv file")
}

pub(crate) fn read_fixture(path: &StorePath) -> Result<Derivation> {
    let name = path.name().strip_suffix(".drv").unwrap_or(path.name());
    Derivation::from_aterm(&drv_text(path), name, &StoreDir::default())
}

fn report(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn parse_then_print_reproduces_every_drv_file() {
    let mut failures = Vec::new();
    for (case, path) in cases() {
        let drv = match read_fixture(&path) {
            Ok(drv) => drv,
            Err(e) => {
                failures.push(format!("{case}: parse error: {e}"));
                continue;
            }
        };
        match drv.store_path(&StoreDir::default()) {
            Ok((computed, text)) => {
                if text != drv_text(&path) {
                    failures.push(format!(
                        "{case}: printed text differs:\n{}",
                        String::from_utf8_lossy(&text)
                    ));
                }
                if computed != path {
                    failures.push(format!("{case}: .drv path {computed} instead of {path}"));
                }
            }
            Err(e) => failures.push(format!("{case}: {e}")),
        }
    }
    report(failures);
}

/// Blanks what `derivationStrict` computes, so that `finish_derivation` must recompute it.
fn unfinished(drv: &Derivation) -> Derivation {
    let mut drv = drv.clone();
    for (name, output) in drv.outputs.iter_mut() {
        drv.env.remove(name);
        if let DerivationOutput::InputAddressed(_) = output {
            *output = DerivationOutput::Deferred;
        }
    }
    drv
}

#[test]
fn finishing_reproduces_output_paths_and_drv_paths() {
    let store_dir = StoreDir::default();
    let mut failures = Vec::new();
    let mut cache = DrvHashCache::new();
    for (case, path) in cases() {
        let Ok(expected) = read_fixture(&path) else {
            failures.push(format!("{case}: parse error"));
            continue;
        };
        let mut drv = unfinished(&expected);
        match finish_derivation(&store_dir, &mut drv, &mut cache, &mut read_fixture) {
            Ok((computed, _)) => {
                if drv != expected {
                    failures.push(format!(
                        "{case}: finished derivation differs:\n{drv:#?}\nexpected\n{expected:#?}"
                    ));
                }
                if computed != path {
                    failures.push(format!("{case}: .drv path {computed} instead of {path}"));
                }
            }
            Err(e) => failures.push(format!("{case}: {e}")),
        }
    }
    report(failures);
}

#[test]
fn fixed_output_inputs_are_interchangeable() {
    // depends-fixed.nix uses two fixed-output derivations with the same output and different
    // builders; they have the same hash modulo, so they collapse into one input.
    let store_dir = StoreDir::default();
    let (_, path) = cases()
        .into_iter()
        .find(|(c, _)| c == "depends-fixed")
        .expect("case");
    let drv = read_fixture(&path).expect("parse");
    let mut cache = DrvHashCache::new();
    let inputs: Vec<DrvHash> = drv
        .input_drvs
        .keys()
        .filter(|p| p.name() == "fixed-flat-sha256.drv")
        .map(|p| {
            cache
                .hash_of(&store_dir, p, &mut read_fixture)
                .expect("hash")
        })
        .collect();
    assert_eq!(inputs.len(), 2);
    assert_eq!(inputs[0], inputs[1]);
}

#[test]
fn placeholders_match_nix() {
    // ca-floating.json (`nix show-derivation`): env.out and env.bin are these placeholders.
    assert_eq!(
        hash_placeholder("out"),
        "/1rz4g4znpzjwh1xymhjpm42vipw92pr73vdgl6xs1hycac8kf2n9"
    );
    // deferred.json: env.input is the placeholder of ca-floating.drv's `out`.
    let ca = StoreDir::default()
        .parse("/nix/store/qhflpdpb1vjmg5j6jn8b939qz2gw5dc8-ca-floating.drv")
        .expect("path");
    assert_eq!(
        downstream_placeholder(&ca, "out"),
        "/1blvx9igdhmlv46zfzy5wjxfapvask8sqqzh3id54n0jz19q7wma"
    );
}

#[test]
fn rejects_inconsistent_output_kinds() {
    let store_dir = StoreDir::default();
    let mut drv = Derivation {
        name: "x".to_owned(),
        ..Derivation::default()
    };
    let no_inputs = &mut |_: &StorePath| -> Result<DrvHash> { unreachable!("no inputs") };
    assert!(hash_derivation_modulo(&store_dir, &drv, false, no_inputs).is_err());
    drv.outputs
        .insert("out".to_owned(), DerivationOutput::Deferred);
    drv.outputs.insert(
        "dev".to_owned(),
        DerivationOutput::CaFixed {
            method: IngestionMethod::Flat,
            hash: Hash::sha256(b""),
        },
    );
    let err = hash_derivation_modulo(&store_dir, &drv, false, no_inputs)
        .err()
        .map(|e| e.to_string());
    assert_eq!(err.as_deref(), Some("can't mix derivation output types"));
    drv.outputs.remove("out");
    let err = hash_derivation_modulo(&store_dir, &drv, false, no_inputs)
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some("single fixed output must be named \"out\"")
    );
}

#[test]
fn parser_never_panics_on_mutated_files() {
    // Deterministic pseudo-random single-byte mutations and truncations of every fixture.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let interesting = b"\"\\,()[]/-:r";
    for (_, path) in cases() {
        let text = drv_text(&path);
        for _ in 0..200 {
            let mut mutated = text.clone();
            let at = (next() % mutated.len() as u64) as usize;
            match next() % 3 {
                0 => mutated[at] = interesting[(next() % interesting.len() as u64) as usize],
                1 => mutated[at] = next() as u8,
                _ => mutated.truncate(at),
            }
            let result = std::panic::catch_unwind(|| {
                Derivation::from_aterm(&mutated, "x", &StoreDir::default())
            });
            assert!(
                result.is_ok(),
                "parser panicked on {}",
                String::from_utf8_lossy(&mutated)
            );
        }
    }
}
