//! Files and the store: reading files and directories, adding paths and text to the store
//! (`path`, `filterSource`, `toFile`), naming store paths (`storePath`, `placeholder`) and
//! hashing files.
//!
//! Files are read through `EvalIO`, store objects added through `StoreAccess`. A `builtins.path`
//! or `filterSource` filter is Nix code: it is run over the tree first, in the order in which
//! the NAR visits it (entries sorted by name, depth first, not below rejected directories),
//! which is the order and the number of calls Nix makes; the store then copies what it
//! accepted.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use ntop_store::{hash_placeholder, Hash, HashAlgo, IngestionMethod, StorePath};

use super::PrimOp;
use crate::error::{ArgumentWording, ErrorKind, EvalError, EvalResult};
use crate::eval::{CoerceMode, Machine};
use crate::io::FileType;
use crate::source::Span;
use crate::store::{store_error, ContextElem};
use crate::symbol::Symbol;
use crate::value::{Attrs, Context, NixString, Value};

pub static PRIMOPS: &[PrimOp] = &[
    PrimOp {
        name: "readFile",
        arity: 1,
        doc: "The contents of a file as a string (with the references of a store file as context).",
        func: read_file,
    },
    PrimOp {
        name: "readDir",
        arity: 1,
        doc: "The entries of a directory: `{ name = \"regular\" | \"directory\" | \"symlink\" | \"unknown\"; }`.",
        func: read_dir,
    },
    PrimOp {
        name: "readFileType",
        arity: 1,
        doc: "The type of a file (not following symlinks): `regular`, `directory`, `symlink` or `unknown`.",
        func: read_file_type,
    },
    PrimOp {
        name: "pathExists",
        arity: 1,
        doc: "Whether a path exists (a dangling symlink does).",
        func: path_exists,
    },
    PrimOp {
        name: "toPath",
        arity: 1,
        doc: "The canonical form of an absolute path, as a string (deprecated).",
        func: to_path,
    },
    PrimOp {
        name: "path",
        arity: 1,
        doc: "Adds a path to the store: `{ path; name ? baseNameOf path; filter ? …; recursive ? true; sha256 ? …; }`.",
        func: path,
    },
    PrimOp {
        name: "filterSource",
        arity: 2,
        doc: "Adds a path to the store, keeping only what `filter path type` accepts.",
        func: filter_source,
    },
    PrimOp {
        name: "toFile",
        arity: 2,
        doc: "Writes a text file to the store; store paths in its context become its references.",
        func: to_file,
    },
    PrimOp {
        name: "storePath",
        arity: 1,
        doc: "A path in the store, with that store path as context.",
        func: store_path,
    },
    PrimOp {
        name: "placeholder",
        arity: 1,
        doc: "The placeholder that stands for a derivation output's path in its own attributes.",
        func: placeholder,
    },
    PrimOp {
        name: "hashFile",
        arity: 2,
        doc: "The base-16 hash (`md5`, `sha1`, `sha256`, `sha512`) of a file's contents.",
        func: hash_file,
    },
];

/// Nix's `coerceToPath`: a path, or a string (or set with `outPath`) holding an absolute path;
/// the context is kept.
pub fn coerce_to_path(m: &mut Machine, v: &Value, span: Span) -> EvalResult<(PathBuf, Context)> {
    let mut ctx = Context::default();
    let bytes = m.coerce_to_string(v, span, CoerceMode::PATH_APPEND, &mut ctx)?;
    let s = String::from_utf8_lossy(&bytes).into_owned();
    if !s.starts_with('/') {
        return Err(EvalError::new(ErrorKind::NotAPath(s), span));
    }
    Ok((PathBuf::from(s), ctx))
}

fn io_error(action: &str, path: &Path, e: &std::io::Error, span: Span) -> EvalError {
    let reason = match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".to_owned(),
        _ if e.raw_os_error() == Some(20) => "Not a directory".to_owned(),
        _ if e.raw_os_error() == Some(21) => "Is a directory".to_owned(),
        _ => e.to_string(),
    };
    EvalError::new(
        ErrorKind::Io(format!("{action} '{}': {reason}", path.display())),
        span,
    )
}

fn string_with_context(s: &str, elements: &[String]) -> Value {
    Value::String(NixString::new(
        s.as_bytes(),
        Context::from_elements(elements.iter().map(String::as_str)),
    ))
}

fn read_file(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let (path, _) = coerce_to_path(m, &args[0], span)?;
    let bytes =
        m.io.read_file(&path)
            .map_err(|e| io_error("opening file", &path, &e, span))?;
    if bytes.contains(&0) {
        return Err(EvalError::other(
            "eval::nul_in_file",
            format!(
                "the contents of the file '{}' cannot be represented as a Nix string",
                path.display()
            ),
            span,
        ));
    }
    // A file in the store refers to what its store object refers to.
    let mut ctx = Context::default();
    let dir = m.store_dir();
    if let Some(text) = path.to_str().filter(|p| dir.is_in_store(p)) {
        if let (Ok((sp, _)), Some(store)) = (dir.split(text), m.store.as_deref_mut()) {
            for r in store.references(&sp).unwrap_or_default() {
                ctx.insert(&dir.print(&r));
            }
        }
    }
    Ok(Value::String(NixString::new(bytes, ctx)))
}

fn read_dir(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let (path, _) = coerce_to_path(m, &args[0], span)?;
    let entries =
        m.io.read_dir(&path)
            .map_err(|e| io_error("opening directory", &path, &e, span))?;
    let mut attrs = Attrs::with_capacity(entries.len());
    for (name, kind) in entries {
        attrs.insert(Symbol::new(&name), Value::string(kind.nix_name()), None);
    }
    Ok(Value::attrs(attrs))
}

fn read_file_type(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let (path, _) = coerce_to_path(m, &args[0], span)?;
    let kind =
        m.io.file_type(&path)
            .map_err(|e| io_error("getting status of", &path, &e, span))?;
    Ok(Value::string(kind.nix_name()))
}

fn path_exists(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let (path, _) = coerce_to_path(m, &args[0], span)?;
    Ok(Value::Bool(m.io.path_exists(&path)))
}

fn to_path(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let (path, ctx) = coerce_to_path(m, &args[0], span)?;
    let canon = ntop_store::canon_path(&path.to_string_lossy());
    Ok(Value::String(NixString::new(canon.into_bytes(), ctx)))
}

/// What `builtins.path` and `filterSource` add.
struct AddPath {
    path: PathBuf,
    name: String,
    filter: Option<Value>,
    method: IngestionMethod,
    expected: Option<Hash>,
}

fn path(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let attrs = m.force_attrs(&args[0], span)?;
    let mut request = AddPath {
        path: PathBuf::new(),
        name: String::new(),
        filter: None,
        method: IngestionMethod::Recursive,
        expected: None,
    };
    for e in attrs.entries() {
        let at = e.pos.unwrap_or(span);
        match e.name.as_str() {
            "path" => request.path = coerce_to_path(m, &e.value, at)?.0,
            "name" => {
                request.name = m
                    .force_string_no_context(&e.value, at)?
                    .to_str_lossy()
                    .into_owned()
            }
            "filter" => request.filter = Some(m.force(&e.value, at)?),
            "recursive" => {
                request.method = if m.force_bool(&e.value, at)? {
                    IngestionMethod::Recursive
                } else {
                    IngestionMethod::Flat
                }
            }
            "sha256" => {
                let text = m.force_string_no_context(&e.value, at)?;
                let (hash, was_empty) =
                    Hash::parse_allow_empty(&text.to_str_lossy(), Some(HashAlgo::Sha256))
                        .map_err(|err| store_error(err, at))?;
                if was_empty {
                    m.observer
                        .warn(&format!("found empty hash, assuming '{}'", hash.to_sri()));
                }
                request.expected = Some(hash);
            }
            other => {
                return Err(EvalError::new(
                    ErrorKind::UnsupportedArgument {
                        function: "addPath".into(),
                        name: other.to_owned(),
                    },
                    at,
                ))
            }
        }
    }
    if request.path.as_os_str().is_empty() {
        return Err(EvalError::new(
            ErrorKind::RequiredArgument {
                function: "addPath".into(),
                name: "path",
                wording: ArgumentWording::Required,
            },
            span,
        ));
    }
    add_path(m, request, span)
}

fn filter_source(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let (path, _) = coerce_to_path(m, &args[1], span)?;
    let filter = m.force(&args[0], span)?;
    if !filter.is_function() {
        return Err(EvalError::other(
            "eval::type_error",
            format!(
                "first argument in call to 'filterSource' is not a function but {}",
                filter.type_phrase()
            ),
            span,
        ));
    }
    add_path(
        m,
        AddPath {
            path,
            name: String::new(),
            filter: Some(filter),
            method: IngestionMethod::Recursive,
            expected: None,
        },
        span,
    )
}

/// Nix's `addPath`: copies (or, read-only, hashes) a path into the store, checks an expected
/// hash, and returns the store path with itself as context.
fn add_path(m: &mut Machine, request: AddPath, span: Span) -> EvalResult<Value> {
    let AddPath {
        path,
        mut name,
        filter,
        method,
        expected,
    } = request;
    if name.is_empty() {
        name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
    }
    let while_adding = |e: EvalError| {
        e.with_frame(
            Some(span),
            format!("while adding path '{}'", path.display()),
        )
    };
    let dir = m.store_dir();
    if let Some(hash) = &expected {
        let wanted = dir
            .make_fixed_output_path(method, hash, &name, &BTreeSet::new())
            .map_err(|e| while_adding(store_error(e, span)))?;
        let store = m.store_access("adding a path to the store", span)?;
        if store.is_valid(&wanted) {
            let s = dir.print(&wanted);
            return Ok(string_with_context(&s, std::slice::from_ref(&s)));
        }
    }
    let accepted = match &filter {
        Some(f) if method == IngestionMethod::Recursive => {
            Some(run_filter(m, f, &path, span).map_err(while_adding)?)
        }
        _ => None,
    };
    let store = m.store_access("adding a path to the store", span)?;
    let added: StorePath = store
        .add_path(&path, &name, method, &mut |p| {
            accepted.as_ref().is_none_or(|set| set.contains(p))
        })
        .map_err(|e| while_adding(store_error(e, span)))?;
    if let Some(hash) = &expected {
        let wanted = dir
            .make_fixed_output_path(method, hash, &name, &BTreeSet::new())
            .map_err(|e| store_error(e, span))?;
        if wanted != added {
            return Err(while_adding(EvalError::other(
                "eval::path_mismatch",
                format!(
                    "store path mismatch in (possibly filtered) path added from '{}'",
                    path.display()
                ),
                span,
            )));
        }
    }
    let s = dir.print(&added);
    Ok(string_with_context(&s, std::slice::from_ref(&s)))
}

/// Runs a path filter over the tree below `root` as the NAR dump visits it, and returns the
/// paths it accepted.
fn run_filter(
    m: &mut Machine,
    filter: &Value,
    root: &Path,
    span: Span,
) -> EvalResult<HashSet<PathBuf>> {
    let mut accepted = HashSet::new();
    if matches!(m.io.file_type(root), Ok(FileType::Directory)) {
        run_filter_in(m, filter, root, span, &mut accepted)?;
    }
    Ok(accepted)
}

/// The depth-first walk below an accepted directory: an accepted directory's contents come
/// before its next sibling.
fn run_filter_in(
    m: &mut Machine,
    filter: &Value,
    dir: &Path,
    span: Span,
    accepted: &mut HashSet<PathBuf>,
) -> EvalResult<()> {
    let entries =
        m.io.read_dir(dir)
            .map_err(|e| io_error("opening directory", dir, &e, span))?;
    for (name, kind) in entries {
        let child = dir.join(&name);
        let args = [
            Value::string(child.to_string_lossy().into_owned()),
            Value::string(kind.nix_name()),
        ];
        let result = m.call_many(filter, &args, span)?;
        if m.force_bool(&result, span)? {
            if kind == FileType::Directory {
                run_filter_in(m, filter, &child, span, accepted)?;
            }
            accepted.insert(child);
        }
    }
    Ok(())
}

fn to_file(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let name = m
        .force_string_no_context(&args[0], span)?
        .to_str_lossy()
        .into_owned();
    let contents = m.force_string(&args[1], span)?;
    let mut refs = BTreeSet::new();
    for elem in contents.context().iter() {
        match ContextElem::parse(elem) {
            ContextElem::Plain(p) => {
                refs.insert(m.parse_store_path(p, span)?);
            }
            _ => {
                return Err(EvalError::other(
                    "eval::to_file_drv_reference",
                    format!(
                        "in 'toFile': the file named '{name}' must not contain a reference to a derivation but contains ({elem})"
                    ),
                    span,
                ))
            }
        }
    }
    let store = m.store_access("builtins.toFile", span)?;
    let added = store
        .add_text(&name, contents.as_bytes(), &refs)
        .map_err(|e| store_error(e, span))?;
    let s = store.store_dir().print(&added);
    Ok(string_with_context(&s, std::slice::from_ref(&s)))
}

fn store_path(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let (path, mut ctx) = coerce_to_path(m, &args[0], span)?;
    let dir = m.store_dir();
    let mut text = path.to_string_lossy().into_owned();
    // Symlinks are resolved, unless the path is a store path itself (or lies in the logical
    // store, whose files live elsewhere).
    if !dir.is_in_store(&text) {
        if let Ok(real) = m.io.canonicalize(&path) {
            text = real.to_string_lossy().into_owned();
        }
    }
    if !dir.is_in_store(&text) {
        return Err(EvalError::other(
            "eval::not_in_store",
            format!("path '{text}' is not in the Nix store"),
            span,
        ));
    }
    let (sp, _) = dir.split(&text).map_err(|e| store_error(e, span))?;
    let store = m.store_access("builtins.storePath", span)?;
    if !store.read_only() && !store.is_valid(&sp) {
        return Err(EvalError::other(
            "eval::invalid_path",
            format!(
                "path '{}' does not exist and cannot be created",
                dir.print(&sp)
            ),
            span,
        ));
    }
    ctx.insert(&dir.print(&sp));
    Ok(Value::String(NixString::new(text.into_bytes(), ctx)))
}

fn placeholder(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let output = m.force_string_no_context(&args[0], span)?;
    Ok(Value::string(hash_placeholder(&output.to_str_lossy())))
}

fn hash_file(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let algo_name = m
        .force_string_no_context(&args[0], span)?
        .to_str_lossy()
        .into_owned();
    let Some(algo) = HashAlgo::from_name(&algo_name) else {
        return Err(EvalError::other(
            "eval::unknown_hash_type",
            format!("unknown hash algorithm '{algo_name}'"),
            span,
        ));
    };
    let (path, _) = coerce_to_path(m, &args[1], span)?;
    let bytes =
        m.io.read_file(&path)
            .map_err(|e| io_error("opening file", &path, &e, span))?;
    Ok(Value::string(Hash::of(algo, &bytes).to_base16()))
}
