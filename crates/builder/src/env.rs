//! The builder's environment, as Nix 2.8's `initEnv` makes it.
//!
//! In order (later entries win):
//!
//! 1. `PATH=/path-not-set`, `HOME=/homeless-shelter`, `NIX_STORE`, `NIX_BUILD_CORES`;
//! 2. the derivation's environment — except, without structured attributes, the variables
//!    named in `passAsFile`, whose values go to `<top>/.attr-<nix32 sha256 of name>` and
//!    whose names get a `<name>Path` variable instead; with structured attributes (`__json`),
//!    nothing from the derivation but `.attrs.json` and `.attrs.sh` in the build directory
//!    and `NIX_ATTRS_JSON_FILE`/`NIX_ATTRS_SH_FILE` naming them;
//! 3. `NIX_BUILD_TOP`, `TMPDIR`, `TEMPDIR`, `TMP`, `TEMP`, `PWD` = the build directory as the
//!    builder sees it;
//! 4. for fixed-output derivations `NIX_OUTPUT_CHECKED=1` and the host's values of the
//!    variables named in `impureEnvVars`;
//! 5. `NIX_LOG_FD=2`, `TERM=xterm-256color`.
//!
//! All checked against `env` run by a Nix 2.8.0 builder.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use ntop_store::{nix32, Hash};
use serde_json::Value;

use crate::error::{BuildError, Result};

/// What the environment depends on besides the derivation.
pub struct EnvInput<'a> {
    pub env: &'a BTreeMap<String, Vec<u8>>,
    /// The build directory as the builder sees it (`/build` in the sandbox).
    pub top_in_build: &'a str,
    /// The build directory on the host, where `passAsFile` and attribute files are written.
    pub top_on_host: &'a Path,
    pub store_dir: &'a str,
    pub cores: usize,
    pub fixed_output: bool,
    /// Output name → path, for structured attributes.
    pub outputs: &'a BTreeMap<String, String>,
}

/// Computes the environment and writes the files it names into the build directory.
pub fn make_env(input: &EnvInput<'_>) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut env: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let set = |env: &mut BTreeMap<String, Vec<u8>>, k: &str, v: &[u8]| {
        env.insert(k.to_owned(), v.to_vec());
    };
    set(&mut env, "PATH", b"/path-not-set");
    set(&mut env, "HOME", b"/homeless-shelter");
    set(&mut env, "NIX_STORE", input.store_dir.as_bytes());
    set(
        &mut env,
        "NIX_BUILD_CORES",
        input.cores.to_string().as_bytes(),
    );
    if let Some(json) = input.env.get("__json") {
        write_structured_attrs(input, json)?;
        for (var, file) in [
            ("NIX_ATTRS_JSON_FILE", ".attrs.json"),
            ("NIX_ATTRS_SH_FILE", ".attrs.sh"),
        ] {
            set(
                &mut env,
                var,
                format!("{}/{file}", input.top_in_build).as_bytes(),
            );
        }
    } else {
        let pass_as_file: BTreeSet<&str> = input
            .env
            .get("passAsFile")
            .map(|v| {
                std::str::from_utf8(v)
                    .unwrap_or("")
                    .split_ascii_whitespace()
                    .collect()
            })
            .unwrap_or_default();
        for (name, value) in input.env {
            if !pass_as_file.contains(name.as_str()) {
                env.insert(name.clone(), value.clone());
                continue;
            }
            let file = format!(
                ".attr-{}",
                nix32::encode(Hash::sha256(name.as_bytes()).bytes())
            );
            write(&input.top_on_host.join(&file), value)?;
            env.insert(
                format!("{name}Path"),
                format!("{}/{file}", input.top_in_build).into_bytes(),
            );
        }
    }
    for var in ["NIX_BUILD_TOP", "TMPDIR", "TEMPDIR", "TMP", "TEMP", "PWD"] {
        set(&mut env, var, input.top_in_build.as_bytes());
    }
    if input.fixed_output {
        set(&mut env, "NIX_OUTPUT_CHECKED", b"1");
        if let Some(names) = input.env.get("impureEnvVars") {
            for name in String::from_utf8_lossy(names).split_ascii_whitespace() {
                let value = std::env::var_os(name).unwrap_or_default();
                use std::os::unix::ffi::OsStrExt;
                set(&mut env, name, value.as_bytes());
            }
        }
    }
    set(&mut env, "NIX_LOG_FD", b"2");
    set(&mut env, "TERM", b"xterm-256color");
    Ok(env)
}

fn write(path: &Path, contents: &[u8]) -> Result<()> {
    std::fs::write(path, contents).map_err(|e| BuildError::io("writing", path, e))
}

/// Writes `.attrs.json` (the `__json` attributes plus `outputs`) and `.attrs.sh`.
fn write_structured_attrs(input: &EnvInput<'_>, json: &[u8]) -> Result<()> {
    let bad = |message: String| BuildError::Unsupported {
        drv: String::new(),
        message,
    };
    let mut attrs: serde_json::Map<String, Value> = match serde_json::from_slice(json) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return Err(bad("'__json' is not a JSON object".into())),
        Err(e) => return Err(bad(format!("'__json' is not valid JSON: {e}"))),
    };
    let outputs = input
        .outputs
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    attrs.insert("outputs".into(), Value::Object(outputs));
    let text = serde_json::to_vec(&Value::Object(attrs.clone()))
        .map_err(|e| bad(format!("cannot write structured attributes: {e}")))?;
    write(&input.top_on_host.join(".attrs.json"), &text)?;
    write(
        &input.top_on_host.join(".attrs.sh"),
        attrs_sh(&attrs).as_bytes(),
    )
}

/// The bash declarations of `.attrs.sh`: strings, integers, booleans and null as scalars,
/// lists of those as arrays, sets of those as associative arrays; anything else (floats,
/// nested structures, names that are no shell identifiers) is left out, as in Nix 2.8.
fn attrs_sh(attrs: &serde_json::Map<String, Value>) -> String {
    let mut out = String::new();
    for (key, value) in attrs {
        let ident = key
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ident {
            continue;
        }
        if let Some(s) = simple(value) {
            out.push_str(&format!("declare {key}={s}\n"));
        } else if let Value::Array(items) = value {
            let Some(items) = items.iter().map(simple).collect::<Option<Vec<_>>>() else {
                continue;
            };
            let mut line = format!("declare -a {key}=(");
            for item in items {
                line.push_str(&item);
                line.push(' ');
            }
            out.push_str(&line);
            out.push_str(")\n");
        } else if let Value::Object(map) = value {
            let Some(items) = map
                .iter()
                .map(|(k, v)| simple(v).map(|v| (k, v)))
                .collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            let mut line = format!("declare -A {key}=(");
            for (k, v) in items {
                line.push_str(&format!("[{}]={v} ", shell_escape(k)));
            }
            out.push_str(&line);
            out.push_str(")\n");
        }
    }
    out
}

fn simple(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(shell_escape(s)),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "1".into() } else { String::new() }),
        Value::Null => Some("''".into()),
        _ => None,
    }
}

fn shell_escape(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attrs_sh_matches_nix() {
        // From `.attrs.sh` of a Nix 2.8.0 build with these attributes.
        let json = r#"{"b":true,"f":1.5,"foo":"bar","l":["x","y"],"n":3,"nul":null,"o":{"k":"v"}}"#;
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(json) else {
            panic!("test JSON");
        };
        assert_eq!(
            attrs_sh(&map),
            "declare b=1\ndeclare foo='bar'\ndeclare -a l=('x' 'y' )\ndeclare n=3\n\
             declare nul=''\ndeclare -A o=(['k']='v' )\n"
        );
    }
}
