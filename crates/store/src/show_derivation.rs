//! The JSON form of derivations that `nix show-derivation` (Nix 2.8) prints, byte for byte.
//!
//! Nix 2.8 writes this JSON with its own writer rather than a JSON library: two-space
//! indentation, `": "` after keys, empty objects and lists as `{}` and `[]`, and strings
//! escaped minimally (`"`, `\`, `\n`, `\r`, `\t` with a backslash, other bytes below 0x20 as
//! `\u00XX`, everything else — including bytes that are not UTF-8 — as is). The writer here
//! reproduces that, so the output is bytes, not necessarily UTF-8.

use std::collections::BTreeMap;

use crate::aterm::method_algo;
use crate::derivation::{Derivation, DerivationOutput};
use crate::error::Result;
use crate::store_path::{StoreDir, StorePath};

/// What `nix show-derivation` prints for these derivations, final newline included.
pub fn show_derivations(
    store_dir: &StoreDir,
    drvs: &BTreeMap<StorePath, Derivation>,
) -> Result<Vec<u8>> {
    let mut w = JsonWriter::default();
    w.open(b'{');
    for (path, drv) in drvs {
        w.key(store_dir.print(path).as_bytes());
        write_derivation(&mut w, store_dir, drv)?;
    }
    w.close(b'}');
    w.out.push(b'\n');
    Ok(w.out)
}

fn write_derivation(w: &mut JsonWriter, store_dir: &StoreDir, drv: &Derivation) -> Result<()> {
    w.open(b'{');
    w.key(b"outputs");
    w.open(b'{');
    for (name, output) in &drv.outputs {
        w.key(name.as_bytes());
        w.open(b'{');
        match output {
            DerivationOutput::InputAddressed(path) => {
                w.string_attr(b"path", store_dir.print(path).as_bytes())
            }
            DerivationOutput::CaFixed { method, hash } => {
                if let Some(path) = output.path(store_dir, &drv.name, name)? {
                    w.string_attr(b"path", store_dir.print(&path).as_bytes());
                }
                w.string_attr(b"hashAlgo", method_algo(*method, hash.algo()).as_bytes());
                w.string_attr(b"hash", hash.to_base16().as_bytes());
            }
            DerivationOutput::CaFloating { method, algo } => {
                w.string_attr(b"hashAlgo", method_algo(*method, *algo).as_bytes());
            }
            DerivationOutput::Deferred => {}
            DerivationOutput::Impure { method, algo } => {
                w.string_attr(b"hashAlgo", method_algo(*method, *algo).as_bytes());
                w.key(b"impure");
                w.raw(b"true");
            }
        }
        w.close(b'}');
    }
    w.close(b'}');
    w.key(b"inputSrcs");
    w.open(b'[');
    for src in &drv.input_srcs {
        w.element(store_dir.print(src).as_bytes());
    }
    w.close(b']');
    w.key(b"inputDrvs");
    w.open(b'{');
    for (path, outputs) in &drv.input_drvs {
        w.key(store_dir.print(path).as_bytes());
        w.open(b'[');
        for output in outputs {
            w.element(output.as_bytes());
        }
        w.close(b']');
    }
    w.close(b'}');
    w.string_attr(b"system", &drv.system);
    w.string_attr(b"builder", &drv.builder);
    w.key(b"args");
    w.open(b'[');
    for arg in &drv.args {
        w.element(arg);
    }
    w.close(b']');
    w.key(b"env");
    w.open(b'{');
    for (name, value) in &drv.env {
        w.string_attr(name.as_bytes(), value);
    }
    w.close(b'}');
    w.close(b'}');
    Ok(())
}

/// An indenting JSON writer with Nix 2.8's layout. `first` tracks, per open container,
/// whether anything has been written in it yet.
#[derive(Default)]
struct JsonWriter {
    out: Vec<u8>,
    first: Vec<bool>,
}

impl JsonWriter {
    fn open(&mut self, bracket: u8) {
        self.out.push(bracket);
        self.first.push(true);
    }

    fn close(&mut self, bracket: u8) {
        if self.first.pop() == Some(false) {
            self.newline();
        }
        self.out.push(bracket);
    }

    /// Starts an item in the innermost container: a comma unless it is the first, then a
    /// new, indented line.
    fn item(&mut self) {
        if let Some(first) = self.first.last_mut() {
            if !std::mem::replace(first, false) {
                self.out.push(b',');
            }
        }
        self.newline();
    }

    fn newline(&mut self) {
        self.out.push(b'\n');
        self.out.resize(self.out.len() + self.first.len() * 2, b' ');
    }

    fn key(&mut self, key: &[u8]) {
        self.item();
        self.string(key);
        self.out.extend_from_slice(b": ");
    }

    fn string_attr(&mut self, key: &[u8], value: &[u8]) {
        self.key(key);
        self.string(value);
    }

    fn element(&mut self, value: &[u8]) {
        self.item();
        self.string(value);
    }

    fn raw(&mut self, text: &[u8]) {
        self.out.extend_from_slice(text);
    }

    fn string(&mut self, s: &[u8]) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        self.out.push(b'"');
        for &b in s {
            match b {
                b'"' | b'\\' => self.out.extend_from_slice(&[b'\\', b]),
                b'\n' => self.out.extend_from_slice(b"\\n"),
                b'\r' => self.out.extend_from_slice(b"\\r"),
                b'\t' => self.out.extend_from_slice(b"\\t"),
                0..=0x1f => {
                    self.out.extend_from_slice(b"\\u00");
                    self.out
                        .extend_from_slice(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
                }
                _ => self.out.push(b),
            }
        }
        self.out.push(b'"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derivation::tests::{cases, fixtures_dir, read_fixture};

    /// Each case's `<case>.json` is `nix show-derivation <drv path>` (Nix 2.8.0).
    #[test]
    fn matches_nix_show_derivation_for_every_fixture() {
        let store_dir = StoreDir::default();
        let mut failures = Vec::new();
        for (case, path) in cases() {
            let expected =
                std::fs::read(fixtures_dir().join(format!("{case}.json"))).expect("fixture json");
            let drv = read_fixture(&path).expect("parse");
            let got = show_derivations(&store_dir, &BTreeMap::from([(path, drv)])).expect("json");
            if got != expected {
                failures.push(format!("{case}:\n{}", String::from_utf8_lossy(&got)));
            }
        }
        assert!(
            failures.is_empty(),
            "{} mismatches:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    /// `depends.closure.json` is `nix show-derivation --recursive` of depends.nix's `.drv`:
    /// several derivations in one object, in store path order.
    #[test]
    fn prints_several_derivations_as_nix_does() {
        let store_dir = StoreDir::default();
        let expected =
            std::fs::read(fixtures_dir().join("depends.closure.json")).expect("fixture json");
        let mut drvs = BTreeMap::new();
        for name in ["depends", "multi", "simple"] {
            let (_, path) = cases().into_iter().find(|(c, _)| c == name).expect("case");
            drvs.insert(path.clone(), read_fixture(&path).expect("parse"));
        }
        let got = show_derivations(&store_dir, &drvs).expect("json");
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&expected)
        );
    }
}
