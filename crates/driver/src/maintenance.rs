//! The store commands that do not evaluate: `ntop store gc|verify`, `ntop path-info`,
//! `ntop log`, `ntop show-derivation`. Each returns data; the CLI prints it.

use std::collections::BTreeMap;

use ntop_eval::diagnostic::Diagnostic;
use ntop_store::{LocalStore, StoreMode, StorePath};

use crate::error::{Error, Result};
use crate::session::{open_store, SessionOptions};

/// A store opened for maintenance.
pub struct StoreHandle {
    store: LocalStore,
    cwd: std::path::PathBuf,
}

/// What `ntop store gc` did.
#[derive(Debug)]
pub struct GcSummary {
    /// The deleted paths, as printed.
    pub deleted: Vec<String>,
    pub bytes_freed: u64,
}

/// What `ntop store verify` found: how many paths it checked, and one diagnostic per
/// problem.
#[derive(Debug)]
pub struct VerifySummary {
    pub checked: usize,
    pub problems: Vec<Diagnostic>,
}

/// `ntop path-info`'s facts about a valid path.
#[derive(Debug)]
pub struct PathInfoReport {
    pub path: String,
    /// SRI form.
    pub nar_hash: String,
    pub nar_size: u64,
    pub closure_size: u64,
    pub closure_paths: usize,
    pub deriver: Option<String>,
    pub references: Vec<String>,
}

impl StoreHandle {
    /// Opens the store the options name; `write` for commands that change it or read its
    /// database.
    pub fn open(options: &SessionOptions, write: bool) -> Result<StoreHandle> {
        let mode = if write {
            StoreMode::ReadWrite
        } else {
            StoreMode::DryRun
        };
        Ok(StoreHandle {
            store: open_store(
                options,
                mode,
                "ntop's store commands (store gc, store verify, path-info, log, show-derivation)",
            )?,
            cwd: options.cwd.clone(),
        })
    }

    /// A path the user names: logical, or a file under the store's objects (`./result`).
    fn path(&self, arg: &str) -> Result<StorePath> {
        let arg = if std::path::Path::new(arg).is_absolute() {
            arg.to_owned()
        } else {
            self.cwd.join(arg).display().to_string()
        };
        Ok(self.store.parse_user_path(&arg)?)
    }

    fn print(&self, path: &StorePath) -> String {
        self.store.store_dir().print(path)
    }

    pub fn gc(&self) -> Result<GcSummary> {
        // Remains of builds whose process died (killed before it could clean up) go first.
        ntop_builder::clean_stale(&self.store);
        let report = ntop_store::collect_garbage(&self.store)?;
        Ok(GcSummary {
            deleted: report.deleted.iter().map(|p| self.print(p)).collect(),
            bytes_freed: report.bytes_freed,
        })
    }

    pub fn verify(&self) -> Result<VerifySummary> {
        let (checked, problems) = ntop_store::verify_store(&self.store)?;
        Ok(VerifySummary {
            checked,
            problems: problems
                .iter()
                .map(|p| Diagnostic::from(&p.describe(self.store.store_dir())))
                .collect(),
        })
    }

    pub fn path_info(&self, arg: &str) -> Result<PathInfoReport> {
        let path = self.path(arg)?;
        let db = self.store.db()?;
        let info = db.query_path_info(&path)?.ok_or_else(|| {
            Error::request(
                "driver::not_valid",
                format!("path '{}' is not valid", self.print(&path)),
            )
        })?;
        let closure = ntop_store::closure(&self.store, [path.clone()])?;
        let mut closure_size = 0;
        for p in &closure {
            if let Some(i) = db.query_path_info(p)? {
                closure_size += i.nar_size;
            }
        }
        Ok(PathInfoReport {
            path: self.print(&path),
            nar_hash: info.nar_hash.to_sri(),
            nar_size: info.nar_size,
            closure_size,
            closure_paths: closure.len(),
            deriver: info.deriver.as_ref().map(|d| self.print(d)),
            references: info.references.iter().map(|r| self.print(r)).collect(),
        })
    }

    /// The build log of a derivation, or of the derivation that built a path.
    pub fn log(&self, arg: &str) -> Result<Vec<u8>> {
        let path = self.path(arg)?;
        let drv = if path.is_derivation() {
            path
        } else {
            self.store
                .db()?
                .query_path_info(&path)?
                .and_then(|i| i.deriver)
                .ok_or_else(|| {
                    Error::request(
                        "driver::no_deriver",
                        format!("path '{arg}' has no known deriver"),
                    )
                })?
        };
        std::fs::read(self.store.log_path(&drv)).map_err(|_| {
            Error::request(
                "driver::no_log",
                format!("build log of '{}' is not available", self.print(&drv)),
            )
        })
    }

    /// The derivations as `nix show-derivation` prints them (with `recursive`, those they
    /// depend on too).
    pub fn show_derivations(&self, args: &[String], recursive: bool) -> Result<Vec<u8>> {
        let mut drvs = BTreeMap::new();
        let mut todo: Vec<StorePath> = Vec::new();
        for arg in args {
            todo.push(self.path(arg)?);
        }
        while let Some(path) = todo.pop() {
            if drvs.contains_key(&path) {
                continue;
            }
            let d = self.store.read_derivation(&path)?;
            if recursive {
                todo.extend(d.input_drvs.keys().cloned());
            }
            drvs.insert(path, d);
        }
        Ok(ntop_store::show_derivations(self.store.store_dir(), &drvs)?)
    }
}
