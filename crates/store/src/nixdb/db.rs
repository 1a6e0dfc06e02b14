//! Nix 2.8's own database (`<state>/db/db.sqlite`, schema 10), read and written as Nix's
//! `LocalStore` does it.
//!
//! The schema below is the one `nix-build --store 'local?root=…'` created (dumped with
//! `sqlite3 db.sqlite .schema`). What Nix writes into it, checked the same way:
//!
//! * `ValidPaths.path` and `.deriver` are full printed paths (`/nix/store/…`);
//! * `hash` is the NAR's SHA-256 in base 16 with its type (`sha256:…`);
//! * `narSize` the NAR's size, `registrationTime` seconds since the epoch;
//! * `ultimate` is 1 for outputs built here and NULL otherwise, `sigs` NULL when there are
//!   none;
//! * `ca` is `text:sha256:<nix32>` for text files (`toFile`, `.drv`), `fixed:r:sha256:<nix32>`
//!   for NAR-hashed sources and `fixed:[r:]<algo>:<nix32>` for fixed outputs, else NULL;
//! * `Refs` holds one row per reference (a self-reference included);
//! * `DerivationOutputs` one row per output of a registered `.drv` that has a path.
//!
//! The file `<state>/db/schema` holds the version (`10`); a store with another version is
//! refused, never upgraded: only Nix upgrades its own database. While the database is open,
//! `<state>/db/big-lock` is held shared, as Nix holds it (Nix takes it exclusively to upgrade
//! the schema).

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use rusqlite::{params, Connection, OptionalExtension};

use crate::db::{sql, DbError, DbResult, PathInfo};
use crate::derivation::Derivation;
use crate::hash::{Hash, HashEncoding};
use crate::locks::{lock_file, FileLock, LockKind};
use crate::store_path::{StoreDir, StorePath};

use super::NixStoreConfig;

/// The schema version of Nix 2.8's database (`nixSchemaVersion`).
pub const NIX_SCHEMA_VERSION: i64 = 10;

const SCHEMA: &str = "
create table if not exists ValidPaths (
    id               integer primary key autoincrement not null,
    path             text unique not null,
    hash             text not null,
    registrationTime integer not null,
    deriver          text,
    narSize          integer,
    ultimate         integer, -- null implies \"false\"
    sigs             text, -- space-separated
    ca               text -- if not null, an assertion that the path is content-addressed; see ValidPathInfo
);
create table if not exists Refs (
    referrer  integer not null,
    reference integer not null,
    primary key (referrer, reference),
    foreign key (referrer) references ValidPaths(id) on delete cascade,
    foreign key (reference) references ValidPaths(id) on delete restrict
);
create index if not exists IndexReferrer on Refs(referrer);
create index if not exists IndexReference on Refs(reference);
create trigger if not exists DeleteSelfRefs before delete on ValidPaths
  begin
    delete from Refs where referrer = old.id and reference = old.id;
  end;
create table if not exists DerivationOutputs (
    drv  integer not null,
    id   text not null, -- symbolic output id, usually \"out\"
    path text not null,
    primary key (drv, id),
    foreign key (drv) references ValidPaths(id) on delete cascade
);
create index if not exists IndexDerivationOutputs on DerivationOutputs(path);
";

/// What the Nix flavour of the database needs besides its connection: how paths are
/// printed, where `.drv` files are read from, and the big lock it holds.
#[derive(Debug)]
pub(crate) struct NixDb {
    store_dir: StoreDir,
    real_dir: PathBuf,
    _big_lock: FileLock,
}

impl NixDb {
    /// Opens (creating a new store's if there is none) the database of `config`, holding
    /// the big lock shared.
    pub(crate) fn open(config: &NixStoreConfig) -> DbResult<(Connection, NixDb)> {
        let store_dir = StoreDir::new(&config.store_dir).map_err(|e| DbError::Corrupt {
            message: e.to_string(),
        })?;
        let dir = config.db_dir();
        fs::create_dir_all(&dir).map_err(|source| DbError::Io {
            path: dir.clone(),
            source,
        })?;
        let big_lock =
            lock_file(&dir.join("big-lock"), LockKind::Shared).map_err(|e| DbError::Corrupt {
                message: format!("taking the big lock: {e}"),
            })?;
        let schema_file = dir.join("schema");
        let version = match fs::read_to_string(&schema_file) {
            Ok(text) if text.trim().is_empty() => 0,
            Ok(text) => text.trim().parse::<i64>().map_err(|_| DbError::Corrupt {
                message: format!("'{}' holds no schema version", schema_file.display()),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
            Err(source) => {
                return Err(DbError::Io {
                    path: schema_file,
                    source,
                })
            }
        };
        if version > NIX_SCHEMA_VERSION {
            return Err(DbError::SchemaTooNew { found: version });
        }
        if version != 0 && version < NIX_SCHEMA_VERSION {
            return Err(DbError::NixSchemaTooOld { found: version });
        }
        let conn = Connection::open(dir.join("db.sqlite")).map_err(sql("opening"))?;
        conn.busy_timeout(std::time::Duration::from_secs(3600))
            .map_err(sql("setting the busy timeout"))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(sql("enabling foreign keys"))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sql("enabling WAL"))?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(sql("setting synchronous mode"))?;
        if version == 0 {
            // A new store, as Nix makes one: the schema, then the version file.
            conn.execute_batch(&format!("BEGIN IMMEDIATE; {SCHEMA} COMMIT;"))
                .map_err(sql("creating the schema"))?;
            fs::write(&schema_file, NIX_SCHEMA_VERSION.to_string()).map_err(|source| {
                DbError::Io {
                    path: schema_file,
                    source,
                }
            })?;
        }
        Ok((
            conn,
            NixDb {
                store_dir,
                real_dir: config.real_dir.clone(),
                _big_lock: big_lock,
            },
        ))
    }

    fn print(&self, path: &StorePath) -> String {
        self.store_dir.print(path)
    }

    fn parse(&self, printed: &str) -> DbResult<StorePath> {
        self.store_dir.parse(printed).map_err(|e| DbError::Corrupt {
            message: format!("'{printed}': {e}"),
        })
    }

    pub(crate) fn is_valid(&self, conn: &Connection, path: &StorePath) -> DbResult<bool> {
        Ok(self.path_id(conn, path)?.is_some())
    }

    fn path_id(&self, conn: &Connection, path: &StorePath) -> DbResult<Option<i64>> {
        conn.query_row(
            "select id from ValidPaths where path = ?1",
            [self.print(path)],
            |r| r.get(0),
        )
        .optional()
        .map_err(sql("looking up a path"))
    }

    /// `registerValidPaths`: new paths are inserted, valid ones updated (their references
    /// stay, as in Nix); then the references, which must be valid or in the batch.
    pub(crate) fn register(&self, conn: &mut Connection, infos: &[PathInfo]) -> DbResult<()> {
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql("starting a transaction"))?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        for info in infos {
            let hash = info.nar_hash.encode(HashEncoding::Base16, true);
            let size = (info.nar_size != 0).then_some(info.nar_size as i64);
            // Only outputs built here have a deriver; Nix marks those ultimately trusted.
            let ultimate = info.deriver.is_some().then_some(1);
            if let Some(id) = self.path_id(&tx, &info.path)? {
                tx.execute(
                    "update ValidPaths set narSize = ?1, hash = ?2, ultimate = ?3, sigs = NULL,
                     ca = ?4 where id = ?5",
                    params![size, hash, ultimate, info.ca, id],
                )
                .map_err(sql("updating a path"))?;
                continue;
            }
            let time = if info.registration_time == 0 {
                now
            } else {
                info.registration_time
            };
            tx.execute(
                "insert into ValidPaths (path, hash, registrationTime, deriver, narSize,
                 ultimate, sigs, ca) values (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7)",
                params![
                    self.print(&info.path),
                    hash,
                    time,
                    info.deriver.as_ref().map(|d| self.print(d)),
                    size,
                    ultimate,
                    info.ca,
                ],
            )
            .map_err(sql("registering a path"))?;
            if info.path.is_derivation() {
                let id = tx.last_insert_rowid();
                for (output, path) in self.derivation_outputs(&info.path)? {
                    tx.execute(
                        "insert or replace into DerivationOutputs (drv, id, path)
                         values (?1, ?2, ?3)",
                        params![id, output, self.print(&path)],
                    )
                    .map_err(sql("recording a derivation output"))?;
                }
            }
        }
        for info in infos {
            let id = self
                .path_id(&tx, &info.path)?
                .ok_or_else(|| DbError::Corrupt {
                    message: format!("'{}' vanished while being registered", info.path),
                })?;
            for reference in &info.references {
                let rid =
                    self.path_id(&tx, reference)?
                        .ok_or_else(|| DbError::InvalidReference {
                            path: self.print(&info.path),
                            reference: self.print(reference),
                        })?;
                tx.execute(
                    "insert or replace into Refs (referrer, reference) values (?1, ?2)",
                    [id, rid],
                )
                .map_err(sql("recording a reference"))?;
            }
        }
        tx.commit().map_err(sql("committing a registration"))
    }

    /// The outputs with a path of the `.drv` at `drv` (read from disk, as Nix reads it
    /// while registering).
    fn derivation_outputs(&self, drv: &StorePath) -> DbResult<Vec<(String, StorePath)>> {
        let file = self.real_dir.join(drv.to_string());
        let text = fs::read(&file).map_err(|source| DbError::Io {
            path: file.clone(),
            source,
        })?;
        let name = drv.name().strip_suffix(".drv").unwrap_or(drv.name());
        let parsed =
            Derivation::from_aterm(&text, name, &self.store_dir).map_err(|e| DbError::Corrupt {
                message: format!("derivation '{}': {e}", self.print(drv)),
            })?;
        let mut outputs = Vec::new();
        for (output, kind) in &parsed.outputs {
            let path = kind
                .path(&self.store_dir, name, output)
                .map_err(|e| DbError::Corrupt {
                    message: e.to_string(),
                })?;
            if let Some(path) = path {
                outputs.push((output.clone(), path));
            }
        }
        Ok(outputs)
    }

    pub(crate) fn references(
        &self,
        conn: &Connection,
        path: &StorePath,
    ) -> DbResult<BTreeSet<StorePath>> {
        self.path_set(
            conn,
            "select r.path from ValidPaths p join Refs on Refs.referrer = p.id
             join ValidPaths r on r.id = Refs.reference where p.path = ?1",
            path,
        )
    }

    pub(crate) fn referrers(
        &self,
        conn: &Connection,
        path: &StorePath,
    ) -> DbResult<BTreeSet<StorePath>> {
        self.path_set(
            conn,
            "select r.path from ValidPaths p join Refs on Refs.reference = p.id
             join ValidPaths r on r.id = Refs.referrer where p.path = ?1",
            path,
        )
    }

    pub(crate) fn query_path_info(
        &self,
        conn: &Connection,
        path: &StorePath,
    ) -> DbResult<Option<PathInfo>> {
        let row = conn
            .query_row(
                "select hash, narSize, deriver, registrationTime, ca from ValidPaths
                 where path = ?1",
                [self.print(path)],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<i64>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, Option<String>>(4)?,
                    ))
                },
            )
            .optional()
            .map_err(sql("querying path info"))?;
        let Some((hash, size, deriver, time, ca)) = row else {
            return Ok(None);
        };
        let nar_hash = Hash::parse_prefixed(&hash).map_err(|e| DbError::Corrupt {
            message: format!("NAR hash of '{}': {e}", self.print(path)),
        })?;
        // Nix keeps a deriver it no longer has a valid path for; so does the answer.
        let deriver = deriver
            .filter(|d| !d.is_empty())
            .map(|d| self.parse(&d))
            .transpose()?;
        Ok(Some(PathInfo {
            path: path.clone(),
            nar_hash,
            nar_size: size.unwrap_or(0).max(0) as u64,
            references: self.references(conn, path)?,
            deriver,
            registration_time: time,
            ca,
        }))
    }

    pub(crate) fn valid_paths(&self, conn: &Connection) -> DbResult<Vec<StorePath>> {
        let mut stmt = conn
            .prepare("select path from ValidPaths order by path")
            .map_err(sql("listing valid paths"))?;
        let names = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(sql("listing valid paths"))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sql("listing valid paths"))?;
        names.iter().map(|n| self.parse(n)).collect()
    }

    /// `invalidatePath` for a set: references among the set are dropped first, so that
    /// `on delete restrict` stops only a valid referrer outside it.
    pub(crate) fn invalidate(&self, conn: &mut Connection, paths: &[StorePath]) -> DbResult<()> {
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql("starting a transaction"))?;
        for path in paths {
            if let Some(id) = self.path_id(&tx, path)? {
                tx.execute("delete from Refs where referrer = ?1", [id])
                    .map_err(sql("invalidating a path"))?;
            }
        }
        for path in paths {
            tx.execute("delete from ValidPaths where path = ?1", [self.print(path)])
                .map_err(sql("invalidating a path"))?;
        }
        tx.commit().map_err(sql("committing an invalidation"))
    }

    fn path_set(
        &self,
        conn: &Connection,
        query: &str,
        path: &StorePath,
    ) -> DbResult<BTreeSet<StorePath>> {
        let mut stmt = conn.prepare(query).map_err(sql("querying references"))?;
        let names = stmt
            .query_map([self.print(path)], |r| r.get::<_, String>(0))
            .map_err(sql("querying references"))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sql("querying references"))?;
        names.iter().map(|n| self.parse(n)).collect()
    }
}
