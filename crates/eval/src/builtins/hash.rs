//! Hashes: `hashString` and (from newer Nix) `convertHash`, on top of `ntop_store`'s hashes.

use ntop_store::{Hash, HashAlgo, HashEncoding};

use super::PrimOp;
use crate::error::{EvalError, EvalResult};
use crate::eval::Machine;
use crate::source::Span;
use crate::value::Value;

pub static PRIMOPS: &[PrimOp] = &[
    PrimOp {
        name: "hashString",
        arity: 2,
        doc: "The base-16 hash of a string with the algorithm `md5`, `sha1`, `sha256` or \
              `sha512`.",
        func: hash_string,
    },
    PrimOp {
        name: "convertHash",
        arity: 1,
        doc: "(Newer Nix.) `{ hash; toHashFormat; hashAlgo ? … }`: the hash in another format \
              (`base16`, `nix32`, `base32`, `base64` or `sri`).",
        func: convert_hash,
    },
];

fn algo(m: &mut Machine, v: &Value, span: Span) -> EvalResult<HashAlgo> {
    let name = m.force_string_no_context(v, span)?;
    let name = name.to_str_lossy();
    HashAlgo::from_name(&name).ok_or_else(|| {
        EvalError::other(
            "eval::unknown_hash_algo",
            format!("unknown hash algorithm '{name}'"),
            span,
        )
    })
}

fn hash_string(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let algo = algo(m, &args[0], span)?;
    // The string's context is allowed and dropped, as in Nix.
    let s = m.force_string(&args[1], span)?;
    Ok(Value::string(Hash::of(algo, s.as_bytes()).to_base16()))
}

/// From the Nix manual (2.21 and later): "Return the specified representation of a hash
/// string, based on the attributes presented in args: `hash` — the hash to be converted, its
/// format detected automatically; `hashAlgo` — the algorithm used to create the hash, one of
/// "md5", "sha1", "sha256", "sha512", which may be omitted when `hash` is an SRI hash or is
/// prefixed with the algorithm name followed by a colon; `toHashFormat` — one of "base16",
/// "nix32" ("base32" is a deprecated alias), "base64", "sri"."
fn convert_hash(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let set = m.force_attrs(&args[0], span)?;
    let get = |name: &str| set.get(crate::symbol::Symbol::new(name)).cloned();
    let missing = |name: &str| {
        EvalError::new(
            crate::error::ErrorKind::MissingAttribute {
                name: name.to_string(),
                suggestions: Vec::new(),
            },
            span,
        )
    };
    let hash = get("hash").ok_or_else(|| missing("hash"))?;
    let hash = m.force_string_no_context(&hash, span)?;
    let algo = match get("hashAlgo") {
        Some(a) => Some(algo(m, &a, span)?),
        None => None,
    };
    let format = get("toHashFormat").ok_or_else(|| missing("toHashFormat"))?;
    let format = m.force_string_no_context(&format, span)?;
    let encoding = match &*format.to_str_lossy() {
        "base16" => HashEncoding::Base16,
        "nix32" | "base32" => HashEncoding::Nix32,
        "base64" => HashEncoding::Base64,
        "sri" => HashEncoding::Sri,
        other => {
            return Err(EvalError::other(
                "eval::unknown_hash_format",
                format!(
                    "unknown hash format '{other}', expect 'base16', 'base32', 'base64', or 'sri'"
                ),
                span,
            ))
        }
    };
    let parsed = Hash::parse_any(&hash.to_str_lossy(), algo)
        .map_err(|e| EvalError::other("eval::bad_hash", e.to_string(), span))?;
    Ok(Value::string(parsed.encode(encoding, false)))
}
