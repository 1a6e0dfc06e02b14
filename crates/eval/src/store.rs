//! The evaluator's view of the store: the [`StoreAccess`] trait that the driver implements over a
//! real store, and the helpers builtins share (string-context elements, errors, the closure of
//! a path).
//!
//! **Invariant:** the evaluator touches the store only through this trait. Store objects are
//! named by logical paths (`/nix/store/…`); where they physically live is the
//! implementation's business ([`StoreAccess::to_real_path`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ntop_store::{Derivation, IngestionMethod, StoreDir, StorePath};

use crate::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::Machine;
use crate::source::Span;

/// Services the evaluator needs from the store layer. Methods that compute a store path
/// compute the same path in read-only (dry-run) mode, and then write nothing.
pub trait StoreAccess {
    fn store_dir(&self) -> &StoreDir;

    /// Whether nothing is written (`--dry-run`, `--eval`): paths are only computed.
    fn read_only(&self) -> bool;

    /// Adds the file or tree at `src` as `name`. With `Recursive`, objects below `src` for which
    /// `filter` says false are left out (the filter is not asked about `src` itself).
    fn add_path(
        &mut self,
        src: &Path,
        name: &str,
        method: IngestionMethod,
        filter: &mut dyn FnMut(&Path) -> bool,
    ) -> ntop_store::Result<StorePath>;

    /// Adds bytes as a flat, non-executable file named `name` (a downloaded file); returns
    /// the fixed-output path of its SHA-256.
    fn add_flat_bytes(&mut self, name: &str, contents: &[u8]) -> ntop_store::Result<StorePath>;

    /// Adds a text object (`builtins.toFile`) with references.
    fn add_text(
        &mut self,
        name: &str,
        contents: &[u8],
        references: &BTreeSet<StorePath>,
    ) -> ntop_store::Result<StorePath>;

    /// Writes a finished derivation's `.drv` file (remembered even in read-only mode, so that
    /// it can be read back during this evaluation).
    /// `text` is the derivation's ATerm, as `finish_derivation` printed it.
    fn write_derivation(&mut self, drv: &Derivation, text: &[u8]) -> ntop_store::Result<StorePath>;

    fn read_derivation(&mut self, path: &StorePath) -> ntop_store::Result<Derivation>;

    /// The store paths an object refers to, as far as they are known (a `.drv` file's inputs,
    /// the references of text added in this evaluation).
    fn references(&mut self, path: &StorePath) -> ntop_store::Result<BTreeSet<StorePath>>;

    /// Whether the object exists (or was computed in this read-only evaluation).
    fn is_valid(&mut self, path: &StorePath) -> bool;

    /// The file that holds a logical path at or inside a store object; other paths unchanged.
    fn to_real_path(&self, logical: &Path) -> PathBuf;

    /// Unpacks an archive (tar, plain or compressed with gzip, xz, bzip2 or zstd, or zip,
    /// told apart by their first bytes) whose single top-level entry becomes an object named
    /// `name`; returns its path and NAR hash. At most `max_unpacked_size` bytes of file
    /// contents are written (0: no limit); an entry that would escape the tree is refused.
    fn unpack_archive(
        &mut self,
        archive: &Path,
        name: &str,
        max_unpacked_size: u64,
    ) -> Result<(StorePath, ntop_store::Hash), String>;

    /// Exports a revision of a local git repository (`rev`, else the head of `reference`,
    /// else `HEAD`, or the working tree's tracked files where they differ from `HEAD`) and
    /// adds it as `name`.
    fn fetch_git(&mut self, request: &GitRequest) -> Result<GitResult, String>;
}

/// What `builtins.fetchGit` asks for.
#[derive(Clone, Debug, Default)]
pub struct GitRequest {
    pub url: String,
    pub name: String,
    pub rev: Option<String>,
    pub reference: Option<String>,
    pub submodules: bool,
    /// Whether a working tree with uncommitted changes may be fetched (`allow-dirty`).
    pub allow_dirty: bool,
}

/// What `builtins.fetchGit` returns about the fetched tree.
#[derive(Clone, Debug)]
pub struct GitResult {
    pub path: StorePath,
    /// The commit fetched; `None` for a dirty working tree.
    pub rev: Option<String>,
    pub rev_count: u64,
    pub last_modified: i64,
    pub nar_hash: String,
}

/// One element of a string's context, in Nix's encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextElem<'a> {
    /// `/nix/store/…`: a store path.
    Plain(&'a str),
    /// `=/nix/store/….drv`: a derivation and everything it depends on.
    AllOutputs(&'a str),
    /// `!out!/nix/store/….drv`: one output of a derivation.
    Output { output: &'a str, drv: &'a str },
}

impl<'a> ContextElem<'a> {
    pub fn parse(s: &'a str) -> ContextElem<'a> {
        if let Some(rest) = s.strip_prefix('=') {
            return ContextElem::AllOutputs(rest);
        }
        if let Some(rest) = s.strip_prefix('!') {
            if let Some((output, drv)) = rest.split_once('!') {
                return ContextElem::Output { output, drv };
            }
        }
        ContextElem::Plain(s)
    }
}

/// The error a failed store operation becomes.
pub fn store_error(e: impl std::fmt::Display, span: Span) -> EvalError {
    EvalError::new(ErrorKind::Store(e.to_string()), span)
}

impl Machine {
    /// The store, or an error naming what needed it.
    pub fn store_access(&mut self, what: &str, span: Span) -> EvalResult<&mut dyn StoreAccess> {
        match self.store.as_deref_mut() {
            Some(s) => Ok(s),
            None => Err(EvalError::new(
                ErrorKind::Unsupported(format!("{what}: no store is available to this evaluation")),
                span,
            )),
        }
    }

    /// The logical store directory of the evaluation (`builtins.storeDir`).
    pub fn store_dir(&self) -> StoreDir {
        match &self.store {
            Some(s) => s.store_dir().clone(),
            None => StoreDir::new(&self.options.store_dir).unwrap_or_default(),
        }
    }

    /// Parses a store path that must be directly in the store (a context element).
    pub fn parse_store_path(&self, path: &str, span: Span) -> EvalResult<StorePath> {
        self.store_dir()
            .parse(path)
            .map_err(|e| store_error(e, span))
    }

    /// The closure of `path` under the references the store knows, `path` included (Nix's
    /// `computeFSClosure`).
    pub fn store_closure(
        &mut self,
        path: StorePath,
        span: Span,
    ) -> EvalResult<BTreeSet<StorePath>> {
        let store = self.store_access("computing a closure", span)?;
        let mut done = BTreeSet::new();
        let mut todo = vec![path];
        while let Some(p) = todo.pop() {
            if !done.insert(p.clone()) {
                continue;
            }
            let refs = store.references(&p).map_err(|e| store_error(e, span))?;
            todo.extend(refs.into_iter().filter(|r| !done.contains(r)));
        }
        Ok(done)
    }
}
