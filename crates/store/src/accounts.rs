//! Organisations, users, sessions and login attempts.

use std::fmt;

use sqlx::sqlite::SqliteRow;

use crate::error::database;
use crate::row::{begin_write, commit, get};
use crate::{Error, Store};

/// The id of an organisation (a training provider).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrganisationId(pub i64);

/// The id of a user account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(pub i64);

impl fmt::Display for OrganisationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A training provider: university, school, continuing-education body…
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    /// Its id.
    pub id: OrganisationId,
    /// Its name, unique without regard to case or surrounding spaces.
    pub name: String,
    /// Its kind, a code chosen by the registry (`universite`, `ecole`…); the store only requires
    /// it to be non-blank.
    pub kind: String,
    /// When it was created (Unix seconds).
    pub created_at: i64,
}

/// What [`Store::create_organisation`] needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganisation {
    /// Its name; surrounding spaces are removed.
    pub name: String,
    /// Its kind (see [`Organisation::kind`]).
    pub kind: String,
    /// When it is created (Unix seconds).
    pub created_at: i64,
}

/// What a user may do in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A person acting for one organisation: declares its programmes and applies for the label.
    Provider,
    /// Reviews applications and decides on labels.
    Reviewer,
    /// Manages accounts and the installation.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 3] = [Role::Provider, Role::Reviewer, Role::Admin];

    /// The code stored in the database and accepted on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Role::Provider => "provider",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }

    /// Parses a code of [`Role::code`].
    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.code() == code)
    }

    /// The French name of the role, for pages.
    pub fn label(self) -> &'static str {
        match self {
            Role::Provider => "organisme de formation",
            Role::Reviewer => "évaluateur",
            Role::Admin => "administrateur",
        }
    }
}

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// The e-mail address, trimmed and in lower case; unique.
    pub email: String,
    /// What the user may do.
    pub role: Role,
    /// The organisation a provider acts for; `None` for reviewers and admins.
    pub organisation_id: Option<OrganisationId>,
    /// The password hash (a PHC string made by the caller; the store never sees passwords).
    pub password_hash: String,
    /// When the account was created (Unix seconds).
    pub created_at: i64,
    /// A disabled account cannot log in; its sessions were deleted when it was disabled.
    pub disabled: bool,
}

/// What [`Store::create_user`] needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// The e-mail address; stored trimmed and in lower case.
    pub email: String,
    /// The role.
    pub role: Role,
    /// Required for a provider, forbidden for the other roles.
    pub organisation_id: Option<OrganisationId>,
    /// The password hash, computed by the caller.
    pub password_hash: String,
    /// When the account is created (Unix seconds).
    pub created_at: i64,
}

/// A logged-in session. The cookie holds a random token; the store keeps only its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The hash of the session token (chosen by the caller, for instance hex SHA-256).
    pub token_hash: String,
    /// Whose session it is.
    pub user_id: UserId,
    /// The secret the session's CSRF tokens are derived from.
    pub csrf_secret: String,
    /// When it was created (Unix seconds).
    pub created_at: i64,
    /// When it stops being valid (Unix seconds).
    pub expires_at: i64,
}

/// What [`Store::create_session`] needs: every field of a [`Session`].
pub type NewSession = Session;

/// One login attempt, kept to slow down password guessing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginAttempt {
    /// The e-mail address typed (compared without case).
    pub email: String,
    /// The client's IP address, as text.
    pub ip: String,
    /// When (Unix seconds).
    pub at: i64,
    /// Whether the password was right.
    pub success: bool,
}

/// What makes two organisation names the same: trimmed, in lower case.
fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Trims and lower-cases an e-mail address, the form in which the store keeps and compares them.
fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn organisation_from_row(row: &SqliteRow) -> Result<Organisation, Error> {
    Ok(Organisation {
        id: OrganisationId(get(row, "id")?),
        name: get(row, "name")?,
        kind: get(row, "kind")?,
        created_at: get(row, "created_at")?,
    })
}

fn user_from_row(row: &SqliteRow) -> Result<User, Error> {
    let role: String = get(row, "role")?;
    Ok(User {
        id: UserId(get(row, "id")?),
        email: get(row, "email")?,
        role: Role::from_code(&role).ok_or(Error::Corrupt { column: "users.role", value: role })?,
        organisation_id: get::<Option<i64>>(row, "organisation_id")?.map(OrganisationId),
        password_hash: get(row, "password_hash")?,
        created_at: get(row, "created_at")?,
        disabled: get(row, "disabled")?,
    })
}

fn session_from_row(row: &SqliteRow) -> Result<Session, Error> {
    Ok(Session {
        token_hash: get(row, "token_hash")?,
        user_id: UserId(get(row, "user_id")?),
        csrf_secret: get(row, "csrf_secret")?,
        created_at: get(row, "created_at")?,
        expires_at: get(row, "expires_at")?,
    })
}

/// The columns [`user_from_row`] reads, as a literal for `concat!`.
macro_rules! user_columns {
    () => {
        "id, email, role, organisation_id, password_hash, created_at, disabled"
    };
}

impl Store {
    /// Creates an organisation. Fails with [`Error::Duplicate`] when the name is taken.
    pub async fn create_organisation(&self, new: &NewOrganisation) -> Result<Organisation, Error> {
        let row = sqlx::query(
            "INSERT INTO organisations (name, name_key, kind, created_at) VALUES (?1, ?2, ?3, ?4)
             RETURNING id, name, kind, created_at",
        )
        .bind(new.name.trim())
        .bind(name_key(&new.name))
        .bind(new.kind.trim())
        .bind(new.created_at)
        .fetch_one(&self.writer)
        .await
        .map_err(database("création d'un organisme"))?;
        organisation_from_row(&row)
    }

    /// The organisation with this id, if any.
    pub async fn organisation(&self, id: OrganisationId) -> Result<Option<Organisation>, Error> {
        let row = sqlx::query("SELECT id, name, kind, created_at FROM organisations WHERE id = ?1")
            .bind(id.0)
            .fetch_optional(&self.reader)
            .await
            .map_err(database("lecture d'un organisme"))?;
        row.as_ref().map(organisation_from_row).transpose()
    }

    /// The organisation with this name (compared without case and surrounding spaces), if any.
    pub async fn organisation_by_name(&self, name: &str) -> Result<Option<Organisation>, Error> {
        let row = sqlx::query("SELECT id, name, kind, created_at FROM organisations WHERE name_key = ?1")
            .bind(name_key(name))
            .fetch_optional(&self.reader)
            .await
            .map_err(database("lecture d'un organisme"))?;
        row.as_ref().map(organisation_from_row).transpose()
    }

    /// Every organisation, sorted by name without regard to case (code point order).
    pub async fn organisations(&self) -> Result<Vec<Organisation>, Error> {
        let rows = sqlx::query("SELECT id, name, kind, created_at FROM organisations ORDER BY name_key, id")
            .fetch_all(&self.reader)
            .await
            .map_err(database("lecture des organismes"))?;
        rows.iter().map(organisation_from_row).collect()
    }

    /// Creates a user account. A provider must name its organisation, the other roles must not.
    /// Fails with [`Error::Duplicate`] when the e-mail address is taken (whatever its case).
    pub async fn create_user(&self, new: &NewUser) -> Result<User, Error> {
        match (new.role, new.organisation_id) {
            (Role::Provider, None) => {
                return Err(Error::Invalid(
                    "un compte provider doit être rattaché à un organisme : indiquez lequel".to_owned(),
                ));
            }
            (Role::Reviewer | Role::Admin, Some(_)) => {
                return Err(Error::Invalid(format!(
                    "un compte {} n'est rattaché à aucun organisme : seul un compte provider l'est",
                    new.role.code()
                )));
            }
            _ => {}
        }
        let sql = concat!(
            "INSERT INTO users (email, role, organisation_id, password_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5) RETURNING ",
            user_columns!()
        );
        let row = sqlx::query(sql)
            .bind(normalise_email(&new.email))
            .bind(new.role.code())
            .bind(new.organisation_id.map(|id| id.0))
            .bind(&new.password_hash)
            .bind(new.created_at)
            .fetch_one(&self.writer)
            .await
            .map_err(database("création d'un compte"))?;
        user_from_row(&row)
    }

    /// The user with this id, if any.
    pub async fn user(&self, id: UserId) -> Result<Option<User>, Error> {
        let sql = concat!("SELECT ", user_columns!(), " FROM users WHERE id = ?1");
        let row =
            sqlx::query(sql).bind(id.0).fetch_optional(&self.reader).await.map_err(database("lecture d'un compte"))?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// The user with this e-mail address (compared without case and surrounding spaces), if any.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, Error> {
        let sql = concat!("SELECT ", user_columns!(), " FROM users WHERE email = ?1");
        let row = sqlx::query(sql)
            .bind(normalise_email(email))
            .fetch_optional(&self.reader)
            .await
            .map_err(database("lecture d'un compte"))?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Every user, by e-mail address.
    pub async fn users(&self) -> Result<Vec<User>, Error> {
        let sql = concat!("SELECT ", user_columns!(), " FROM users ORDER BY email");
        let rows = sqlx::query(sql).fetch_all(&self.reader).await.map_err(database("lecture des comptes"))?;
        rows.iter().map(user_from_row).collect()
    }

    /// The users who act for `organisation`, by e-mail address.
    pub async fn users_of_organisation(&self, organisation: OrganisationId) -> Result<Vec<User>, Error> {
        let sql = concat!("SELECT ", user_columns!(), " FROM users WHERE organisation_id = ?1 ORDER BY email");
        let rows = sqlx::query(sql)
            .bind(organisation.0)
            .fetch_all(&self.reader)
            .await
            .map_err(database("lecture des comptes"))?;
        rows.iter().map(user_from_row).collect()
    }

    /// Replaces a user's password hash and, in the same transaction, deletes every session of
    /// that user except `keep_session` (the token hash of the session that made the change, if
    /// it should stay logged in).
    pub async fn set_password_hash(
        &self,
        user: UserId,
        password_hash: &str,
        keep_session: Option<&str>,
    ) -> Result<(), Error> {
        let context = "changement de mot de passe";
        let mut transaction = begin_write(&self.writer, context).await?;
        let changed = sqlx::query("UPDATE users SET password_hash = ?1 WHERE id = ?2")
            .bind(password_hash)
            .bind(user.0)
            .execute(&mut *transaction)
            .await
            .map_err(database(context))?
            .rows_affected();
        if changed == 0 {
            return Err(Error::NotFound { what: "compte", id: user.to_string() });
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = ?1 AND token_hash IS NOT ?2")
            .bind(user.0)
            .bind(keep_session)
            .execute(&mut *transaction)
            .await
            .map_err(database(context))?;
        commit(transaction, context).await
    }

    /// Disables or enables an account; disabling also deletes its sessions, in the same
    /// transaction, so that it is logged out everywhere at once.
    pub async fn set_user_disabled(&self, user: UserId, disabled: bool) -> Result<(), Error> {
        let context = "désactivation d'un compte";
        let mut transaction = begin_write(&self.writer, context).await?;
        let changed = sqlx::query("UPDATE users SET disabled = ?1 WHERE id = ?2")
            .bind(disabled)
            .bind(user.0)
            .execute(&mut *transaction)
            .await
            .map_err(database(context))?
            .rows_affected();
        if changed == 0 {
            return Err(Error::NotFound { what: "compte", id: user.to_string() });
        }
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = ?1")
                .bind(user.0)
                .execute(&mut *transaction)
                .await
                .map_err(database(context))?;
        }
        commit(transaction, context).await
    }

    /// Records a new session.
    pub async fn create_session(&self, session: &NewSession) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_secret, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(&session.token_hash)
        .bind(session.user_id.0)
        .bind(&session.csrf_secret)
        .bind(session.created_at)
        .bind(session.expires_at)
        .execute(&self.writer)
        .await
        .map_err(database("ouverture d'une session"))?;
        Ok(())
    }

    /// The session with this token hash and its user, if the session has not expired at `now`
    /// and the account is not disabled.
    pub async fn session(&self, token_hash: &str, now: i64) -> Result<Option<(Session, User)>, Error> {
        let row = sqlx::query(
            "SELECT s.token_hash, s.user_id, s.csrf_secret, s.created_at AS session_created_at, s.expires_at,
                    u.id, u.email, u.role, u.organisation_id, u.password_hash, u.created_at, u.disabled
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.reader)
        .await
        .map_err(database("lecture d'une session"))?;
        let Some(row) = row else { return Ok(None) };
        let session = Session {
            token_hash: get(&row, "token_hash")?,
            user_id: UserId(get(&row, "user_id")?),
            csrf_secret: get(&row, "csrf_secret")?,
            created_at: get(&row, "session_created_at")?,
            expires_at: get(&row, "expires_at")?,
        };
        Ok(Some((session, user_from_row(&row)?)))
    }

    /// Every session of a user, expired or not, oldest first.
    pub async fn sessions_of_user(&self, user: UserId) -> Result<Vec<Session>, Error> {
        let rows = sqlx::query(
            "SELECT token_hash, user_id, csrf_secret, created_at, expires_at FROM sessions
             WHERE user_id = ?1 ORDER BY created_at, token_hash",
        )
        .bind(user.0)
        .fetch_all(&self.reader)
        .await
        .map_err(database("lecture des sessions"))?;
        rows.iter().map(session_from_row).collect()
    }

    /// Deletes a session (logout); returns whether it existed.
    pub async fn delete_session(&self, token_hash: &str) -> Result<bool, Error> {
        let deleted = sqlx::query("DELETE FROM sessions WHERE token_hash = ?1")
            .bind(token_hash)
            .execute(&self.writer)
            .await
            .map_err(database("fermeture d'une session"))?
            .rows_affected();
        Ok(deleted > 0)
    }

    /// Deletes every session expired at `now`; returns how many.
    pub async fn delete_expired_sessions(&self, now: i64) -> Result<u64, Error> {
        let deleted = sqlx::query("DELETE FROM sessions WHERE expires_at <= ?1")
            .bind(now)
            .execute(&self.writer)
            .await
            .map_err(database("suppression des sessions expirées"))?
            .rows_affected();
        Ok(deleted)
    }

    /// Records a login attempt (the e-mail address is kept trimmed and in lower case).
    pub async fn record_login_attempt(&self, attempt: &LoginAttempt) -> Result<(), Error> {
        sqlx::query("INSERT INTO login_attempts (email, ip, at, success) VALUES (?1, ?2, ?3, ?4)")
            .bind(normalise_email(&attempt.email))
            .bind(&attempt.ip)
            .bind(attempt.at)
            .bind(attempt.success)
            .execute(&self.writer)
            .await
            .map_err(database("enregistrement d'une tentative de connexion"))?;
        Ok(())
    }

    /// How many failed logins for this e-mail address (whatever its case) happened at or after
    /// `since`.
    pub async fn failed_logins_for_email(&self, email: &str, since: i64) -> Result<i64, Error> {
        sqlx::query_scalar("SELECT count(*) FROM login_attempts WHERE email = ?1 AND at >= ?2 AND success = 0")
            .bind(normalise_email(email))
            .bind(since)
            .fetch_one(&self.reader)
            .await
            .map_err(database("lecture des tentatives de connexion"))
    }

    /// How many failed logins came from this IP address at or after `since`.
    pub async fn failed_logins_from_ip(&self, ip: &str, since: i64) -> Result<i64, Error> {
        sqlx::query_scalar("SELECT count(*) FROM login_attempts WHERE ip = ?1 AND at >= ?2 AND success = 0")
            .bind(ip)
            .bind(since)
            .fetch_one(&self.reader)
            .await
            .map_err(database("lecture des tentatives de connexion"))
    }

    /// Deletes the login attempts older than `before`; returns how many.
    pub async fn delete_login_attempts_before(&self, before: i64) -> Result<u64, Error> {
        let deleted = sqlx::query("DELETE FROM login_attempts WHERE at < ?1")
            .bind(before)
            .execute(&self.writer)
            .await
            .map_err(database("suppression des anciennes tentatives de connexion"))?
            .rows_affected();
        Ok(deleted)
    }
}
