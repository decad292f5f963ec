//! Key-value settings of the installation.

use crate::error::database;
use crate::{Error, Store};

impl Store {
    /// The value of setting `key`, if it is set.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, Error> {
        sqlx::query_scalar("SELECT value FROM settings WHERE key = ?1")
            .bind(key)
            .fetch_optional(&self.reader)
            .await
            .map_err(database("lecture d'un réglage"))
    }

    /// Sets `key` to `value` (replacing any previous value), stamped with `at` (Unix seconds).
    pub async fn set_setting(&self, key: &str, value: &str, at: i64) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(key)
        .bind(value)
        .bind(at)
        .execute(&self.writer)
        .await
        .map_err(database("enregistrement d'un réglage"))?;
        Ok(())
    }

    /// Removes setting `key`; returns whether it was set.
    pub async fn delete_setting(&self, key: &str) -> Result<bool, Error> {
        let deleted = sqlx::query("DELETE FROM settings WHERE key = ?1")
            .bind(key)
            .execute(&self.writer)
            .await
            .map_err(database("suppression d'un réglage"))?
            .rows_affected();
        Ok(deleted > 0)
    }
}
