//! The store as the CLI opens it: where it lives, the evaluator's [`StoreAccess`] over a
//! [`LocalStore`], the file-system view that maps logical store paths to their files, and
//! `ntop show-derivation`.
//!
//! Store paths are logical (`/nix/store/…` by default, `--store-dir`); the objects live under
//! the store root (`--store`, `$NTOP_STORE`, else `$XDG_DATA_HOME/ntop` or
//! `~/.local/share/ntop`). In read-only mode (`--eval`, `--dry-run`) paths are computed and
//! nothing is written; derivations "written" then are kept in memory, so that the evaluation
//! can still read them back (for `=` contexts and hashes modulo).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use ntop_eval::io::{EvalIO, FileType, StdIO};
use ntop_eval::store::{GitRequest, GitResult, StoreAccess};
use ntop_store::{
    Derivation, FileKind, IngestionMethod, LocalStore, StoreDir, StoreMode, StorePath,
};

use crate::args::{ShowDerivationArgs, StoreArgs};

/// The store root: `--store`, else `$NTOP_STORE`, else `$XDG_DATA_HOME/ntop`, else
/// `~/.local/share/ntop`.
pub fn store_root(common: &StoreArgs) -> PathBuf {
    if let Some(dir) = &common.store {
        return absolute(Path::new(dir));
    }
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = env("NTOP_STORE") {
        return absolute(Path::new(&dir));
    }
    if let Some(dir) = env("XDG_DATA_HOME") {
        return PathBuf::from(dir).join("ntop");
    }
    let home = env("HOME").map_or_else(|| PathBuf::from("/"), PathBuf::from);
    home.join(".local/share/ntop")
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(p)
    }
}

/// Opens the store the options name.
pub fn open_store(common: &StoreArgs, mode: StoreMode) -> Result<LocalStore, String> {
    let dir = common.store_dir.as_deref().unwrap_or("/nix/store");
    let store_dir = StoreDir::new(dir).map_err(|e| e.to_string())?;
    LocalStore::open(store_root(common), store_dir, mode)
        .map(LocalStore::with_batched_sync)
        .map_err(|e| e.to_string())
}

/// The evaluator's store.
pub struct SessionStore {
    store: LocalStore,
    /// Derivations written or read during this evaluation.
    drvs: HashMap<StorePath, Derivation>,
    /// References of the text objects added during this evaluation.
    refs: HashMap<StorePath, BTreeSet<StorePath>>,
    /// Paths computed (not written) in read-only mode.
    computed: HashSet<StorePath>,
}

impl SessionStore {
    pub fn new(store: LocalStore) -> SessionStore {
        SessionStore {
            store,
            drvs: HashMap::new(),
            refs: HashMap::new(),
            computed: HashSet::new(),
        }
    }

    fn note(&mut self, path: &StorePath) {
        if self.read_only() {
            self.computed.insert(path.clone());
        }
    }

    fn git(&self, repo: &Path, args: &[&str]) -> Result<String, String> {
        let out = Command::new("git")
            .arg("-C")
            .arg(repo)
            .args(args)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "program 'git' failed on '{}': {}",
                repo.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }
}

impl StoreAccess for SessionStore {
    fn store_dir(&self) -> &StoreDir {
        self.store.store_dir()
    }

    fn read_only(&self) -> bool {
        self.store.mode() == StoreMode::DryRun
    }

    fn add_path(
        &mut self,
        src: &Path,
        name: &str,
        method: IngestionMethod,
        filter: &mut dyn FnMut(&Path) -> bool,
    ) -> ntop_store::Result<StorePath> {
        let real = self.to_real_path(src);
        // The filter speaks of the paths the user named, not of where a store object is.
        let mut filter = |p: &Path, _: FileKind| -> ntop_store::Result<bool> {
            Ok(match p.strip_prefix(&real) {
                Ok(rest) if real != src => filter(&src.join(rest)),
                _ => filter(p),
            })
        };
        let path = self.store.add_path(&real, name, method, &mut filter)?;
        self.note(&path);
        Ok(path)
    }

    fn add_flat_bytes(&mut self, name: &str, contents: &[u8]) -> ntop_store::Result<StorePath> {
        let tmp = tempfile_in(self.store.root())?;
        let result = (|| {
            std::fs::write(&tmp, contents).map_err(|e| io_error("writing", &tmp, e))?;
            self.store
                .add_path(&tmp, name, IngestionMethod::Flat, &mut |_, _| Ok(true))
        })();
        let _ = std::fs::remove_file(&tmp);
        let path = result?;
        self.note(&path);
        Ok(path)
    }

    fn add_text(
        &mut self,
        name: &str,
        contents: &[u8],
        references: &BTreeSet<StorePath>,
    ) -> ntop_store::Result<StorePath> {
        let path = self.store.add_text(name, contents, references)?;
        self.refs.insert(path.clone(), references.clone());
        self.note(&path);
        Ok(path)
    }

    fn write_derivation(&mut self, drv: &Derivation, text: &[u8]) -> ntop_store::Result<StorePath> {
        let path = self
            .store
            .add_text(&format!("{}.drv", drv.name), text, &drv.references())?;
        self.drvs.insert(path.clone(), drv.clone());
        self.note(&path);
        Ok(path)
    }

    fn read_derivation(&mut self, path: &StorePath) -> ntop_store::Result<Derivation> {
        if let Some(d) = self.drvs.get(path) {
            return Ok(d.clone());
        }
        let d = self.store.read_derivation(path)?;
        self.drvs.insert(path.clone(), d.clone());
        Ok(d)
    }

    fn references(&mut self, path: &StorePath) -> ntop_store::Result<BTreeSet<StorePath>> {
        if path.is_derivation() {
            return Ok(self.read_derivation(path)?.references());
        }
        Ok(self.refs.get(path).cloned().unwrap_or_default())
    }

    fn is_valid(&mut self, path: &StorePath) -> bool {
        self.computed.contains(path) || self.drvs.contains_key(path) || self.store.is_present(path)
    }

    fn to_real_path(&self, logical: &Path) -> PathBuf {
        let Some(s) = logical.to_str() else {
            return logical.to_path_buf();
        };
        match self.store.to_physical(s) {
            Some(p) if std::fs::symlink_metadata(&p).is_ok() => p,
            _ => logical.to_path_buf(),
        }
    }

    fn unpack_archive(
        &mut self,
        archive: &Path,
        name: &str,
    ) -> Result<(StorePath, ntop_store::Hash), String> {
        let tmp = tempfile_in(self.store.root()).map_err(|e| e.to_string())?;
        let result = (|| {
            std::fs::create_dir_all(&tmp)
                .map_err(|e| format!("creating '{}': {e}", tmp.display()))?;
            unpack(archive, &tmp)?;
            let mut members: Vec<PathBuf> = std::fs::read_dir(&tmp)
                .map_err(|e| e.to_string())?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            if members.len() != 1 {
                return Err(format!(
                    "tarball '{}' contains an unexpected number of top-level files",
                    archive.display()
                ));
            }
            let top = members.remove(0);
            let (nar_hash, _) = ntop_store::nar::nar_hash(&top).map_err(|e| e.to_string())?;
            let path = self
                .add_path(&top, name, IngestionMethod::Recursive, &mut |_| true)
                .map_err(|e| e.to_string())?;
            Ok((path, nar_hash))
        })();
        let _ = force_remove_dir(&tmp);
        result
    }

    fn fetch_git(&mut self, request: &GitRequest) -> Result<GitResult, String> {
        let url = request
            .url
            .strip_prefix("file://")
            .unwrap_or(&request.url)
            .to_owned();
        if !url.starts_with('/') {
            return Err(format!(
                "cannot fetch '{}': ntop has no network access; only local repositories can be fetched",
                request.url
            ));
        }
        let repo = PathBuf::from(&url);
        let rev = match (&request.rev, &request.reference) {
            (Some(rev), _) => rev.clone(),
            (None, Some(r)) => {
                let full = if r.starts_with("refs/") || r == "HEAD" {
                    r.clone()
                } else {
                    format!("refs/heads/{r}")
                };
                self.git(
                    &repo,
                    &["rev-parse", "--verify", &format!("{full}^{{commit}}")],
                )?
            }
            (None, None) => self.git(&repo, &["rev-parse", "--verify", "HEAD^{commit}"])?,
        };
        let tmp = tempfile_in(self.store.root()).map_err(|e| e.to_string())?;
        let result = (|| {
            std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
            // `git archive` writes exactly the tree of the commit; unpack it into `tmp`.
            let out = Command::new("git")
                .arg("-C")
                .arg(&repo)
                .args(["archive", "--format=tar", &rev])
                .output()
                .map_err(|e| format!("cannot run git: {e}"))?;
            if !out.status.success() {
                return Err(format!(
                    "cannot find Git revision '{rev}' in '{}': {}",
                    repo.display(),
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
            unpack_tar(io::Cursor::new(out.stdout), &tmp)?;
            let path = self
                .add_path(&tmp, &request.name, IngestionMethod::Recursive, &mut |_| {
                    true
                })
                .map_err(|e| e.to_string())?;
            let (nar_hash, _) = ntop_store::nar::nar_hash(&tmp).map_err(|e| e.to_string())?;
            Ok((path, nar_hash))
        })();
        let _ = force_remove_dir(&tmp);
        let (path, nar_hash) = result?;
        let rev_count = self
            .git(&repo, &["rev-list", "--count", &rev])?
            .parse()
            .unwrap_or(0);
        let last_modified = self
            .git(&repo, &["log", "-1", "--format=%ct", &rev])?
            .parse()
            .unwrap_or(0);
        Ok(GitResult {
            path,
            rev,
            rev_count,
            last_modified,
            nar_hash: nar_hash.to_sri(),
        })
    }
}

fn io_error(action: &'static str, path: &Path, source: io::Error) -> ntop_store::Error {
    ntop_store::Error::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// A fresh path next to the store objects for temporary work (never a store path name).
fn tempfile_in(root: &Path) -> ntop_store::Result<PathBuf> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = root.join("tmp");
    std::fs::create_dir_all(&dir).map_err(|e| io_error("creating", &dir, e))?;
    Ok(dir.join(format!(
        "ntop-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )))
}

fn force_remove_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    for entry in walk(dir) {
        if entry.is_dir() {
            let _ = std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(0o755));
        }
    }
    std::fs::remove_dir_all(dir)
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    let mut i = 0;
    while i < out.len() {
        let p = out[i].clone();
        if std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_dir()) {
            if let Ok(rd) = std::fs::read_dir(&p) {
                out.extend(rd.filter_map(|e| e.ok().map(|e| e.path())));
            }
        }
        i += 1;
    }
    out
}

/// Unpacks a tar archive, gzip-compressed or not (told apart by its magic number).
fn unpack(archive: &Path, dest: &Path) -> Result<(), String> {
    let file = std::fs::File::open(archive)
        .map_err(|e| format!("opening '{}': {e}", archive.display()))?;
    let mut reader = io::BufReader::new(file);
    let magic = io::BufRead::fill_buf(&mut reader)
        .map_err(|e| e.to_string())?
        .get(..2)
        .map(<[u8]>::to_vec);
    if magic.as_deref() == Some(&[0x1f, 0x8b]) {
        unpack_tar(flate2::read::GzDecoder::new(reader), dest)
    } else {
        unpack_tar(reader, dest)
    }
    .map_err(|e| format!("unpacking '{}': {e}", archive.display()))
}

fn unpack_tar<R: io::Read>(reader: R, dest: &Path) -> Result<(), String> {
    let mut archive = tar::Archive::new(reader);
    archive.set_preserve_permissions(true);
    archive.set_preserve_mtime(false);
    archive.unpack(dest).map_err(|e| e.to_string())
}

/// The file-system view of an evaluation: logical store paths read from their files under the
/// store root; everything else from the real file system.
pub struct StoreIO {
    store: LocalStore,
}

impl StoreIO {
    pub fn new(store: LocalStore) -> StoreIO {
        StoreIO { store }
    }

    fn map(&self, path: &Path) -> PathBuf {
        let Some(s) = path.to_str() else {
            return path.to_path_buf();
        };
        if !self.store.store_dir().is_in_store(s) {
            return path.to_path_buf();
        }
        match self.store.to_physical(s) {
            Some(p) if std::fs::symlink_metadata(&p).is_ok() => p,
            _ => path.to_path_buf(),
        }
    }
}

impl EvalIO for StoreIO {
    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>> {
        StdIO.read_file(&self.map(path))
    }

    fn file_type(&self, path: &Path) -> io::Result<FileType> {
        StdIO.file_type(&self.map(path))
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<(String, FileType)>> {
        StdIO.read_dir(&self.map(path))
    }

    fn path_exists(&self, path: &Path) -> bool {
        StdIO.path_exists(&self.map(path))
    }

    fn is_directory(&self, path: &Path) -> bool {
        StdIO.is_directory(&self.map(path))
    }

    fn get_env(&self, name: &str) -> Option<String> {
        StdIO.get_env(name)
    }

    fn current_dir(&self) -> io::Result<PathBuf> {
        StdIO.current_dir()
    }
}

/// `ntop show-derivation PATH…`: the derivations as `nix show-derivation` prints them.
pub fn show_derivation(args: ShowDerivationArgs) -> i32 {
    let store = match open_store(&args.common, StoreMode::DryRun) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let dir = store.store_dir().clone();
    let mut drvs = BTreeMap::new();
    let mut todo: Vec<StorePath> = Vec::new();
    for arg in &args.paths {
        let logical = match std::fs::canonicalize(arg) {
            // A path under the store root names the object it is.
            Ok(real) if real.starts_with(store.root()) => real
                .file_name()
                .map(|n| format!("{}/{}", dir.as_str(), n.to_string_lossy()))
                .unwrap_or_default(),
            _ => arg.clone(),
        };
        match dir.parse(&logical) {
            Ok(p) => todo.push(p),
            Err(e) => {
                eprintln!("error: {e}");
                return 1;
            }
        }
    }
    while let Some(path) = todo.pop() {
        if drvs.contains_key(&path) {
            continue;
        }
        match store.read_derivation(&path) {
            Ok(d) => {
                if args.recursive {
                    todo.extend(d.input_drvs.keys().cloned());
                }
                drvs.insert(path, d);
            }
            Err(e) => {
                eprintln!("error: {e}");
                return 1;
            }
        }
    }
    match ntop_store::show_derivations(&dir, &drvs) {
        Ok(json) => {
            use std::io::Write;
            let _ = io::stdout().write_all(&json);
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}
