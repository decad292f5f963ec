//! Small helpers shared by the query modules: reading columns, opening write transactions.

use sqlx::Row;
use sqlx::sqlite::{Sqlite, SqliteRow};

use crate::Error;
use crate::error::database;

/// Reads column `column` of `row`; a type mismatch means the schema is not the one this build
/// expects.
pub(crate) fn get<'r, T>(row: &'r SqliteRow, column: &'static str) -> Result<T, Error>
where
    T: sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite>,
{
    row.try_get(column).map_err(database("lecture d'une ligne"))
}

/// Opens a write transaction that takes SQLite's write lock at once (`BEGIN IMMEDIATE`), so that
/// another process writing at the same time makes this one wait (busy timeout) instead of
/// failing halfway through.
pub(crate) async fn begin_write(
    pool: &sqlx::SqlitePool,
    context: &'static str,
) -> Result<sqlx::Transaction<'static, Sqlite>, Error> {
    pool.begin_with("BEGIN IMMEDIATE").await.map_err(database(context))
}

/// Commits `transaction`; when this returns `Ok`, the writes are on disk.
pub(crate) async fn commit(
    transaction: sqlx::Transaction<'static, Sqlite>,
    context: &'static str,
) -> Result<(), Error> {
    transaction.commit().await.map_err(database(context))
}
