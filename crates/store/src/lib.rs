//! The database of socle: opening it, its embedded migrations, and every query (the only SQL).
#![doc = include_str!("../README.md")]

mod accounts;
mod credentials;
mod error;
mod programmes;
mod row;
mod settings;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

pub use accounts::{
    LoginAttempt, NewOrganisation, NewSession, NewUser, Organisation, OrganisationId, Role, Session, User, UserId,
};
pub use credentials::{Credential, NewCredential};
pub use error::{Error, Unique};
pub use programmes::{
    Actor, LabelChange, LabelState, NewProgramme, Programme, ProgrammeData, ProgrammeFilter, ProgrammeId,
    TaughtCompetence, Transition,
};

/// The migrations of `crates/store/migrations/`, compiled into the binary.
pub(crate) static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// How long a statement waits for another connection's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections kept for reading; writes go through one connection of their own.
const READERS: u32 = 4;

/// The current time as Unix seconds (UTC), for callers that stamp what they store.
///
/// The store itself never reads the clock: every time it records is given by its caller, which
/// keeps tests deterministic.
pub fn unix_now() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(now.as_secs()).unwrap_or(i64::MAX)
}

/// One migration known to this build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationInfo {
    /// Its version, the number that starts its file name.
    pub version: i64,
    /// Its description, the rest of the file name.
    pub description: String,
    /// Whether it has a `.down.sql` file.
    pub reversible: bool,
}

/// Every migration of this build, oldest first.
pub fn migrations() -> Vec<MigrationInfo> {
    let mut infos: Vec<MigrationInfo> = Vec::new();
    for migration in MIGRATOR.iter() {
        let down = migration.migration_type.is_down_migration();
        match infos.iter_mut().find(|info| info.version == migration.version) {
            Some(info) => info.reversible |= down,
            None => infos.push(MigrationInfo {
                version: migration.version,
                description: migration.description.to_string(),
                reversible: down,
            }),
        }
    }
    infos.sort_by_key(|info| info.version);
    infos
}

/// The latest migration version of this build: the schema [`Store::open`] brings a database to.
pub fn latest_version() -> i64 {
    MIGRATOR.iter().map(|migration| migration.version).max().unwrap_or(0)
}

/// A handle on the database. Cheap to clone (it holds connection pools), `Send` and `Sync`:
/// the web layer keeps one in its state and clones it into every request.
///
/// SQLite runs in WAL mode with `synchronous = FULL`: once a write method has returned, its
/// transaction is on disk and survives the process being killed. Writes go through a single
/// connection, one transaction at a time, so that writers never fight over SQLite's lock;
/// reads use a small pool of their own and see every committed write.
#[derive(Debug, Clone)]
pub struct Store {
    writer: SqlitePool,
    reader: SqlitePool,
    location: Option<PathBuf>,
}

impl Store {
    /// Opens the database file at `path`, creating it and its parent folders if needed, and
    /// applies every migration it lacks.
    ///
    /// Fails with [`Error::Migration`] when the file was written by a newer socle (it holds a
    /// migration this build does not know) or when an applied migration was edited since.
    pub async fn open(path: impl AsRef<Path>) -> Result<Store, Error> {
        let store = Store::open_unmigrated(path).await?;
        store.migrate_to(latest_version()).await?;
        Ok(store)
    }

    /// Opens (or creates) the database file at `path` without applying any migration: for tools
    /// and tests that move the schema themselves with [`Store::migrate_to`].
    pub async fn open_unmigrated(path: impl AsRef<Path>) -> Result<Store, Error> {
        let path = path.as_ref();
        let open_error = |message: String| Error::Open { path: path.to_path_buf(), message };
        if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|error| open_error(format!("création du dossier {} : {error}", parent.display())))?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        // The writer connects now so that a bad path or a locked file fails here, with its name.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(|error| open_error(error.to_string()))?;
        let reader = SqlitePoolOptions::new().max_connections(READERS).connect_lazy_with(options);
        Ok(Store { writer, reader, location: Some(path.to_path_buf()) })
    }

    /// A fresh database that lives in memory only, with every migration applied: for tests of
    /// the crates that use the store. It disappears with the last clone of the handle.
    pub async fn open_in_memory() -> Result<Store, Error> {
        let open_error =
            |error: sqlx::Error| Error::Open { path: PathBuf::from(":memory:"), message: error.to_string() };
        let options = SqliteConnectOptions::from_str("sqlite::memory:").map_err(open_error)?.foreign_keys(true);
        // One connection that is never closed: an in-memory database lives as long as its
        // connection, and each connection would otherwise see a database of its own.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(open_error)?;
        let store = Store { writer: pool.clone(), reader: pool, location: None };
        store.migrate_to(latest_version()).await?;
        Ok(store)
    }

    /// The database file, or `None` for an in-memory database.
    pub fn location(&self) -> Option<&Path> {
        self.location.as_deref()
    }

    /// Brings the schema to `version`: applies the missing migrations up to it, or reverts the
    /// applied ones above it, newest first. `0` empties the database of every table.
    pub async fn migrate_to(&self, version: i64) -> Result<(), Error> {
        let known = migrations();
        if version != 0 && !known.iter().any(|info| info.version == version) {
            let accepted: Vec<String> = known.iter().map(|info| info.version.to_string()).collect();
            return Err(Error::Migration(format!(
                "version {version} inconnue ; versions acceptées : 0 (base vide), {}",
                accepted.join(", ")
            )));
        }
        let migration_error = |error: sqlx::migrate::MigrateError| Error::Migration(describe_migrate_error(&error));
        MIGRATOR.run_to(version, &self.writer).await.map_err(migration_error)?;
        MIGRATOR.undo(&self.writer, version).await.map_err(migration_error)
    }

    /// The versions of the migrations applied to this database, oldest first.
    pub async fn applied_migrations(&self) -> Result<Vec<i64>, Error> {
        let exists: i64 =
            sqlx::query_scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '_sqlx_migrations'")
                .fetch_one(&self.reader)
                .await
                .map_err(error::database("lecture des migrations appliquées"))?;
        if exists == 0 {
            return Ok(Vec::new());
        }
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(&self.reader)
            .await
            .map_err(error::database("lecture des migrations appliquées"))
    }

    /// The names of the tables of the schema, sorted, without SQLite's own tables and the
    /// table that records migrations.
    pub async fn tables(&self) -> Result<Vec<String>, Error> {
        sqlx::query_scalar(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
             AND name <> '_sqlx_migrations' ORDER BY name",
        )
        .fetch_all(&self.reader)
        .await
        .map_err(error::database("lecture du schéma"))
    }

    /// Runs SQLite's `PRAGMA integrity_check` and its foreign key check; returns the problems
    /// found (empty when the database is sound).
    pub async fn integrity_check(&self) -> Result<Vec<String>, Error> {
        let context = "vérification d'intégrité";
        let mut problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.writer)
            .await
            .map_err(error::database(context))?;
        problems.retain(|line| line != "ok");
        let dangling: Vec<(String, i64, String)> = sqlx::query_as("PRAGMA foreign_key_check")
            .fetch_all(&self.writer)
            .await
            .map_err(error::database(context))?
            .into_iter()
            .map(|(table, rowid, parent, _): (String, Option<i64>, String, i64)| (table, rowid.unwrap_or(-1), parent))
            .collect();
        for (table, rowid, parent) in dangling {
            problems.push(format!("la ligne {rowid} de {table} désigne un élément absent de {parent}"));
        }
        Ok(problems)
    }

    /// Closes every connection after the queries under way; later calls on any clone fail.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

/// A French sentence for a migration failure.
fn describe_migrate_error(error: &sqlx::migrate::MigrateError) -> String {
    use sqlx::migrate::MigrateError;
    match error {
        MigrateError::VersionMissing(version) => format!(
            "la base a reçu la migration {version}, que cette version de socle ne connaît pas : \
             elle a été écrite par un socle plus récent"
        ),
        MigrateError::VersionMismatch(version) => {
            format!("la migration {version} a été modifiée depuis qu'elle a été appliquée à cette base")
        }
        MigrateError::Dirty(version) => format!("la migration {version} n'a été appliquée qu'en partie"),
        MigrateError::ExecuteMigration(inner, version) => format!("échec de la migration {version} : {inner}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::Store;

    /// The settings that make an acknowledged write durable hold on every connection, for
    /// writing and for reading.
    #[tokio::test]
    async fn every_connection_runs_wal_full_sync_with_foreign_keys_and_a_busy_timeout() {
        let dir = std::env::temp_dir().join(format!("socle-store-pragmas-{}", std::process::id()));
        let store = Store::open(dir.join("socle.db")).await.unwrap_or_else(|error| panic!("{error}"));
        for pool in [&store.writer, &store.reader] {
            let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(pool).await.expect("journal_mode");
            let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(pool).await.expect("synchronous");
            let foreign_keys: i64 =
                sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(pool).await.expect("foreign_keys");
            let busy_timeout: i64 =
                sqlx::query_scalar("PRAGMA busy_timeout").fetch_one(pool).await.expect("busy_timeout");
            assert_eq!((mode.as_str(), synchronous, foreign_keys), ("wal", 2, 1), "2 = FULL");
            assert_eq!(busy_timeout, 10_000);
        }
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}
