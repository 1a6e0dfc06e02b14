//! The builtins: one file per family, each exporting a table of [`PrimOp`]s that carries every
//! builtin's name, arity and documentation together with its implementation.
//!
//! Builtins receive their arguments unforced and force what they need; they return values in
//! weak head normal form.

mod arith;
mod attrs;
mod context;
mod control;
pub(crate) mod derivation;
pub(crate) mod fetch;
mod files;
mod flakeref;
mod hash;
mod lists;
mod misc;
mod regex;
mod serialize;
mod strings;
mod types;
mod versions;

use std::collections::HashMap;

use crate::error::EvalResult;
use crate::eval::Machine;
use crate::source::Span;
use crate::symbol::Symbol;
use crate::value::{AttrEntry, Attrs, Value};

pub type PrimOpFn = fn(&mut Machine, &[Value], Span) -> EvalResult<Value>;

pub struct PrimOp {
    pub name: &'static str,
    pub arity: usize,
    pub doc: &'static str,
    pub func: PrimOpFn,
}

/// Every table of builtins.
fn families() -> [&'static [PrimOp]; 16] {
    [
        arith::PRIMOPS,
        attrs::PRIMOPS,
        context::PRIMOPS,
        control::PRIMOPS,
        derivation::PRIMOPS,
        fetch::PRIMOPS,
        files::PRIMOPS,
        flakeref::PRIMOPS,
        hash::PRIMOPS,
        lists::PRIMOPS,
        misc::PRIMOPS,
        regex::PRIMOPS,
        serialize::PRIMOPS,
        strings::PRIMOPS,
        types::PRIMOPS,
        versions::PRIMOPS,
    ]
}

/// Names visible without `builtins.` (besides `__name` for every builtin), as in Nix 2.8.
pub const GLOBAL_NAMES: &[&str] = &[
    "abort",
    "baseNameOf",
    "builtins",
    "derivation",
    "derivationStrict",
    "dirOf",
    "false",
    "fetchGit",
    "fetchMercurial",
    "fetchTarball",
    "fetchTree",
    "fromTOML",
    "import",
    "isNull",
    "map",
    "null",
    "placeholder",
    "removeAttrs",
    "scopedImport",
    "throw",
    "toString",
    "true",
];

/// Every name in Nix 2.8's `builtins` (as `builtins.attrNames builtins` prints it).
pub const NIX_2_8_NAMES: &[&str] = &[
    "abort",
    "add",
    "addErrorContext",
    "all",
    "any",
    "appendContext",
    "attrNames",
    "attrValues",
    "baseNameOf",
    "bitAnd",
    "bitOr",
    "bitXor",
    "builtins",
    "catAttrs",
    "ceil",
    "compareVersions",
    "concatLists",
    "concatMap",
    "concatStringsSep",
    "currentSystem",
    "currentTime",
    "deepSeq",
    "derivation",
    "derivationStrict",
    "dirOf",
    "div",
    "elem",
    "elemAt",
    "false",
    "fetchGit",
    "fetchMercurial",
    "fetchTarball",
    "fetchTree",
    "fetchurl",
    "filter",
    "filterSource",
    "findFile",
    "floor",
    "foldl'",
    "fromJSON",
    "fromTOML",
    "functionArgs",
    "genList",
    "genericClosure",
    "getAttr",
    "getContext",
    "getEnv",
    "groupBy",
    "hasAttr",
    "hasContext",
    "hashFile",
    "hashString",
    "head",
    "import",
    "intersectAttrs",
    "isAttrs",
    "isBool",
    "isFloat",
    "isFunction",
    "isInt",
    "isList",
    "isNull",
    "isPath",
    "isString",
    "langVersion",
    "length",
    "lessThan",
    "listToAttrs",
    "map",
    "mapAttrs",
    "match",
    "mul",
    "nixPath",
    "nixVersion",
    "null",
    "parseDrvName",
    "partition",
    "path",
    "pathExists",
    "placeholder",
    "readDir",
    "readFile",
    "removeAttrs",
    "replaceStrings",
    "scopedImport",
    "seq",
    "sort",
    "split",
    "splitVersion",
    "storeDir",
    "storePath",
    "stringLength",
    "sub",
    "substring",
    "tail",
    "throw",
    "toFile",
    "toJSON",
    "toPath",
    "toString",
    "toXML",
    "trace",
    "true",
    "tryEval",
    "typeOf",
    "unsafeDiscardOutputDependency",
    "unsafeDiscardStringContext",
    "unsafeGetAttrPos",
    "zipAttrsWith",
];

pub fn find(name: &str) -> Option<&'static PrimOp> {
    families()
        .into_iter()
        .flat_map(|f| f.iter())
        .find(|p| p.name == name)
}

/// The `builtins` set's entries other than primops: constants that depend on the machine.
fn constants(m: &Machine) -> Vec<(&'static str, Value)> {
    let nix_path: Vec<Value> = m
        .options
        .search_path
        .iter()
        .map(|e| {
            let mut a = Attrs::new();
            a.insert(crate::sym!("path"), Value::string(e.path.as_str()), None);
            a.insert(
                crate::sym!("prefix"),
                Value::string(e.prefix.as_str()),
                None,
            );
            Value::attrs(a)
        })
        .collect();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    vec![
        ("true", Value::Bool(true)),
        ("false", Value::Bool(false)),
        ("null", Value::Null),
        ("langVersion", Value::Int(6)),
        ("nixVersion", Value::string("2.8.0")),
        ("currentSystem", Value::string(m.options.system.as_str())),
        ("currentTime", Value::Int(now)),
        ("storeDir", Value::string(m.options.store_dir.as_str())),
        ("nixPath", Value::list(nix_path)),
        ("derivation", derivation::derivation_function()),
    ]
}

/// The global scope every file is lowered against: the `builtins` set, the global names and
/// `__name` aliases.
pub fn globals(m: &Machine) -> HashMap<Symbol, Value> {
    let mut entries: Vec<AttrEntry> = Vec::new();
    for op in families().into_iter().flat_map(|f| f.iter()) {
        entries.push(AttrEntry {
            name: Symbol::new(op.name),
            value: Value::PrimOp(op),
            pos: None,
        });
    }
    for (name, value) in constants(m) {
        entries.push(AttrEntry {
            name: Symbol::new(name),
            value,
            pos: None,
        });
    }
    // A Nix 2.8 builtin ntop does not implement yet still exists, and fails with an error that
    // names it as soon as it is used — never a silently wrong value.
    for name in NIX_2_8_NAMES {
        if !entries.iter().any(|e| e.name.as_str() == *name) && *name != "builtins" {
            let message = format!("the builtin '{name}' is not implemented by ntop yet");
            let missing = Value::Thunk(crate::thunk::Thunk::native(std::rc::Rc::new(
                move |_m: &mut Machine| {
                    Err(crate::error::EvalError::new(
                        crate::error::ErrorKind::Unsupported(message.clone()),
                        None,
                    ))
                },
            )));
            entries.push(AttrEntry {
                name: Symbol::new(name),
                value: missing,
                pos: None,
            });
        }
    }
    // `builtins.builtins` is the set itself: build it through a thunk that refers back.
    let cell: std::rc::Rc<std::cell::OnceCell<Value>> = Default::default();
    let cell2 = cell.clone();
    let self_ref = Value::Thunk(crate::thunk::Thunk::native(std::rc::Rc::new(
        move |_m: &mut Machine| Ok(cell2.get().cloned().unwrap_or(Value::Null)),
    )));
    entries.push(AttrEntry {
        name: crate::sym!("builtins"),
        value: self_ref,
        pos: None,
    });
    let builtins = Value::attrs(Attrs::from_unsorted(entries));
    let _ = cell.set(builtins.clone());

    let mut globals = HashMap::new();
    let Value::Attrs(set) = &builtins else {
        unreachable!("built as a set")
    };
    for e in set.entries() {
        globals.insert(Symbol::new(&format!("__{}", e.name)), e.value.clone());
    }
    for name in GLOBAL_NAMES {
        if let Some(v) = set.get(Symbol::new(name)) {
            globals.insert(Symbol::new(name), v.clone());
        }
    }
    globals.insert(crate::sym!("builtins"), builtins.clone());
    globals
}

/// Every builtin name, for documentation and coverage checks.
pub fn all_names() -> Vec<&'static str> {
    families()
        .into_iter()
        .flat_map(|f| f.iter())
        .map(|p| p.name)
        .collect()
}
