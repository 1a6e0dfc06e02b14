//! Fetchers: `fetchurl`, `fetchTarball`, `fetchGit`, `fetchTree` and `fetchMercurial`.
//!
//! ntop has no network access. `file://` URLs and absolute paths are fetched (with Nix's hash
//! checks); a tarball is unpacked and its single top-level entry added; `fetchGit` exports a
//! revision of a local repository with the `git` command. Any other URL fails with an error
//! that names it.

use std::path::PathBuf;

use ntop_store::{Hash, HashAlgo, HashEncoding, IngestionMethod};

use super::PrimOp;
use crate::error::{EvalError, EvalResult};
use crate::eval::Machine;
use crate::source::Span;
use crate::store::{store_error, GitRequest};
use crate::symbol::Symbol;
use crate::value::{Context, NixString, Value};

/// Where `<nix/…>` points when no search path entry has the file, as in Nix 2.8; of the
/// files there only `fetchurl.nix` exists, and only for `import` (it is no file: reading it,
/// or asking whether it exists, fails or says no, as in Nix).
pub(crate) const COREPKGS_DIR: &str = "/__corepkgs__";

/// The source of the built-in Nix file `path`, if it is one.
pub(crate) fn corepkgs_file(path: &std::path::Path) -> Option<&'static str> {
    (path == std::path::Path::new("/__corepkgs__/fetchurl.nix")).then_some(FETCHURL_NIX)
}

const FETCHURL_NIX: &str = include_str!("fetchurl.nix");

pub static PRIMOPS: &[PrimOp] = &[
    PrimOp {
        name: "fetchurl",
        arity: 1,
        doc: "Fetches a file (`url` or `{ url; sha256 ? …; name ? …; }`) into the store; only local `file://` URLs and paths.",
        func: fetchurl,
    },
    PrimOp {
        name: "fetchTarball",
        arity: 1,
        doc: "Fetches and unpacks a tarball (`url` or `{ url; sha256 ? …; name ? \"source\"; }`); only local `file://` URLs and paths.",
        func: fetch_tarball,
    },
    PrimOp {
        name: "fetchGit",
        arity: 1,
        doc: "Fetches a revision of a git repository (`url` or `{ url; rev ? …; ref ? …; name ? \"source\"; }`); only local repositories.",
        func: fetch_git,
    },
    PrimOp {
        name: "fetchTree",
        arity: 1,
        doc: "Fetches a source tree (`{ type = \"git\" | \"tarball\" | \"file\"; … }`); needs the `flakes` experimental feature, as in Nix 2.8.",
        func: fetch_tree,
    },
    PrimOp {
        name: "fetchMercurial",
        arity: 1,
        doc: "Fetches a Mercurial repository; not supported by ntop (the error names the URL).",
        func: fetch_mercurial,
    },
];

/// The arguments `fetchurl` and `fetchTarball` take.
struct Request {
    url: String,
    name: String,
    expected: Option<Hash>,
}

fn parse_request(
    m: &mut Machine,
    arg: &Value,
    who: &str,
    default_name: &str,
    span: Span,
) -> EvalResult<Request> {
    let v = m.force(arg, span)?;
    let mut request = Request {
        url: String::new(),
        name: default_name.to_owned(),
        expected: None,
    };
    match &v {
        Value::Attrs(attrs) => {
            let mut url = None;
            for e in attrs.entries() {
                let at = e.pos.unwrap_or(span);
                let text = |m: &mut Machine| -> EvalResult<String> {
                    Ok(m.force_string_no_context(&e.value, at)?
                        .to_str_lossy()
                        .into_owned())
                };
                match e.name.as_str() {
                    "url" => url = Some(text(m)?),
                    "sha256" => {
                        let (hash, was_empty) =
                            Hash::parse_allow_empty(&text(m)?, Some(HashAlgo::Sha256))
                                .map_err(|err| store_error(err, at))?;
                        if was_empty {
                            m.observer
                                .warn(&format!("found empty hash, assuming '{}'", hash.to_sri()));
                        }
                        request.expected = Some(hash);
                    }
                    "name" => request.name = text(m)?,
                    other => {
                        return Err(EvalError::new(
                            crate::error::ErrorKind::UnsupportedArgument {
                                function: who.to_owned(),
                                name: other.to_owned(),
                            },
                            at,
                        ))
                    }
                }
            }
            request.url = url.ok_or_else(|| {
                EvalError::new(
                    crate::error::ErrorKind::RequiredArgument {
                        function: who.to_owned(),
                        name: "url",
                        wording: crate::error::ArgumentWording::ArgumentRequired,
                    },
                    span,
                )
            })?;
        }
        _ => {
            request.url = m
                .force_string_no_context(&v, span)?
                .to_str_lossy()
                .into_owned()
        }
    }
    if request.name.is_empty() {
        request.name = base_name(&request.url).to_owned();
    }
    Ok(request)
}

fn base_name(url: &str) -> &str {
    let trimmed = url.strip_suffix('/').unwrap_or(url);
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// The local file a URL names, or an error naming a URL ntop cannot fetch.
fn local_file(url: &str, span: Span) -> EvalResult<PathBuf> {
    let path = url.strip_prefix("file://").unwrap_or(url);
    if path.starts_with('/') {
        return Ok(PathBuf::from(path));
    }
    Err(EvalError::other(
        "eval::no_network",
        format!("unable to download '{url}': ntop has no network access; only file:// URLs and local paths can be fetched"),
        span,
    ))
}

fn store_path_value(path: String) -> Value {
    let ctx = Context::from_elements([path.as_str()]);
    Value::String(NixString::new(path.into_bytes(), ctx))
}

fn hash_mismatch(url: &str, expected: &Hash, got: &Hash, span: Span) -> EvalError {
    EvalError::new(
        crate::error::ErrorKind::HashMismatch {
            url: url.to_owned(),
            expected: expected.encode(HashEncoding::Nix32, true),
            got: got.encode(HashEncoding::Nix32, true),
        },
        span,
    )
}

/// Nix's `fetch`: the file (or unpacked tarball) at a URL, added to the store.
fn fetch(m: &mut Machine, arg: &Value, who: &str, unpack: bool, span: Span) -> EvalResult<Value> {
    let (path, _) = fetch_to_store(m, arg, who, unpack, span)?;
    Ok(store_path_value(path))
}

/// [`fetch`]'s store path (printed), and the NAR hash of an unpacked tarball.
fn fetch_to_store(
    m: &mut Machine,
    arg: &Value,
    who: &str,
    unpack: bool,
    span: Span,
) -> EvalResult<(String, Option<Hash>)> {
    let default_name = if unpack { "source" } else { "" };
    let Request {
        url,
        name,
        expected,
    } = parse_request(m, arg, who, default_name, span)?;
    let method = if unpack {
        IngestionMethod::Recursive
    } else {
        IngestionMethod::Flat
    };
    let dir = m.store_dir();
    // Already there when the hash is known.
    if let Some(hash) = &expected {
        let wanted = dir
            .make_fixed_output_path(method, hash, &name, &Default::default())
            .map_err(|e| store_error(e, span))?;
        if m.store_access(who, span)?.is_valid(&wanted) {
            let nar_hash = unpack.then(|| hash.clone());
            return Ok((dir.print(&wanted), nar_hash));
        }
    }
    let file = local_file(&url, span)?;
    let limit = max_unpacked_size(m);
    let bytes = m.io.read_file(&file).map_err(|e| {
        EvalError::other(
            "eval::download",
            format!("unable to download '{url}': {e}"),
            span,
        )
    })?;
    let store = m.store_access(who, span)?;
    let (path, nar_hash) = if unpack {
        // Nix keeps the downloaded archive in the store too, as a flat file named `name`.
        store
            .add_flat_bytes(&name, &bytes)
            .map_err(|e| store_error(e, span))?;
        let (path, nar_hash) = limit
            .and_then(|limit| store.unpack_archive(&file, &name, limit))
            .map_err(|e| EvalError::other("eval::unpack", e, span))?;
        if let Some(hash) = &expected {
            if *hash != nar_hash {
                return Err(hash_mismatch(&url, hash, &nar_hash, span));
            }
        }
        (path, Some(nar_hash))
    } else {
        let path = store
            .add_flat_bytes(&name, &bytes)
            .map_err(|e| store_error(e, span))?;
        if let Some(hash) = &expected {
            let got = Hash::sha256(&bytes);
            if *hash != got {
                return Err(hash_mismatch(&url, hash, &got, span));
            }
        }
        (path, None)
    };
    Ok((dir.print(&path), nar_hash))
}

/// ntop's `max-unpacked-size` setting (bytes of file contents one archive may unpack to;
/// 0: no limit). Its default is the settings table's (1 GiB).
fn max_unpacked_size(m: &Machine) -> Result<u64, String> {
    const DEFAULT: u64 = 1 << 30;
    match m.options.settings.get("max-unpacked-size") {
        None => Ok(DEFAULT),
        Some(text) => text
            .trim()
            .parse()
            .map_err(|_| format!("setting 'max-unpacked-size' is '{text}', not a number of bytes")),
    }
}

fn fetchurl(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    fetch(m, &args[0], "fetchurl", false, span)
}

fn fetch_tarball(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    fetch(m, &args[0], "fetchTarball", true, span)
}

fn fetch_git(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let v = m.force(&args[0], span)?;
    let mut request = GitRequest {
        name: "source".into(),
        // Nix 2.8's `allow-dirty` and `warn-dirty`, whose defaults (true) ntop keeps.
        allow_dirty: true,
        ..GitRequest::default()
    };
    match &v {
        Value::Attrs(attrs) => {
            for e in attrs.entries() {
                let at = e.pos.unwrap_or(span);
                match e.name.as_str() {
                    "url" => request.url = url_text(m, &e.value, at)?,
                    "name" => request.name = no_context(m, &e.value, at)?,
                    "rev" => request.rev = Some(no_context(m, &e.value, at)?),
                    "ref" => request.reference = Some(no_context(m, &e.value, at)?),
                    "submodules" => request.submodules = m.force_bool(&e.value, at)?,
                    "allRefs" | "shallow" => {
                        m.force_bool(&e.value, at)?;
                    }
                    other => {
                        return Err(EvalError::new(
                            crate::error::ErrorKind::UnsupportedArgument {
                                function: "fetchGit".into(),
                                name: other.to_owned(),
                            },
                            at,
                        ))
                    }
                }
            }
            if request.url.is_empty() {
                return Err(EvalError::new(
                    crate::error::ErrorKind::RequiredArgument {
                        function: "fetchGit".into(),
                        name: "url",
                        wording: crate::error::ArgumentWording::ArgumentRequired,
                    },
                    span,
                ));
            }
        }
        _ => request.url = url_text(m, &v, span)?,
    }
    if let Some(rev) = &request.rev {
        if rev.len() != 40 || !rev.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(EvalError::other(
                "eval::bad_rev",
                format!("invalid Git revision '{rev}'"),
                span,
            ));
        }
    }
    let store = m.store_access("fetchGit", span)?;
    let result = store
        .fetch_git(&request)
        .map_err(|e| EvalError::other("eval::fetch_git", e, span))?;
    let dir = store.store_dir().clone();
    let rev = match result.rev {
        Some(rev) => rev,
        None => {
            // As Nix 2.8's `fetchGit` (not `fetchTree`) gives a dirty tree: a zero `rev`.
            let tree = request.url.strip_prefix("file://").unwrap_or(&request.url);
            m.observer.warn(&format!("Git tree '{tree}' is dirty"));
            "0".repeat(40)
        }
    };
    let short: String = rev.chars().take(7).collect();
    let entries = vec![
        (
            crate::sym!("lastModified"),
            Value::Int(result.last_modified),
        ),
        (
            Symbol::new("lastModifiedDate"),
            Value::string(format_date(result.last_modified)),
        ),
        (Symbol::new("narHash"), Value::string(result.nar_hash)),
        (
            crate::sym!("outPath"),
            store_path_value(dir.print(&result.path)),
        ),
        (Symbol::new("rev"), Value::string(rev.clone())),
        (Symbol::new("revCount"), Value::Int(result.rev_count as i64)),
        (Symbol::new("shortRev"), Value::string(short)),
        (Symbol::new("submodules"), Value::Bool(request.submodules)),
    ];
    Ok(m.attrs_from(entries))
}

/// A URL argument: a string, or a path (`fetchGit ./repo`).
fn url_text(m: &mut Machine, v: &Value, span: Span) -> EvalResult<String> {
    let v = m.force(v, span)?;
    if let Value::Path(p) = &v {
        return Ok(p.display().to_string());
    }
    no_context(m, &v, span)
}

fn no_context(m: &mut Machine, v: &Value, span: Span) -> EvalResult<String> {
    Ok(m.force_string_no_context(v, span)?
        .to_str_lossy()
        .into_owned())
}

/// `%Y%m%d%H%M%S` in UTC, as `lastModifiedDate`.
fn format_date(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}{:02}{:02}{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn fetch_tree(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let enabled = ["experimental-features", "extra-experimental-features"]
        .iter()
        .filter_map(|k| m.options.settings.get(*k))
        .any(|v| v.split_whitespace().any(|f| f == "flakes"));
    if !enabled {
        return Err(EvalError::new(
            crate::error::ErrorKind::ExperimentalFeature {
                feature: "flakes".into(),
            },
            span,
        ));
    }
    let attrs = m.force_attrs(&args[0], span)?;
    let kind = match attrs.get(crate::sym!("type")) {
        Some(t) => no_context(m, &t.clone(), span)?,
        None => {
            return Err(EvalError::new(
                crate::error::ErrorKind::RequiredArgument {
                    function: "fetchTree".into(),
                    name: "type",
                    wording: crate::error::ArgumentWording::MissingInCall,
                },
                span,
            ))
        }
    };
    let rest: Vec<(Symbol, Value)> = attrs
        .entries()
        .iter()
        .filter(|e| e.name.as_str() != "type")
        .map(|e| (e.name, e.value.clone()))
        .collect();
    let rest = m.attrs_from(rest);
    match kind.as_str() {
        "git" => fetch_git(m, &[rest], span),
        "tarball" => {
            // Nix 2.8 gives a local tarball's tree as `{ narHash; outPath; }` (no
            // `lastModified`: a file:// URL has no `Last-Modified` header).
            let (path, nar_hash) = fetch_to_store(m, &rest, "fetchTree", true, span)?;
            let mut entries = vec![(crate::sym!("outPath"), store_path_value(path))];
            if let Some(hash) = nar_hash {
                entries.push((Symbol::new("narHash"), Value::string(hash.to_sri())));
            }
            Ok(m.attrs_from(entries))
        }
        "file" => fetch(m, &rest, "fetchTree", false, span),
        other => Err(EvalError::other(
            "eval::unsupported_input",
            format!("input type '{other}' is not supported by ntop's fetchTree"),
            span,
        )),
    }
}

fn fetch_mercurial(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let v = m.force(&args[0], span)?;
    let url = match &v {
        Value::Attrs(a) => match a.get(crate::sym!("url")) {
            Some(u) => url_text(m, &u.clone(), span)?,
            None => String::new(),
        },
        other => url_text(m, other, span)?,
    };
    Err(EvalError::new(
        crate::error::ErrorKind::Unsupported(format!(
            "cannot fetch Mercurial repository '{url}': ntop does not support Mercurial"
        )),
        span,
    ))
}

#[cfg(test)]
mod tests {
    use super::format_date;

    #[test]
    fn dates_as_nix_prints_them() {
        // nix-instantiate --eval -E 'builtins.fetchGit …' on commits of these dates.
        assert_eq!(format_date(1_609_556_645), "20210102030405");
        assert_eq!(format_date(1_577_934_245), "20200102030405");
        assert_eq!(format_date(0), "19700101000000");
    }
}
