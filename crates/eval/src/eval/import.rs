//! Loading Nix files: `import`, `scopedImport`, `-E` expressions and `<…>` search paths.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::Machine;
use crate::env::Env;
use crate::error::{ErrorKind, EvalError, EvalResult};
use crate::ir::ExprRef;
use crate::lower::LowerContext;
use crate::source::{add_source, Origin, Span};
use crate::symbol::Symbol;
use crate::syntax::SyntaxError;
use crate::thunk::Thunk;
use crate::value::Value;

/// One `-I` / `NIX_PATH` entry: `prefix=path` or a bare directory (`prefix` empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchPathEntry {
    pub prefix: String,
    pub path: String,
}

impl SearchPathEntry {
    pub fn parse(s: &str) -> SearchPathEntry {
        match s.split_once('=') {
            Some((prefix, path)) => SearchPathEntry {
                prefix: prefix.into(),
                path: path.into(),
            },
            None => SearchPathEntry {
                prefix: String::new(),
                path: s.into(),
            },
        }
    }

    /// Entries of a colon-separated `NIX_PATH`. As in Nix, a colon right after an entry's
    /// `channel:`, `https:` (or another URL scheme) belongs to the entry.
    pub fn parse_list(s: &str) -> Vec<SearchPathEntry> {
        let mut entries = Vec::new();
        let mut rest = s;
        while !rest.is_empty() {
            let mut end = rest.find(':').unwrap_or(rest.len());
            let path_start = rest[..end].rfind('=').map_or(0, |i| i + 1);
            if end < rest.len() && is_url(&rest[path_start..]) {
                end = rest[end + 1..]
                    .find(':')
                    .map_or(rest.len(), |i| end + 1 + i);
            }
            if end > 0 {
                entries.push(SearchPathEntry::parse(&rest[..end]));
            }
            rest = rest.get(end + 1..).unwrap_or("");
        }
        entries
    }
}

/// Whether a search path entry's path is one Nix would download (`channel:NAME` or a URL).
fn is_url(path: &str) -> bool {
    [
        "channel:", "http://", "https://", "file://", "git://", "s3://", "ssh://", "flake:",
    ]
    .iter()
    .any(|scheme| path.starts_with(scheme))
}

thread_local! {
    /// The search path entries already warned about (Nix resolves each once per evaluator;
    /// an evaluator lives on one thread).
    static UNRESOLVED: std::cell::RefCell<std::collections::HashSet<String>> =
        std::cell::RefCell::default();
}

impl Machine {
    /// Parses and lowers source text; syntax errors become one evaluation error holding all.
    pub fn compile(
        &mut self,
        origin: Origin,
        text: Rc<str>,
        base_dir: &Path,
        outer_frame: Option<&[Symbol]>,
    ) -> EvalResult<ExprRef> {
        self.compile_tree(origin, text, None, base_dir, outer_frame)
    }

    /// `compile`, with the syntax tree of `text` when it was parsed already (by the
    /// prefetcher; such a tree has no errors).
    fn compile_tree(
        &mut self,
        origin: Origin,
        text: Rc<str>,
        tree: Option<crate::parse::Ast>,
        base_dir: &Path,
        outer_frame: Option<&[Symbol]>,
    ) -> EvalResult<ExprRef> {
        let scan_for_imports = match (&origin, &self.prefetch, &tree) {
            (Origin::File(path), Some(_), None) => Some(path.clone()),
            _ => None,
        };
        let file = add_source(origin, text.clone());
        let home = self.io.get_env("HOME").map(PathBuf::from);
        let globals = self.globals().clone();
        let ctx = LowerContext {
            file,
            base_dir,
            home: home.as_deref(),
            globals: &globals,
            outer_frame,
        };
        let (expr, ast) =
            crate::lower::compile(&mut self.code, &ctx, &text, tree).map_err(syntax_error)?;
        if let (Some(path), Some(prefetch)) = (&scan_for_imports, &self.prefetch) {
            prefetch.scan(path, ast.plain_paths().map(str::to_owned).collect());
        }
        Ok(expr)
    }

    /// `nix-instantiate --parse`: checks the text as evaluation would (syntax and scopes) and
    /// shows the parsed expression.
    pub fn parse_and_show(
        &mut self,
        origin: Origin,
        text: &str,
        base_dir: &Path,
    ) -> EvalResult<String> {
        self.compile(origin, text.into(), base_dir, None)?;
        let home = self.io.get_env("HOME").map(PathBuf::from);
        let ast = crate::parse::parse_fast(text)
            .map_err(|f| EvalError::other("syntax::unexpected_token", f.message, None))?;
        Ok(ast
            .root
            .map(|root| crate::show::show_node(&ast, text, root, base_dir, home.as_deref()))
            .unwrap_or_default())
    }

    /// Evaluates an expression given as text (`-E`), relative paths against `base_dir`.
    pub fn eval_source(&mut self, name: &str, text: &str, base_dir: &Path) -> EvalResult<Value> {
        let expr = self.compile(Origin::Text(name.into()), text.into(), base_dir, None)?;
        let env = self.root_env().clone();
        self.eval(expr, &env)
    }

    /// `import path`: evaluates a file once; later imports of the same path share the value.
    pub fn import_file(&mut self, path: &Path, span: Span) -> EvalResult<Value> {
        let resolved = self.resolve_import_path(path);
        if let Some(v) = self.import_cache.get(&resolved) {
            let v = v.clone();
            return self.force(&v, span);
        }
        let expr = self.load_file(&resolved, span, None)?;
        let thunk = Value::Thunk(Thunk::suspended(expr, self.root_env().clone()));
        self.import_cache.insert(resolved, thunk.clone());
        self.force(&thunk, span)
    }

    /// `scopedImport scope path`: the names of `scope` are visible in the file, before builtins.
    pub fn scoped_import(
        &mut self,
        scope: &crate::value::AttrSet,
        path: &Path,
        span: Span,
    ) -> EvalResult<Value> {
        let resolved = self.resolve_import_path(path);
        let names: Vec<Symbol> = scope.names().collect();
        // The same file with the same names lowers to the same code: lower it once.
        let expr = match self.code.scoped(&resolved, &names) {
            Some(expr) => expr,
            None => {
                let expr = self.load_file(&resolved, span, Some(&names))?;
                self.code.remember_scoped(resolved, names, expr);
                expr
            }
        };
        let values = scope.values().cloned().collect();
        let env = Env::with_values(values, self.root_env());
        self.eval(expr, &env)
    }

    fn resolve_import_path(&self, path: &Path) -> PathBuf {
        if self.io.is_directory(path) {
            path.join("default.nix")
        } else {
            path.to_path_buf()
        }
    }

    fn load_file(
        &mut self,
        path: &Path,
        span: Span,
        outer: Option<&[Symbol]>,
    ) -> EvalResult<ExprRef> {
        if let Some(ready) = self.prefetch.as_ref().and_then(|p| p.take(path)) {
            let base = path.parent().unwrap_or(Path::new("/")).to_path_buf();
            return self.compile_tree(
                Origin::File(path.to_path_buf()),
                ready.text.into(),
                Some(ready.ast),
                &base,
                outer,
            );
        }
        if let Some(text) = crate::builtins::fetch::corepkgs_file(path) {
            let base = Path::new(crate::builtins::fetch::COREPKGS_DIR);
            return self.compile(Origin::File(path.to_path_buf()), text.into(), base, outer);
        }
        let bytes = self.io.read_file(path).map_err(|e| {
            EvalError::new(
                ErrorKind::Io(format!(
                    "cannot import '{}': {}",
                    path.display(),
                    io_reason(&e)
                )),
                span,
            )
        })?;
        let text = String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        let base = path.parent().unwrap_or(Path::new("/")).to_path_buf();
        self.compile(Origin::File(path.to_path_buf()), text.into(), &base, outer)
    }

    /// Resolves `<name/rest>` against the search path (what `builtins.findFile` does).
    pub fn find_in_search_path(
        &mut self,
        entries: &[SearchPathEntry],
        wanted: &str,
        span: Span,
    ) -> EvalResult<Value> {
        for entry in entries {
            let candidate = if entry.prefix.is_empty() {
                Some(Path::new(&entry.path).join(wanted))
            } else if wanted == entry.prefix {
                Some(PathBuf::from(&entry.path))
            } else {
                wanted
                    .strip_prefix(&entry.prefix)
                    .and_then(|r| r.strip_prefix('/'))
                    .map(|rest| Path::new(&entry.path).join(rest))
            };
            if let Some(c) = candidate {
                // As Nix 2.8 does, an entry that cannot be used is warned about (once) and
                // skipped: a directory that does not exist, or a URL (ntop does not download
                // search path entries).
                if let Some(warning) = self.unusable_entry(entry) {
                    let first = UNRESOLVED.with(|w| w.borrow_mut().insert(warning.clone()));
                    if first {
                        self.observer.warn(&warning);
                    }
                    continue;
                }
                // A relative entry (`-I ../lib`) is relative to the working directory.
                let c = if c.is_relative() {
                    self.io.current_dir().unwrap_or_else(|_| "/".into()).join(c)
                } else {
                    c
                };
                if self.io.path_exists(&c) {
                    return Ok(Value::path(crate::lower::canonicalize_lexically(&c)));
                }
            }
        }
        // Nix's own files, after every entry (`-I nix=DIR` can replace them).
        if let Some(rest) = wanted.strip_prefix("nix/") {
            let dir = Path::new(crate::builtins::fetch::COREPKGS_DIR);
            return Ok(Value::path(dir.join(rest)));
        }
        Err(EvalError::new(
            ErrorKind::NotInSearchPath(wanted.to_string()),
            span,
        ))
    }
}

impl Machine {
    /// Nix's warning about a search path entry it cannot resolve, if this one is such.
    fn unusable_entry(&self, entry: &SearchPathEntry) -> Option<String> {
        if is_url(&entry.path) {
            return Some(format!(
                "Nix search path entry '{}' cannot be downloaded, ignoring",
                entry.path
            ));
        }
        let path = Path::new(&entry.path);
        let path = if path.is_relative() {
            self.io
                .current_dir()
                .unwrap_or_else(|_| "/".into())
                .join(path)
        } else {
            path.to_path_buf()
        };
        let path = crate::lower::canonicalize_lexically(&path);
        (!self.io.path_exists(&path)).then(|| {
            format!(
                "Nix search path entry '{}' does not exist, ignoring",
                path.display()
            )
        })
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".into(),
        _ => e.to_string(),
    }
}

fn syntax_error(errors: Vec<SyntaxError>) -> EvalError {
    let span = errors.first().map(|e| e.span);
    EvalError::new(ErrorKind::Syntax(errors), span)
}
