//! The ATerm text of store derivations (`.drv` files), printed and parsed byte for byte as
//! Nix 2.8 does.
//!
//! ```text
//! Derive([("out","/nix/store/…-name","",""),…],       outputs: name, path, hash algo, hash
//!        [("/nix/store/…-dep.drv",["out"]),…],         input derivations and their outputs
//!        ["/nix/store/…-src",…],                       input sources
//!        "x86_64-linux","/bin/sh",["-c","…"],          system, builder, arguments
//!        [("name","value"),…])                         environment
//! ```
//!
//! Two kinds of strings appear. Free text (builder, arguments, environment names and values)
//! is escaped: `"` and `\` get a backslash, newline, carriage return and tab become `\n`,
//! `\r`, `\t`; every other byte is written as is. Names, paths, hashes and the system are
//! written without escaping, as Nix does (they cannot contain those characters, except a
//! pathological `system`, which Nix would write unparseably too).
//!
//! The printer serves two purposes: the `.drv` file itself, and the text hashed by
//! [`hash_derivation_modulo`](crate::derivation::hash_derivation_modulo), where output paths
//! may be masked and input derivations replaced by their hashes.

use std::collections::{BTreeMap, BTreeSet};

use crate::derivation::{Derivation, DerivationOutput};
use crate::error::{Error, Result};
use crate::hash::{Hash, HashAlgo};
use crate::store_path::{IngestionMethod, StoreDir};

/// How to print a derivation: as its `.drv` file, or as the text hashed modulo.
#[derive(Clone, Copy, Default)]
pub struct PrintOptions<'a> {
    /// Print output paths, and the environment variables named after outputs, as `""`.
    pub mask_outputs: bool,
    /// Print these (hash modulo → outputs) in place of the input derivations.
    pub input_replacements: Option<&'a BTreeMap<String, BTreeSet<String>>>,
}

/// The ATerm text of `drv`.
pub fn print(drv: &Derivation, store_dir: &StoreDir, options: PrintOptions<'_>) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(1024);
    out.extend_from_slice(b"Derive([");
    for (i, (name, output)) in drv.outputs.iter().enumerate() {
        comma(&mut out, i);
        out.push(b'(');
        unquoted(&mut out, name.as_bytes());
        let (path, algo, hash) = output_fields(drv, store_dir, name, output)?;
        for field in [
            if options.mask_outputs {
                String::new()
            } else {
                path
            },
            algo,
            hash,
        ] {
            out.push(b',');
            unquoted(&mut out, field.as_bytes());
        }
        out.push(b')');
    }
    out.extend_from_slice(b"],[");
    let print_inputs =
        |out: &mut Vec<u8>, inputs: &mut dyn Iterator<Item = (String, &BTreeSet<String>)>| {
            for (i, (path, outputs)) in inputs.enumerate() {
                comma(out, i);
                out.push(b'(');
                unquoted(out, path.as_bytes());
                out.extend_from_slice(b",[");
                for (j, o) in outputs.iter().enumerate() {
                    comma(out, j);
                    unquoted(out, o.as_bytes());
                }
                out.extend_from_slice(b"])");
            }
        };
    match options.input_replacements {
        Some(replacements) => print_inputs(
            &mut out,
            &mut replacements.iter().map(|(h, o)| (h.clone(), o)),
        ),
        None => print_inputs(
            &mut out,
            &mut drv.input_drvs.iter().map(|(p, o)| (store_dir.print(p), o)),
        ),
    }
    out.extend_from_slice(b"],[");
    for (i, src) in drv.input_srcs.iter().enumerate() {
        comma(&mut out, i);
        unquoted(&mut out, store_dir.print(src).as_bytes());
    }
    out.extend_from_slice(b"],");
    unquoted(&mut out, &drv.system);
    out.push(b',');
    escaped(&mut out, &drv.builder);
    out.extend_from_slice(b",[");
    for (i, arg) in drv.args.iter().enumerate() {
        comma(&mut out, i);
        escaped(&mut out, arg);
    }
    out.extend_from_slice(b"],[");
    for (i, (name, value)) in drv.env.iter().enumerate() {
        comma(&mut out, i);
        out.push(b'(');
        escaped(&mut out, name.as_bytes());
        out.push(b',');
        let masked = options.mask_outputs && drv.outputs.contains_key(name);
        escaped(&mut out, if masked { b"" } else { value });
        out.push(b')');
    }
    out.extend_from_slice(b"])");
    Ok(out)
}

/// The path, hash algorithm and hash fields of an output, as printed.
fn output_fields(
    drv: &Derivation,
    store_dir: &StoreDir,
    name: &str,
    output: &DerivationOutput,
) -> Result<(String, String, String)> {
    Ok(match output {
        DerivationOutput::InputAddressed(path) => {
            (store_dir.print(path), String::new(), String::new())
        }
        DerivationOutput::CaFixed { method, hash } => {
            let path = output
                .path(store_dir, &drv.name, name)?
                .map(|p| store_dir.print(&p))
                .unwrap_or_default();
            (path, method_algo(*method, hash.algo()), hash.to_base16())
        }
        DerivationOutput::CaFloating { method, algo } => {
            (String::new(), method_algo(*method, *algo), String::new())
        }
        DerivationOutput::Deferred => (String::new(), String::new(), String::new()),
        DerivationOutput::Impure { method, algo } => (
            String::new(),
            method_algo(*method, *algo),
            "impure".to_owned(),
        ),
    })
}

/// `r:sha256`, `sha1`, …: the ingestion method and algorithm as `.drv` files write them.
pub fn method_algo(method: IngestionMethod, algo: HashAlgo) -> String {
    format!("{}{algo}", method.prefix())
}

fn comma(out: &mut Vec<u8>, index: usize) {
    if index > 0 {
        out.push(b',');
    }
}

fn unquoted(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    out.extend_from_slice(s);
    out.push(b'"');
}

fn escaped(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for &b in s {
        match b {
            b'"' | b'\\' => out.extend_from_slice(&[b'\\', b]),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

/// Parses the text of a `.drv` file. `name` is the derivation's name (the `.drv` path's name
/// without `.drv`), which the text does not contain but fixed-output paths depend on.
pub fn parse(text: &[u8], name: &str, store_dir: &StoreDir) -> Result<Derivation> {
    let mut p = Parser {
        text,
        pos: 0,
        store_dir,
    };
    let drv = p.derivation(name)?;
    if p.pos != text.len() {
        return Err(p.error("end of file"));
    }
    Ok(drv)
}

struct Parser<'a> {
    text: &'a [u8],
    pos: usize,
    store_dir: &'a StoreDir,
}

impl Parser<'_> {
    fn derivation(&mut self, name: &str) -> Result<Derivation> {
        let mut drv = Derivation {
            name: name.to_owned(),
            ..Derivation::default()
        };
        self.expect("Derive([")?;
        while !self.end_of_list()? {
            self.expect("(")?;
            let id = self.text_string("output name")?;
            self.expect(",")?;
            let path = self.string()?;
            self.expect(",")?;
            let algo = self.text_string("hash algorithm")?;
            self.expect(",")?;
            let hash = self.text_string("hash")?;
            self.expect(")")?;
            let output = self.output(&path, &algo, &hash)?;
            drv.outputs.insert(id, output);
        }
        self.expect(",[")?;
        while !self.end_of_list()? {
            self.expect("(")?;
            let path = self.path()?;
            self.expect(",[")?;
            let mut outputs = BTreeSet::new();
            while !self.end_of_list()? {
                outputs.insert(self.text_string("output name")?);
            }
            self.expect(")")?;
            drv.input_drvs.insert(path, outputs);
        }
        self.expect(",[")?;
        while !self.end_of_list()? {
            let path = self.path()?;
            drv.input_srcs.insert(path);
        }
        self.expect(",")?;
        drv.system = self.string()?;
        self.expect(",")?;
        drv.builder = self.string()?;
        self.expect(",[")?;
        while !self.end_of_list()? {
            let arg = self.string()?;
            drv.args.push(arg);
        }
        self.expect(",[")?;
        while !self.end_of_list()? {
            self.expect("(")?;
            let key = self.text_string("environment variable name")?;
            self.expect(",")?;
            let value = self.string()?;
            self.expect(")")?;
            drv.env.insert(key, value);
        }
        self.expect(")")?;
        Ok(drv)
    }

    fn output(&self, path: &[u8], algo: &str, hash: &str) -> Result<DerivationOutput> {
        let bad = |message: String| Error::BadDerivation { message };
        if algo.is_empty() {
            if path.is_empty() {
                return Ok(DerivationOutput::Deferred);
            }
            return Ok(DerivationOutput::InputAddressed(self.store_path(path)?));
        }
        let (method, algo_name) = match algo.strip_prefix("r:") {
            Some(rest) => (IngestionMethod::Recursive, rest),
            None => (IngestionMethod::Flat, algo),
        };
        let algo = HashAlgo::parse(algo_name)?;
        let require_no_path = |kind: &str| match path.is_empty() {
            true => Ok(()),
            false => Err(bad(format!(
                "{kind} output has a path '{}'",
                String::from_utf8_lossy(path)
            ))),
        };
        match hash {
            "impure" => {
                require_no_path("impure")?;
                Ok(DerivationOutput::Impure { method, algo })
            }
            "" => {
                require_no_path("floating content-addressed")?;
                Ok(DerivationOutput::CaFloating { method, algo })
            }
            _ => {
                // Nix checks only that the path looks like one; it is recomputed from the hash.
                if path.first() != Some(&b'/') {
                    return Err(bad(format!(
                        "bad path '{}' in derivation",
                        String::from_utf8_lossy(path)
                    )));
                }
                Ok(DerivationOutput::CaFixed {
                    method,
                    hash: Hash::parse_bare(hash, algo)?,
                })
            }
        }
    }

    fn error(&self, expected: &str) -> Error {
        Error::DrvSyntax {
            offset: self.pos,
            expected: expected.to_owned(),
        }
    }

    fn expect(&mut self, token: &str) -> Result<()> {
        if self.text[self.pos..].starts_with(token.as_bytes()) {
            self.pos += token.len();
            Ok(())
        } else {
            Err(self.error(&format!("'{token}'")))
        }
    }

    /// Consumes a `,` before the next element (returning false) or the closing `]` (returning
    /// true). Like Nix, the first element of a list needs no separator.
    fn end_of_list(&mut self) -> Result<bool> {
        match self.text.get(self.pos) {
            Some(b',') => {
                self.pos += 1;
                Ok(false)
            }
            Some(b']') => {
                self.pos += 1;
                Ok(true)
            }
            Some(_) => Ok(false),
            None => Err(self.error("',' or ']'")),
        }
    }

    /// A quoted string with C-style escapes, as bytes.
    fn string(&mut self) -> Result<Vec<u8>> {
        self.expect("\"")?;
        let mut out = Vec::new();
        loop {
            let Some(&b) = self.text.get(self.pos) else {
                return Err(self.error("closing '\"'"));
            };
            self.pos += 1;
            match b {
                b'"' => return Ok(out),
                b'\\' => {
                    let Some(&e) = self.text.get(self.pos) else {
                        return Err(self.error("escaped character"));
                    };
                    self.pos += 1;
                    out.push(match e {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        other => other,
                    });
                }
                _ => out.push(b),
            }
        }
    }

    /// A quoted string that must be UTF-8 (names, hashes).
    fn text_string(&mut self, what: &str) -> Result<String> {
        let start = self.pos;
        let bytes = self.string()?;
        String::from_utf8(bytes).map_err(|_| Error::DrvSyntax {
            offset: start,
            expected: format!("a UTF-8 {what}"),
        })
    }

    fn path(&mut self) -> Result<crate::StorePath> {
        let start = self.pos;
        let bytes = self.string()?;
        if bytes.first() != Some(&b'/') {
            self.pos = start;
            return Err(self.error("an absolute store path"));
        }
        self.store_path(&bytes)
    }

    fn store_path(&self, bytes: &[u8]) -> Result<crate::StorePath> {
        let text = std::str::from_utf8(bytes).map_err(|_| Error::BadDerivation {
            message: format!(
                "bad path '{}' in derivation",
                String::from_utf8_lossy(bytes)
            ),
        })?;
        self.store_dir.parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_default(text: &[u8]) -> Result<Derivation> {
        parse(text, "x", &StoreDir::default())
    }

    #[test]
    fn escapes_free_text_only() {
        let mut out = Vec::new();
        escaped(&mut out, b"a\"b\\c\nd\re\tf\x01\xff");
        assert_eq!(out, b"\"a\\\"b\\\\c\\nd\\re\\tf\x01\xff\"");
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        let good: &[u8] = br#"Derive([("out","/nix/store/30wz953kjkha18ps1ri2qzvc6pdlhs50-strings","","")],[],[],"s","b",["a"],[("k","v")])"#;
        assert!(parse_default(good).is_ok());
        for len in 0..good.len() {
            assert!(
                parse_default(&good[..len]).is_err(),
                "prefix of length {len}"
            );
        }
        let mut trailing = good.to_vec();
        trailing.push(b' ');
        assert!(parse_default(&trailing).is_err());
        for bad in [
            &br#"Derive([("out","relative","","")],[],[],"s","b",[],[])"#[..],
            br#"Derive([("out","/nix/store/x","","")],[],[],"s","b",[],[])"#,
            br#"Derive([("out","","sha257","abc")],[],[],"s","b",[],[])"#,
            br#"Derive([("out","/p","sha256","abc")],[],[],"s","b",[],[])"#,
            br#"Derive([("out","/p","sha256","")],[],[],"s","b",[],[])"#,
            br#"Derive([],[("/nix/store/30wz953kjkha18ps1ri2qzvc6pdlhs50-x.drv",["out")],[],"s","b",[],[])"#,
            b"Derive([],[],[],\"s\",\"b\",[],[(\"\xff\",\"v\")])",
            b"Derive([],[],[],\"s\",\"b\\",
        ] {
            assert!(parse_default(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }
}
