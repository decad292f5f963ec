//! Labels issued as signed credentials, and their revocation.

use sqlx::sqlite::SqliteRow;

use crate::error::database;
use crate::programmes::ProgrammeId;
use crate::row::{begin_write, commit, get};
use crate::{Error, Store};

/// A label issued to a programme: a signed credential, kept as issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// The credential's own id (for instance `urn:uuid:…`).
    pub id: String,
    /// The labelled programme.
    pub programme_id: ProgrammeId,
    /// When it was issued (Unix seconds).
    pub issued_at: i64,
    /// When it stops being valid (Unix seconds).
    pub valid_until: i64,
    /// The signed credential, as issued (a VC-JWT).
    pub jwt: String,
    /// When it was revoked, if it was (Unix seconds).
    pub revoked_at: Option<i64>,
    /// Why it was revoked, if it was.
    pub revocation_reason: Option<String>,
}

/// What issuing a credential needs; see [`Store::issue_credential`] and
/// [`crate::LabelChange::issue`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCredential {
    /// The credential's own id; unique.
    pub id: String,
    /// The labelled programme.
    pub programme_id: ProgrammeId,
    /// When it is issued (Unix seconds).
    pub issued_at: i64,
    /// When it stops being valid (Unix seconds), after `issued_at`.
    pub valid_until: i64,
    /// The signed credential.
    pub jwt: String,
}

/// The columns [`credential_from_row`] reads, as a literal for `concat!`.
macro_rules! credential_columns {
    () => {
        "id, programme_id, issued_at, valid_until, jwt, revoked_at, revocation_reason"
    };
}

fn credential_from_row(row: &SqliteRow) -> Result<Credential, Error> {
    Ok(Credential {
        id: get(row, "id")?,
        programme_id: ProgrammeId(get(row, "programme_id")?),
        issued_at: get(row, "issued_at")?,
        valid_until: get(row, "valid_until")?,
        jwt: get(row, "jwt")?,
        revoked_at: get(row, "revoked_at")?,
        revocation_reason: get(row, "revocation_reason")?,
    })
}

/// Inserts a credential on `connection` (inside the caller's transaction).
pub(crate) async fn insert_credential(
    connection: &mut sqlx::SqliteConnection,
    credential: &NewCredential,
    context: &'static str,
) -> Result<(), Error> {
    sqlx::query("INSERT INTO credentials (id, programme_id, issued_at, valid_until, jwt) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(&credential.id)
        .bind(credential.programme_id.0)
        .bind(credential.issued_at)
        .bind(credential.valid_until)
        .bind(&credential.jwt)
        .execute(connection)
        .await
        .map_err(database(context))?;
    Ok(())
}

impl Store {
    /// Records an issued credential on its own. When the label state changes with it, use
    /// [`Store::transition_label`] with [`crate::LabelChange::issue`] instead, so that both are
    /// written together.
    pub async fn issue_credential(&self, credential: &NewCredential) -> Result<Credential, Error> {
        let context = "délivrance d'un label";
        let mut transaction = begin_write(&self.writer, context).await?;
        insert_credential(&mut transaction, credential, context).await?;
        commit(transaction, context).await?;
        Ok(Credential {
            id: credential.id.clone(),
            programme_id: credential.programme_id,
            issued_at: credential.issued_at,
            valid_until: credential.valid_until,
            jwt: credential.jwt.clone(),
            revoked_at: None,
            revocation_reason: None,
        })
    }

    /// The credential with this id, revoked or not, if any.
    pub async fn credential(&self, id: &str) -> Result<Option<Credential>, Error> {
        let row = sqlx::query(concat!("SELECT ", credential_columns!(), " FROM credentials WHERE id = ?1"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await
            .map_err(database("lecture d'un label"))?;
        row.as_ref().map(credential_from_row).transpose()
    }

    /// Every credential issued to a programme, oldest first.
    pub async fn credentials_of_programme(&self, programme: ProgrammeId) -> Result<Vec<Credential>, Error> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            credential_columns!(),
            " FROM credentials WHERE programme_id = ?1 ORDER BY issued_at, id"
        ))
        .bind(programme.0)
        .fetch_all(&self.reader)
        .await
        .map_err(database("lecture des labels"))?;
        rows.iter().map(credential_from_row).collect()
    }

    /// The credential of a programme that holds at `now`: issued at or before `now`, valid after
    /// it, not revoked; the most recently issued one if several do.
    pub async fn current_credential(&self, programme: ProgrammeId, now: i64) -> Result<Option<Credential>, Error> {
        let row = sqlx::query(concat!(
            "SELECT ",
            credential_columns!(),
            " FROM credentials
             WHERE programme_id = ?1 AND revoked_at IS NULL AND issued_at <= ?2 AND valid_until > ?2
             ORDER BY issued_at DESC, id DESC LIMIT 1"
        ))
        .bind(programme.0)
        .bind(now)
        .fetch_optional(&self.reader)
        .await
        .map_err(database("lecture d'un label"))?;
        row.as_ref().map(credential_from_row).transpose()
    }

    /// Revokes a credential at `at` for `reason` (required). Fails with [`Error::NotFound`] when
    /// there is no such credential and with [`Error::Invalid`] when it was already revoked.
    pub async fn revoke_credential(&self, id: &str, at: i64, reason: &str) -> Result<Credential, Error> {
        let context = "révocation d'un label";
        if reason.trim().is_empty() {
            return Err(Error::Invalid(
                "la révocation d'un label demande un motif : indiquez pourquoi le label est retiré".to_owned(),
            ));
        }
        let mut transaction = begin_write(&self.writer, context).await?;
        let row = sqlx::query(concat!("SELECT ", credential_columns!(), " FROM credentials WHERE id = ?1"))
            .bind(id)
            .fetch_optional(&mut *transaction)
            .await
            .map_err(database(context))?;
        let Some(row) = row else {
            return Err(Error::NotFound { what: "label", id: id.to_owned() });
        };
        let mut credential = credential_from_row(&row)?;
        if let Some(revoked_at) = credential.revoked_at {
            return Err(Error::Invalid(format!(
                "le label {id} est déjà révoqué (depuis {revoked_at}, horodatage Unix) : rien à faire"
            )));
        }
        sqlx::query("UPDATE credentials SET revoked_at = ?2, revocation_reason = ?3 WHERE id = ?1")
            .bind(id)
            .bind(at)
            .bind(reason)
            .execute(&mut *transaction)
            .await
            .map_err(database(context))?;
        commit(transaction, context).await?;
        credential.revoked_at = Some(at);
        credential.revocation_reason = Some(reason.to_owned());
        Ok(credential)
    }
}
