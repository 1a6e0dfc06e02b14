//! `builtins.parseFlakeRef` and `builtins.flakeRefToString` (Nix 2.18 and later, behind the
//! `flakes` experimental feature): pure conversions between a flake reference's URL form and
//! its attribute-set form, as the Nix manual documents them
//! (`parseFlakeRef "github:NixOS/nixpkgs/23.05?dir=lib"` is
//! `{ dir = "lib"; owner = "NixOS"; ref = "23.05"; repo = "nixpkgs"; type = "github"; }`, and
//! `flakeRefToString` turns it back). Nothing is fetched and no file is looked at: without a
//! base directory, a path reference must be absolute.
//!
//! The forms, as newer Nix's fetchers read them: a flake id (`nixpkgs`, `nixpkgs/branch`,
//! `nixpkgs/branch/REV`, `flake:…`: type `indirect`); `github:`, `gitlab:`, `sourcehut:`
//! (`owner/repo[/ref-or-rev]`, query `ref`, `rev`, `host`, `narHash`); `git:` and `git+…:` (type
//! `git`, the URL without `git+`; query `ref`, `rev`, and the Booleans `shallow`, `submodules`,
//! `lfs`, `exportIgnore`, `allRefs`, `verifyCommit`); `path:` and absolute paths (type `path`;
//! query `rev`, `narHash`, `revCount`, `lastModified`); `http(s):`/`file:` URLs (type `tarball`)
//! and `tarball+…:`/`file+…:` (types `tarball` and `file`). A `dir` parameter is the flake's
//! subdirectory in every form. A reference that fits no form is an error with Nix's message.

use std::collections::BTreeMap;

use super::PrimOp;
use crate::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::Machine;
use crate::source::Span;
use crate::symbol::Symbol;
use crate::value::{AttrEntry, Attrs, Value};

pub static PRIMOPS: &[PrimOp] = &[
    PrimOp {
        name: "parseFlakeRef",
        arity: 1,
        doc: "The attribute-set form of a flake reference given as a URL (Nix 2.18+; needs the `flakes` experimental feature).",
        func: parse_flake_ref,
    },
    PrimOp {
        name: "flakeRefToString",
        arity: 1,
        doc: "The URL form of a flake reference given as an attribute set (Nix 2.18+; needs the `flakes` experimental feature).",
        func: flake_ref_to_string,
    },
];

/// A flake reference attribute: newer Nix's `fetchers::Attr`.
#[derive(Clone, Debug, PartialEq)]
enum Attr {
    Str(String),
    Int(u64),
    Bool(bool),
}

type FlakeAttrs = BTreeMap<String, Attr>;

/// Why a reference was refused; `Url` problems (Nix's `BadURL`) make the parser try the
/// reference as a path instead, as Nix does.
enum Refusal {
    Url(String),
    Other(String),
}

type Refused<T> = Result<T, Refusal>;

fn require_flakes(m: &Machine, span: Span) -> EvalResult<()> {
    let enabled = ["experimental-features", "extra-experimental-features"]
        .iter()
        .filter_map(|k| m.options.settings.get(*k))
        .any(|v| v.split_whitespace().any(|f| f == "flakes"));
    if enabled {
        Ok(())
    } else {
        Err(EvalError::new(
            ErrorKind::ExperimentalFeature {
                feature: "flakes".into(),
            },
            span,
        ))
    }
}

fn refused(message: String, span: Span) -> EvalError {
    EvalError::new(ErrorKind::BadFlakeRef(message), span)
}

fn parse_flake_ref(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    require_flakes(m, span)?;
    let s = m.force_string_no_context(&args[0], span)?;
    let text = String::from_utf8_lossy(s.as_bytes()).into_owned();
    let attrs = parse(&text).map_err(|message| refused(message, span))?;
    let entries = attrs
        .into_iter()
        .map(|(name, value)| AttrEntry {
            name: Symbol::new(&name),
            value: match value {
                Attr::Str(s) => Value::string(s.as_str()),
                Attr::Int(i) => Value::Int(i as i64),
                Attr::Bool(b) => Value::Bool(b),
            },
            pos: None,
        })
        .collect();
    Ok(Value::attrs(Attrs::from_unsorted(entries)))
}

fn flake_ref_to_string(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    require_flakes(m, span)?;
    let set = m.force_attrs(&args[0], span)?;
    let mut attrs = FlakeAttrs::new();
    for e in set.entries() {
        let v = m.force(&e.value, e.pos.unwrap_or(span))?;
        let attr = match v {
            Value::Int(i) if i < 0 => {
                return Err(refused(
                    format!("negative value given for flake ref attr {}: {i}", e.name),
                    span,
                ))
            }
            Value::Int(i) => Attr::Int(i as u64),
            Value::Bool(b) => Attr::Bool(b),
            Value::String(s) => Attr::Str(String::from_utf8_lossy(s.as_bytes()).into_owned()),
            other => {
                return Err(refused(
                    format!(
                        "flake reference attribute sets may only contain integers, Booleans, and strings, but attribute '{}' is {}",
                        e.name,
                        other.type_phrase()
                    ),
                    span,
                ))
            }
        };
        attrs.insert(e.name.as_str().to_owned(), attr);
    }
    let url = to_url(attrs).map_err(|message| refused(message, span))?;
    Ok(Value::string(url.as_str()))
}

// Parsing.

fn parse(text: &str) -> Result<FlakeAttrs, String> {
    let (attrs, fragment) = match flake_id(text) {
        Some(parsed) => parsed?,
        None => match url_ref(text) {
            Ok(parsed) => parsed,
            Err(Refusal::Other(message)) => return Err(message),
            Err(Refusal::Url(_)) => path_ref(text)?,
        },
    };
    if !fragment.is_empty() {
        return Err(format!(
            "unexpected fragment '{fragment}' in flake reference '{text}'"
        ));
    }
    Ok(attrs)
}

/// `nixpkgs`, `nixpkgs/REF`, `nixpkgs/REF/REV`, `nixpkgs/REV` (with a `#fragment`), the
/// abbreviation of `flake:…`; `None` when `text` is not of this form.
fn flake_id(text: &str) -> Option<Result<(FlakeAttrs, String), String>> {
    let (main, fragment) = match text.split_once('#') {
        Some((m, f)) => (m, percent_decode(f)),
        None => (text, String::new()),
    };
    let (id, rest) = match main.split_once('/') {
        Some((id, rest)) => (id, Some(rest)),
        None => (main, None),
    };
    if !is_flake_id(id) || rest.is_some_and(|r| !matches_ref_regex(r)) {
        return None;
    }
    let segments: Vec<String> = main.split('/').map(str::to_owned).collect();
    // The text has the form of a flake id: what its segments say decides, an error included
    // (Nix does not try it as a URL or a path then).
    Some(match indirect(&segments, main) {
        Ok(attrs) => Ok((attrs, fragment)),
        Err(Refusal::Url(m) | Refusal::Other(m)) => Err(m),
    })
}

fn is_flake_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Nix's `refRegex`: `[a-zA-Z0-9@][a-zA-Z0-9_.\/@+-]*`.
fn matches_ref_regex(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '@')
        && chars.all(|c| c.is_ascii_alphanumeric() || "_./@+-".contains(c))
}

fn is_rev(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether `s` can name a Git reference, branch or tag, as newer Nix's `isLegalRefName`
/// decides (it asks libgit2 whether `s` is a valid reference, branch or tag name, and refuses
/// `@` and DEL itself): Git's `check-ref-format` rules, so `branch#` is a branch name while
/// `a..b`, `x.lock` or `-x` are not.
fn is_legal_ref_name(s: &str) -> bool {
    if s == "@" || s.contains('\x7f') {
        return false;
    }
    let branch = !s.starts_with('-') && s != "HEAD" && is_valid_ref(&format!("refs/heads/{s}"));
    let tag = !s.starts_with('-') && is_valid_ref(&format!("refs/tags/{s}"));
    // A full reference name; one that is a single component must be all capitals and
    // underscores (`HEAD`, `FETCH_HEAD`), as libgit2 allows one-level names.
    let reference = is_valid_ref(s)
        && (s.contains('/') || s.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'));
    branch || tag || reference
}

/// Git's rules for a reference name (`git check-ref-format`): components separated by `/`,
/// none empty, starting with `.` or ending with `.lock`; no `..`, `@{`, control characters,
/// space, `~ ^ : ? * [ \`; not ending with `.`.
fn is_valid_ref(name: &str) -> bool {
    let forbidden = |b: u8| b < 0x20 || b == 0x7f || b" ~^:?*[\\".contains(&b);
    !name.is_empty()
        && !name.ends_with('.')
        && !name.contains("..")
        && !name.contains("@{")
        && !name.bytes().any(forbidden)
        && name
            .split('/')
            .all(|c| !c.is_empty() && !c.starts_with('.') && !c.ends_with(".lock"))
}

/// The `indirect` input of a `flake:` URL's path segments (empty ones ignored).
fn indirect(segments: &[String], url: &str) -> Refused<FlakeAttrs> {
    let path: Vec<&str> = segments
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    let mut attrs = FlakeAttrs::new();
    match path.len() {
        1 => {}
        2 if is_rev(path[1]) => {
            attrs.insert("rev".into(), Attr::Str(path[1].to_ascii_lowercase()));
        }
        2 if is_legal_ref_name(path[1]) => {
            attrs.insert("ref".into(), Attr::Str(path[1].into()));
        }
        2 => {
            return Err(Refusal::Url(format!(
                "in flake URL '{url}', '{}' is not a commit hash or branch/tag name",
                path[1]
            )))
        }
        3 => {
            if !is_legal_ref_name(path[1]) {
                return Err(Refusal::Url(format!(
                    "in flake URL '{url}', '{}' is not a branch/tag name",
                    path[1]
                )));
            }
            if !is_rev(path[2]) {
                return Err(Refusal::Url(format!(
                    "in flake URL '{url}', '{}' is not a commit hash",
                    path[2]
                )));
            }
            attrs.insert("ref".into(), Attr::Str(path[1].into()));
            attrs.insert("rev".into(), Attr::Str(path[2].to_ascii_lowercase()));
        }
        _ => return Err(Refusal::Url(format!("GitHub URL '{url}' is invalid"))),
    }
    let id = path.first().copied().unwrap_or("");
    if !is_flake_id(id) {
        return Err(Refusal::Url(format!("'{id}' is not a valid flake ID")));
    }
    attrs.insert("type".into(), Attr::Str("indirect".into()));
    attrs.insert("id".into(), Attr::Str(id.into()));
    Ok(attrs)
}

/// A URL as Nix's `ParsedURL` holds it: path segments and query decoded.
struct Url {
    scheme: String,
    authority: Option<String>,
    path: Vec<String>,
    query: BTreeMap<String, String>,
    fragment: String,
}

impl Url {
    fn parse(text: &str) -> Refused<Url> {
        let bad = || Refusal::Url(format!("'{text}' is not a valid URL"));
        let (scheme, rest) = text.split_once(':').ok_or_else(bad)?;
        let mut chars = scheme.chars();
        let valid_scheme = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        if !valid_scheme {
            return Err(bad());
        }
        let (rest, fragment) = match rest.split_once('#') {
            Some((r, f)) => (r, percent_decode(f)),
            None => (rest, String::new()),
        };
        let (rest, query) = match rest.split_once('?') {
            Some((r, q)) => (r, decode_query(q)),
            None => (rest, BTreeMap::new()),
        };
        let (authority, path) = match rest.strip_prefix("//") {
            Some(after) => match after.find('/') {
                Some(i) => (Some(after[..i].to_owned()), &after[i..]),
                None => (Some(after.to_owned()), ""),
            },
            None => (None, rest),
        };
        Ok(Url {
            scheme: scheme.to_owned(),
            authority,
            path: path.split('/').map(percent_decode).collect(),
            query,
            fragment,
        })
    }

    /// `application+transport`, or the transport alone.
    fn scheme_parts(&self) -> (Option<&str>, &str) {
        match self.scheme.split_once('+') {
            Some((a, t)) => (Some(a), t),
            None => (None, &self.scheme),
        }
    }

    fn render(&self) -> String {
        let mut s = format!("{}:", self.scheme);
        if let Some(a) = &self.authority {
            s.push_str("//");
            s.push_str(a);
        }
        let segments: Vec<String> = self.path.iter().map(|p| percent_encode(p, ":@")).collect();
        s.push_str(&segments.join("/"));
        if !self.query.is_empty() {
            s.push('?');
            s.push_str(&encode_query(&self.query));
        }
        if !self.fragment.is_empty() {
            s.push('#');
            s.push_str(&percent_encode(&self.fragment, ""));
        }
        s
    }
}

fn url_ref(text: &str) -> Refused<(FlakeAttrs, String)> {
    let mut url = Url::parse(text)?;
    let dir = url.query.remove("dir");
    let fragment = std::mem::take(&mut url.fragment);
    let mut attrs = input_from_url(url, text)?;
    if let Some(dir) = dir.filter(|d| !d.is_empty()) {
        attrs.insert("dir".into(), Attr::Str(dir));
    }
    Ok((attrs, fragment))
}

fn input_from_url(url: Url, text: &str) -> Refused<FlakeAttrs> {
    let (application, transport) = url.scheme_parts();
    match url.scheme.as_str() {
        "flake" => return indirect(&url.path, text),
        "github" | "gitlab" | "sourcehut" => return git_archive(&url, text),
        "path" => return path_input(&url, text),
        _ => {}
    }
    if url.scheme == "git" || application == Some("git") {
        return git_input(url);
    }
    if ["file", "http", "https"].contains(&transport)
        && (application == Some("tarball") || application.is_none())
    {
        return curl_input(url, "tarball");
    }
    if ["file", "http", "https"].contains(&transport) && application == Some("file") {
        return curl_input(url, "file");
    }
    if application == Some("file") && transport == "git" {
        return Err(Refusal::Other(format!(
            "input '{text}' is unsupported; did you mean 'git+file' instead of 'file+git'?"
        )));
    }
    Err(Refusal::Other(format!("input '{text}' is unsupported")))
}

fn git_archive(url: &Url, text: &str) -> Refused<FlakeAttrs> {
    let path: Vec<&str> = url
        .path
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    let mut attrs = FlakeAttrs::new();
    match path.len() {
        0 | 1 => return Err(Refusal::Url(format!("URL '{text}' is invalid"))),
        2 => {}
        3 if is_rev(path[2]) => {
            attrs.insert("rev".into(), Attr::Str(path[2].into()));
        }
        _ => {
            attrs.insert("ref".into(), Attr::Str(path[2..].join("/")));
        }
    }
    for (name, value) in &url.query {
        match name.as_str() {
            "rev" | "ref" => {
                if attrs.contains_key(name) {
                    let what = if name == "rev" {
                        "commit hashes"
                    } else {
                        "branch/tag names"
                    };
                    return Err(Refusal::Url(format!(
                        "URL '{text}' contains multiple {what}"
                    )));
                }
                attrs.insert(name.clone(), Attr::Str(value.clone()));
            }
            "host" | "narHash" => {
                attrs.insert(name.clone(), Attr::Str(value.clone()));
            }
            _ => {
                return Err(Refusal::Url(format!(
                    "URL '{text}' contains unknown parameter '{name}'"
                )))
            }
        }
    }
    attrs.insert("type".into(), Attr::Str(url.scheme.clone()));
    attrs.insert("owner".into(), Attr::Str(path[0].into()));
    attrs.insert("repo".into(), Attr::Str(path[1].into()));
    check_git_archive(&attrs).map_err(Refusal::Url)?;
    Ok(attrs)
}

/// What Nix checks of a `github`/`gitlab`/`sourcehut` input's attributes.
fn check_git_archive(attrs: &FlakeAttrs) -> Result<(), String> {
    for required in ["owner", "repo"] {
        str_attr(attrs, required)?;
    }
    let rev = opt_str(attrs, "rev")?;
    let r#ref = opt_str(attrs, "ref")?;
    if let (Some(rev), Some(r)) = (rev, r#ref) {
        return Err(format!(
            "input {} contains both a commit hash ('{rev}') and a branch/tag name ('{r}')",
            attrs_json(attrs)
        ));
    }
    if let Some(rev) = rev {
        if !is_rev(rev) {
            return Err(format!(
                "hash '{rev}' has wrong length for hash type 'sha1'"
            ));
        }
    }
    if r#ref.is_some_and(|r| !is_legal_ref_name(r)) {
        return Err(format!(
            "input {} contains an invalid branch/tag name",
            attrs_json(attrs)
        ));
    }
    Ok(())
}

fn git_input(url: Url) -> Refused<FlakeAttrs> {
    let mut attrs = FlakeAttrs::new();
    attrs.insert("type".into(), Attr::Str("git".into()));
    let mut rest = BTreeMap::new();
    for (name, value) in &url.query {
        match name.as_str() {
            "rev" | "ref" | "keytype" | "publicKey" | "publicKeys" => {
                attrs.insert(name.clone(), Attr::Str(value.clone()));
            }
            "shallow" | "submodules" | "lfs" | "exportIgnore" | "allRefs" | "verifyCommit" => {
                attrs.insert(name.clone(), Attr::Bool(value == "1"));
            }
            _ => {
                rest.insert(name.clone(), value.clone());
            }
        }
    }
    if let Some(Attr::Str(r)) = attrs.get("ref") {
        if !is_legal_ref_name(r) {
            return Err(Refusal::Url(format!("invalid Git branch/tag name '{r}'")));
        }
    }
    let scheme = match url.scheme.strip_prefix("git+") {
        Some(transport) => transport.to_owned(),
        None => url.scheme.clone(),
    };
    let plain = Url {
        scheme,
        query: rest,
        fragment: String::new(),
        ..url
    };
    attrs.insert("url".into(), Attr::Str(plain.render()));
    Ok(attrs)
}

fn path_input(url: &Url, text: &str) -> Refused<FlakeAttrs> {
    if url.authority.as_deref().is_some_and(|a| !a.is_empty()) {
        return Err(Refusal::Other(format!(
            "path URL '{text}' should not have an authority ('{}')",
            url.authority.as_deref().unwrap_or("")
        )));
    }
    let mut attrs = FlakeAttrs::new();
    attrs.insert("type".into(), Attr::Str("path".into()));
    attrs.insert("path".into(), Attr::Str(url.path.join("/")));
    path_query(&mut attrs, &url.query, text)?;
    Ok(attrs)
}

fn path_query(attrs: &mut FlakeAttrs, query: &BTreeMap<String, String>, text: &str) -> Refused<()> {
    for (name, value) in query {
        match name.as_str() {
            "rev" | "narHash" => {
                attrs.insert(name.clone(), Attr::Str(value.clone()));
            }
            "revCount" | "lastModified" => match value.parse::<u64>() {
                Ok(n) => {
                    attrs.insert(name.clone(), Attr::Int(n));
                }
                Err(_) => {
                    return Err(Refusal::Other(format!(
                        "path URL '{text}' has invalid parameter '{name}'"
                    )))
                }
            },
            _ => {
                return Err(Refusal::Other(format!(
                    "path URL '{text}' has unsupported parameter '{name}'"
                )))
            }
        }
    }
    Ok(())
}

fn curl_input(url: Url, kind: &str) -> Refused<FlakeAttrs> {
    let mut attrs = FlakeAttrs::new();
    if let Some(h) = url.query.get("narHash") {
        attrs.insert("narHash".into(), Attr::Str(h.clone()));
    }
    if let Some(r) = url.query.get("rev") {
        attrs.insert("rev".into(), Attr::Str(r.clone()));
    }
    for name in ["revCount", "lastModified"] {
        if let Some(n) = url.query.get(name).and_then(|v| v.parse::<u64>().ok()) {
            attrs.insert(name.into(), Attr::Int(n));
        }
    }
    let transport = url.scheme_parts().1.to_owned();
    let mut query = url.query.clone();
    for name in CURL_ATTRS {
        query.remove(*name);
    }
    let plain = Url {
        scheme: transport,
        query,
        fragment: String::new(),
        ..url
    };
    attrs.insert("type".into(), Attr::Str(kind.into()));
    attrs.insert("url".into(), Attr::Str(plain.render()));
    Ok(attrs)
}

const CURL_ATTRS: &[&str] = &[
    "url",
    "narHash",
    "name",
    "unpack",
    "rev",
    "revCount",
    "lastModified",
];

/// A reference that is a path: it must be absolute (there is no base directory).
fn path_ref(text: &str) -> Result<(FlakeAttrs, String), String> {
    let (main, fragment) = match text.split_once('#') {
        Some((m, f)) => (m, percent_decode(f)),
        None => (text, String::new()),
    };
    let (path, query) = match main.split_once('?') {
        Some((p, q)) => (p, decode_query(q)),
        None => (main, BTreeMap::new()),
    };
    if !path.starts_with('/') {
        return Err(format!("flake reference '{text}' is not an absolute path"));
    }
    let mut query = query;
    let dir = query.remove("dir");
    let mut attrs = FlakeAttrs::new();
    attrs.insert("type".into(), Attr::Str("path".into()));
    attrs.insert("path".into(), Attr::Str(path.to_owned()));
    path_query(&mut attrs, &query, text).map_err(|r| match r {
        Refusal::Url(m) | Refusal::Other(m) => m,
    })?;
    if let Some(dir) = dir.filter(|d| !d.is_empty()) {
        attrs.insert("dir".into(), Attr::Str(dir));
    }
    Ok((attrs, fragment))
}

// Printing.

/// Attributes each input type accepts besides `type`.
fn allowed(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "github" | "gitlab" | "sourcehut" => &[
            "owner",
            "repo",
            "ref",
            "rev",
            "narHash",
            "lastModified",
            "host",
            "treeHash",
        ],
        "indirect" => &["id", "ref", "rev", "narHash"],
        "git" => &[
            "url",
            "ref",
            "rev",
            "shallow",
            "submodules",
            "lfs",
            "exportIgnore",
            "lastModified",
            "revCount",
            "narHash",
            "allRefs",
            "name",
            "dirtyRev",
            "dirtyShortRev",
            "verifyCommit",
            "keytype",
            "publicKey",
            "publicKeys",
        ],
        "path" => &["path", "rev", "revCount", "lastModified", "narHash"],
        "tarball" | "file" => CURL_ATTRS,
        _ => return None,
    })
}

fn to_url(mut attrs: FlakeAttrs) -> Result<String, String> {
    let dir = match attrs.remove("dir") {
        Some(Attr::Str(d)) => Some(d),
        Some(_) => return Err("attribute 'dir' must be a string".into()),
        None => None,
    };
    let kind = match attrs.get("type") {
        Some(Attr::Str(t)) => t.clone(),
        Some(_) => return Err("attribute 'type' must be a string".into()),
        None => {
            return Err(
                "'type' attribute to specify input scheme is required but not provided".into(),
            )
        }
    };
    let Some(allowed) = allowed(&kind) else {
        return Err(format!("input '{}' is unsupported", attrs_json(&attrs)));
    };
    for name in attrs.keys() {
        if name != "type" && name != "__final" && !allowed.contains(&name.as_str()) {
            return Err(format!(
                "input attribute '{name}' not supported by scheme '{kind}'"
            ));
        }
    }
    let mut url = match kind.as_str() {
        "github" | "gitlab" | "sourcehut" => {
            check_git_archive(&attrs)?;
            let mut path = vec![
                str_attr(&attrs, "owner")?.to_owned(),
                str_attr(&attrs, "repo")?.to_owned(),
            ];
            if let Some(r) = opt_str(&attrs, "ref")? {
                path.push(r.to_owned());
            }
            if let Some(r) = opt_str(&attrs, "rev")? {
                path.push(r.to_ascii_lowercase());
            }
            let mut query = BTreeMap::new();
            for name in ["narHash", "host"] {
                if let Some(v) = opt_str(&attrs, name)? {
                    query.insert(name.to_owned(), v.to_owned());
                }
            }
            Url {
                scheme: kind.clone(),
                authority: None,
                path,
                query,
                fragment: String::new(),
            }
        }
        "indirect" => {
            let id = str_attr(&attrs, "id")?;
            if !is_flake_id(id) {
                return Err(format!("'{id}' is not a valid flake ID"));
            }
            let mut path = vec![id.to_owned()];
            if let Some(r) = opt_str(&attrs, "ref")? {
                path.push(r.to_owned());
            }
            if let Some(r) = opt_str(&attrs, "rev")? {
                path.push(r.to_ascii_lowercase());
            }
            Url {
                scheme: "flake".into(),
                authority: None,
                path,
                query: BTreeMap::new(),
                fragment: String::new(),
            }
        }
        "git" => {
            let mut url = Url::parse(str_attr(&attrs, "url")?).map_err(|r| match r {
                Refusal::Url(m) | Refusal::Other(m) => m,
            })?;
            if url.scheme != "git" {
                url.scheme = format!("git+{}", url.scheme);
            }
            for name in ["rev", "ref"] {
                if let Some(v) = opt_str(&attrs, name)? {
                    url.query.insert(name.to_owned(), v.to_owned());
                }
            }
            for name in [
                "shallow",
                "lfs",
                "submodules",
                "exportIgnore",
                "verifyCommit",
            ] {
                if let Some(Attr::Bool(true)) = attrs.get(name) {
                    url.query.insert(name.to_owned(), "1".into());
                }
            }
            url
        }
        "path" => {
            let path = str_attr(&attrs, "path")?.to_owned();
            let mut query = BTreeMap::new();
            for (name, value) in &attrs {
                if name == "path" || name == "type" || name == "__final" {
                    continue;
                }
                query.insert(
                    name.clone(),
                    match value {
                        Attr::Str(s) => s.clone(),
                        Attr::Int(i) => i.to_string(),
                        Attr::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
                    },
                );
            }
            Url {
                scheme: "path".into(),
                authority: None,
                path: path.split('/').map(str::to_owned).collect(),
                query,
                fragment: String::new(),
            }
        }
        _ => {
            // tarball, file
            let mut url = Url::parse(str_attr(&attrs, "url")?).map_err(|r| match r {
                Refusal::Url(m) | Refusal::Other(m) => m,
            })?;
            if let Some(h) = opt_str(&attrs, "narHash")? {
                url.query.insert("narHash".into(), h.to_owned());
            }
            url
        }
    };
    if let Some(dir) = dir.filter(|d| !d.is_empty()) {
        url.query.insert("dir".into(), dir);
    }
    Ok(url.render())
}

fn str_attr<'a>(attrs: &'a FlakeAttrs, name: &str) -> Result<&'a str, String> {
    opt_str(attrs, name)?
        .ok_or_else(|| format!("attribute '{name}' missing in input {}", attrs_json(attrs)))
}

fn opt_str<'a>(attrs: &'a FlakeAttrs, name: &str) -> Result<Option<&'a str>, String> {
    match attrs.get(name) {
        None => Ok(None),
        Some(Attr::Str(s)) => Ok(Some(s)),
        Some(_) => Err(format!(
            "attribute '{name}' in input {} must be a string",
            attrs_json(attrs)
        )),
    }
}

/// The attributes as the JSON object Nix names an input by in its errors.
fn attrs_json(attrs: &FlakeAttrs) -> String {
    let mut out = String::from("{");
    for (i, (name, value)) in attrs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        crate::json::escape_json(&mut out, name.as_bytes());
        out.push(':');
        match value {
            Attr::Str(s) => crate::json::escape_json(&mut out, s.as_bytes()),
            Attr::Int(n) => out.push_str(&n.to_string()),
            Attr::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        }
    }
    out.push('}');
    out
}

// Percent-encoding, as Nix's URLs do it.

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 3 <= bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Unreserved characters and those of `keep` stay, every other byte is `%XX`.
fn percent_encode(s: &str, keep: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        let c = b as char;
        if c.is_ascii_alphanumeric() || "-._~".contains(c) || (b < 0x80 && keep.contains(c)) {
            out.push(c);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode_query(q: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for pair in q.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        out.insert(percent_decode(name), percent_decode(value));
    }
    out
}

fn encode_query(query: &BTreeMap<String, String>) -> String {
    query
        .iter()
        .map(|(n, v)| {
            format!(
                "{}={}",
                percent_encode(n, ":@/?"),
                percent_encode(v, ":@/?")
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}
