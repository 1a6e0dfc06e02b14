//! The store database: which store paths are *valid*, with their NAR hash and size, their
//! references, the derivation that produced them and when they were registered.
//!
//! It lives in one SQLite file (where `local_store.rs` puts it), opened in WAL mode so that
//! several ntop processes can read while one writes. The schema carries a version
//! (`PRAGMA user_version`); a database written by a newer ntop is refused rather than
//! misread.
//!
//! # Invariants
//!
//! * **A registered path is complete.** Callers register a path only after its object is in
//!   place, normalised and hashed; [`Database::register`] writes a whole batch in one
//!   transaction, so a crash leaves either all or none of it valid.
//! * **References are closed.** Every reference of a registered path is itself valid, or in
//!   the same batch; registering a path whose references are unknown fails.
//! * Paths are stored by base name (`<hash>-<name>`), so the database does not depend on the
//!   logical store directory.
//!
//! The same [`Database`] also reads and writes **Nix 2.8's own database** when the store is
//! shared with Nix (`--store local`): [`Database::open_nix`]; the SQL of that schema is in
//! `nixdb/db.rs`, and every method below dispatches to it.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};

use crate::hash::Hash;
use crate::nixdb::{NixDb, NixStoreConfig};
use crate::store_path::StorePath;

/// The schema version this code reads and writes.
pub const DB_SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS valid_paths (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    path              TEXT UNIQUE NOT NULL,
    nar_hash          TEXT NOT NULL,
    nar_size          INTEGER NOT NULL,
    deriver           TEXT,
    registration_time INTEGER NOT NULL,
    ca                TEXT
);
CREATE TABLE IF NOT EXISTS refs (
    referrer  INTEGER NOT NULL REFERENCES valid_paths(id) ON DELETE CASCADE,
    reference INTEGER NOT NULL REFERENCES valid_paths(id) ON DELETE RESTRICT,
    PRIMARY KEY (referrer, reference)
);
CREATE INDEX IF NOT EXISTS refs_reference ON refs(reference);
";

/// What the database knows about a valid path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathInfo {
    pub path: StorePath,
    /// SHA-256 of the object's NAR.
    pub nar_hash: Hash,
    pub nar_size: u64,
    pub references: BTreeSet<StorePath>,
    /// The `.drv` that produced it, if it was built.
    pub deriver: Option<StorePath>,
    /// Seconds since the epoch; filled in by [`Database::register`] when 0.
    pub registration_time: i64,
    /// The content address of a fixed-output path (`fixed:r:sha256:…`), if any.
    pub ca: Option<String>,
}

/// An error of the store database.
#[derive(Debug)]
pub enum DbError {
    /// SQLite failed (locked past the timeout, disk full, a corrupt file).
    Sqlite {
        action: &'static str,
        source: rusqlite::Error,
    },
    /// The file was written by a newer ntop (or, for Nix's database, a newer Nix).
    SchemaTooNew { found: i64 },
    /// Nix's database has an older schema than Nix 2.8's, which only Nix may upgrade.
    NixSchemaTooOld { found: i64 },
    /// A row that does not parse back (a hash or path that is not valid).
    Corrupt { message: String },
    /// Registering a path whose reference is neither valid nor in the batch.
    InvalidReference { path: String, reference: String },
    /// Creating the database directory failed.
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

impl DbError {
    pub fn code(&self) -> &'static str {
        match self {
            DbError::Sqlite { .. } => "store::db_sqlite",
            DbError::SchemaTooNew { .. } => "store::db_schema_too_new",
            DbError::NixSchemaTooOld { .. } => "store::db_schema_too_old",
            DbError::Corrupt { .. } => "store::db_corrupt",
            DbError::InvalidReference { .. } => "store::db_invalid_reference",
            DbError::Io { .. } => "store::db_io",
        }
    }
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbError::Sqlite { action, source } => {
                write!(f, "store database: {action}: {source}")
            }
            DbError::SchemaTooNew { found } => write!(
                f,
                "store database has schema version {found}, but this ntop knows only up to \
                 {DB_SCHEMA_VERSION}"
            ),
            DbError::NixSchemaTooOld { found } => write!(
                f,
                "Nix's store database has schema version {found}, older than Nix 2.8's \
                 ({}); run a Nix command on the store to upgrade it",
                crate::nixdb::NIX_SCHEMA_VERSION
            ),
            DbError::Corrupt { message } => write!(f, "store database is corrupt: {message}"),
            DbError::InvalidReference { path, reference } => write!(
                f,
                "cannot register '{path}': its reference '{reference}' is not valid"
            ),
            DbError::Io { path, source } => {
                write!(f, "creating store database '{}': {source}", path.display())
            }
        }
    }
}

impl std::error::Error for DbError {}

pub type DbResult<T> = std::result::Result<T, DbError>;

pub(crate) fn sql(action: &'static str) -> impl FnOnce(rusqlite::Error) -> DbError {
    move |source| DbError::Sqlite { action, source }
}

/// The store database. It may be shared between threads; each call takes the connection for
/// its duration.
pub struct Database {
    conn: Mutex<Connection>,
    /// Set when this is Nix's own database.
    nix: Option<NixDb>,
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Database")
    }
}

impl Database {
    /// Opens (creating if needed) the database file at `path`.
    pub fn open(path: &Path) -> DbResult<Database> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| DbError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let conn = Connection::open(path).map_err(sql("opening"))?;
        conn.busy_timeout(Duration::from_secs(600))
            .map_err(sql("setting the busy timeout"))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sql("enabling WAL"))?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(sql("setting synchronous mode"))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(sql("enabling foreign keys"))?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(sql("reading the schema version"))?;
        if version > DB_SCHEMA_VERSION {
            return Err(DbError::SchemaTooNew { found: version });
        }
        if version < DB_SCHEMA_VERSION {
            conn.execute_batch(&format!(
                "BEGIN IMMEDIATE; {SCHEMA} PRAGMA user_version = {DB_SCHEMA_VERSION}; COMMIT;"
            ))
            .map_err(sql("creating the schema"))?;
        }
        Ok(Database {
            conn: Mutex::new(conn),
            nix: None,
        })
    }

    /// Opens Nix 2.8's database of a shared store (creating a new store's, as Nix does, if
    /// there is none), holding Nix's big lock shared until it is dropped.
    pub(crate) fn open_nix(config: &NixStoreConfig) -> DbResult<Database> {
        let (conn, nix) = NixDb::open(config)?;
        Ok(Database {
            conn: Mutex::new(conn),
            nix: Some(nix),
        })
    }

    /// Whether this is Nix's own database.
    pub fn is_nix(&self) -> bool {
        self.nix.is_some()
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves nothing half-done (transactions roll back).
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn is_valid(&self, path: &StorePath) -> DbResult<bool> {
        let conn = self.conn();
        if let Some(nix) = &self.nix {
            return nix.is_valid(&conn, path);
        }
        let found = conn
            .query_row(
                "SELECT 1 FROM valid_paths WHERE path = ?1",
                [path.to_string()],
                |_| Ok(()),
            )
            .optional()
            .map_err(sql("querying validity"))?;
        Ok(found.is_some())
    }

    /// Makes every path of the batch valid in one transaction: either all become valid or
    /// none. A path already valid is updated (its references replaced).
    pub fn register(&self, infos: &[PathInfo]) -> DbResult<()> {
        let mut conn = self.conn();
        if let Some(nix) = &self.nix {
            return nix.register(&mut conn, infos);
        }
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql("starting a transaction"))?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        for info in infos {
            let time = if info.registration_time == 0 {
                now
            } else {
                info.registration_time
            };
            tx.execute(
                "INSERT INTO valid_paths (path, nar_hash, nar_size, deriver, registration_time, ca)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(path) DO UPDATE SET nar_hash = excluded.nar_hash,
                    nar_size = excluded.nar_size, deriver = excluded.deriver,
                    ca = excluded.ca",
                params![
                    info.path.to_string(),
                    info.nar_hash.encode(crate::HashEncoding::Base16, true),
                    info.nar_size as i64,
                    info.deriver.as_ref().map(|d| d.to_string()),
                    time,
                    info.ca,
                ],
            )
            .map_err(sql("registering a path"))?;
        }
        for info in infos {
            let id = path_id(&tx, &info.path)?.ok_or_else(|| DbError::Corrupt {
                message: format!("'{}' vanished while being registered", info.path),
            })?;
            tx.execute("DELETE FROM refs WHERE referrer = ?1", [id])
                .map_err(sql("replacing references"))?;
            for reference in &info.references {
                let rid = path_id(&tx, reference)?.ok_or_else(|| DbError::InvalidReference {
                    path: info.path.to_string(),
                    reference: reference.to_string(),
                })?;
                tx.execute(
                    "INSERT OR IGNORE INTO refs (referrer, reference) VALUES (?1, ?2)",
                    [id, rid],
                )
                .map_err(sql("recording a reference"))?;
            }
        }
        tx.commit().map_err(sql("committing a registration"))
    }

    /// The paths `path` refers to (empty if it is not valid).
    pub fn references(&self, path: &StorePath) -> DbResult<BTreeSet<StorePath>> {
        if let Some(nix) = &self.nix {
            return nix.references(&self.conn(), path);
        }
        self.path_set(
            "SELECT r.path FROM valid_paths p JOIN refs ON refs.referrer = p.id
             JOIN valid_paths r ON r.id = refs.reference WHERE p.path = ?1",
            path,
        )
    }

    /// The valid paths that refer to `path`.
    pub fn referrers(&self, path: &StorePath) -> DbResult<BTreeSet<StorePath>> {
        if let Some(nix) = &self.nix {
            return nix.referrers(&self.conn(), path);
        }
        self.path_set(
            "SELECT r.path FROM valid_paths p JOIN refs ON refs.reference = p.id
             JOIN valid_paths r ON r.id = refs.referrer WHERE p.path = ?1",
            path,
        )
    }

    pub fn query_path_info(&self, path: &StorePath) -> DbResult<Option<PathInfo>> {
        if let Some(nix) = &self.nix {
            return nix.query_path_info(&self.conn(), path);
        }
        let row = {
            let conn = self.conn();
            conn.query_row(
                "SELECT nar_hash, nar_size, deriver, registration_time, ca FROM valid_paths
                 WHERE path = ?1",
                [path.to_string()],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, Option<String>>(4)?,
                    ))
                },
            )
            .optional()
            .map_err(sql("querying path info"))?
        };
        let Some((hash, size, deriver, time, ca)) = row else {
            return Ok(None);
        };
        let nar_hash = Hash::parse_prefixed(&hash).map_err(|e| DbError::Corrupt {
            message: format!("NAR hash of '{path}': {e}"),
        })?;
        let deriver = deriver.map(|d| parse_base(&d)).transpose()?;
        Ok(Some(PathInfo {
            path: path.clone(),
            nar_hash,
            nar_size: size.max(0) as u64,
            references: self.references(path)?,
            deriver,
            registration_time: time,
            ca,
        }))
    }

    /// Every valid path.
    pub fn valid_paths(&self) -> DbResult<Vec<StorePath>> {
        let conn = self.conn();
        if let Some(nix) = &self.nix {
            return nix.valid_paths(&conn);
        }
        let mut stmt = conn
            .prepare("SELECT path FROM valid_paths ORDER BY path")
            .map_err(sql("listing valid paths"))?;
        let names = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(sql("listing valid paths"))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sql("listing valid paths"))?;
        names.iter().map(|n| parse_base(n)).collect()
    }

    /// Makes the paths invalid, in one transaction (before their objects are deleted). Fails
    /// if a valid path outside the set still refers to one of them.
    pub fn invalidate(&self, paths: &[StorePath]) -> DbResult<()> {
        let mut conn = self.conn();
        if let Some(nix) = &self.nix {
            return nix.invalidate(&mut conn, paths);
        }
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql("starting a transaction"))?;
        // References among the set itself must not block deleting it.
        for path in paths {
            if let Some(id) = path_id(&tx, path)? {
                tx.execute("DELETE FROM refs WHERE referrer = ?1", [id])
                    .map_err(sql("invalidating a path"))?;
            }
        }
        for path in paths {
            tx.execute(
                "DELETE FROM valid_paths WHERE path = ?1",
                [path.to_string()],
            )
            .map_err(sql("invalidating a path"))?;
        }
        tx.commit().map_err(sql("committing an invalidation"))
    }

    fn path_set(&self, query: &str, path: &StorePath) -> DbResult<BTreeSet<StorePath>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(query).map_err(sql("querying references"))?;
        let names = stmt
            .query_map([path.to_string()], |r| r.get::<_, String>(0))
            .map_err(sql("querying references"))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sql("querying references"))?;
        names.iter().map(|n| parse_base(n)).collect()
    }
}

fn path_id(conn: &Connection, path: &StorePath) -> DbResult<Option<i64>> {
    conn.query_row(
        "SELECT id FROM valid_paths WHERE path = ?1",
        [path.to_string()],
        |r| r.get(0),
    )
    .optional()
    .map_err(sql("looking up a path"))
}

fn parse_base(name: &str) -> DbResult<StorePath> {
    StorePath::from_base_name(name).map_err(|e| DbError::Corrupt {
        message: format!("'{name}': {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::TempDir;

    fn path(c: char, name: &str) -> StorePath {
        let base: String = std::iter::repeat_n(c, 32).collect();
        StorePath::from_base_name(&format!("{base}-{name}")).expect("path")
    }

    fn info(p: &StorePath, refs: &[&StorePath]) -> PathInfo {
        PathInfo {
            path: p.clone(),
            nar_hash: Hash::sha256(p.to_string().as_bytes()),
            nar_size: 120,
            references: refs.iter().map(|r| (*r).clone()).collect(),
            deriver: None,
            registration_time: 0,
            ca: None,
        }
    }

    #[test]
    fn registers_queries_and_invalidates() {
        let tmp = TempDir::new("db");
        let db = Database::open(&tmp.path().join("db.sqlite")).expect("open");
        let (a, b, c) = (path('a', "a"), path('b', "b"), path('c', "c"));
        assert!(!db.is_valid(&a).expect("query"));
        // b refers to a in the same batch, and to itself.
        db.register(&[info(&b, &[&a, &b]), info(&a, &[])])
            .expect("register");
        assert!(db.is_valid(&a).expect("query") && db.is_valid(&b).expect("query"));
        assert_eq!(
            db.references(&b).expect("refs"),
            [a.clone(), b.clone()].into()
        );
        assert_eq!(db.referrers(&a).expect("refs"), [b.clone()].into());
        let got = db.query_path_info(&b).expect("info").expect("valid");
        assert_eq!(got.nar_hash, info(&b, &[]).nar_hash);
        assert!(got.registration_time > 0);
        // A reference that is not valid makes the whole batch fail.
        let err = db
            .register(&[info(&c, &[]), info(&path('d', "d"), &[&path('f', "f")])])
            .expect_err("invalid reference");
        assert_eq!(err.code(), "store::db_invalid_reference");
        assert!(!db.is_valid(&c).expect("query"));
        db.invalidate(&[a.clone(), b.clone()]).expect("invalidate");
        assert!(db.valid_paths().expect("list").is_empty());
        drop(db);
        // Reopening keeps the schema.
        Database::open(&tmp.path().join("db.sqlite")).expect("reopen");
    }
}
