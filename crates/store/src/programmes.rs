//! Programmes, the competences they teach, their label state and its history.

use std::collections::HashMap;
use std::fmt;

use sqlx::sqlite::{Sqlite, SqliteRow};

use crate::accounts::{OrganisationId, UserId};
use crate::credentials::{NewCredential, insert_credential};
use crate::error::database;
use crate::row::{begin_write, commit, get};
use crate::{Error, Store};

/// The id of a programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProgrammeId(pub i64);

impl fmt::Display for ProgrammeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Where a programme stands with the label. Which moves are allowed is the registry's business;
/// the store records them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LabelState {
    /// Being written by its provider.
    Draft,
    /// Sent for the label, waiting for a reviewer.
    Submitted,
    /// A reviewer is examining it.
    InReview,
    /// Labelled.
    Granted,
    /// Refused, with reasons.
    Refused,
    /// The label's validity ran out.
    Expired,
    /// The label was suspended.
    Suspended,
    /// The provider withdrew the application or gave the label up.
    Withdrawn,
    /// A reviewer withdrew the label for good.
    Revoked,
}

impl LabelState {
    /// Every state, in workflow order.
    pub const ALL: [LabelState; 9] = [
        LabelState::Draft,
        LabelState::Submitted,
        LabelState::InReview,
        LabelState::Granted,
        LabelState::Refused,
        LabelState::Expired,
        LabelState::Suspended,
        LabelState::Withdrawn,
        LabelState::Revoked,
    ];

    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            LabelState::Draft => "draft",
            LabelState::Submitted => "submitted",
            LabelState::InReview => "in_review",
            LabelState::Granted => "granted",
            LabelState::Refused => "refused",
            LabelState::Expired => "expired",
            LabelState::Suspended => "suspended",
            LabelState::Withdrawn => "withdrawn",
            LabelState::Revoked => "revoked",
        }
    }

    /// Parses a code of [`LabelState::code`].
    pub fn from_code(code: &str) -> Option<LabelState> {
        LabelState::ALL.into_iter().find(|state| state.code() == code)
    }

    /// The French name of the state.
    pub fn label(self) -> &'static str {
        match self {
            LabelState::Draft => "brouillon",
            LabelState::Submitted => "soumise",
            LabelState::InReview => "en cours d'examen",
            LabelState::Granted => "labellisée",
            LabelState::Refused => "refusée",
            LabelState::Expired => "label expiré",
            LabelState::Suspended => "label suspendu",
            LabelState::Withdrawn => "retirée",
            LabelState::Revoked => "label retiré définitivement",
        }
    }
}

/// A competence a programme teaches, with the highest level it targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaughtCompetence {
    /// A référentiel id (`DS.MST.07`); the store does not check it against the référentiel.
    pub competence: String,
    /// The level, 1 (N1) to 4 (N4).
    pub level: u8,
}

/// The columns of a programme that its provider's declaration determines.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeData {
    /// The programme's id within its organisation: starts with a-z or 0-9, then a-z, 0-9, `-`, `_`.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// The diploma code (`master`, `licence_pro`, `court`…).
    pub diploma: String,
    /// The RNCP level (5 to 8); `None` for short courses and MOOCs.
    pub level: Option<u8>,
    /// The INSEE region code.
    pub region: Option<String>,
    /// The modality codes (`presentiel`, `distanciel`, `hybride`).
    pub modalities: Vec<String>,
    /// The declaration, as a JSON document.
    pub declaration: String,
    /// The criteria report computed from the declaration, as a JSON document.
    pub report: String,
    /// The report's verdict: whether the programme is eligible for the label.
    pub eligible: bool,
    /// The competences taught; when one appears twice, its highest level is kept.
    pub competences: Vec<TaughtCompetence>,
}

/// What [`Store::create_programme`] needs.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProgramme {
    /// The organisation that declares it.
    pub organisation_id: OrganisationId,
    /// What the declaration says.
    pub data: ProgrammeData,
    /// Whether it is a fictional example (demo data), shown as such.
    pub example: bool,
    /// Who creates it; recorded as the first entry of its label history.
    pub created_by: Actor,
    /// When (Unix seconds).
    pub created_at: i64,
}

/// A programme as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Programme {
    /// Its id.
    pub id: ProgrammeId,
    /// The organisation that declares it.
    pub organisation_id: OrganisationId,
    /// See [`ProgrammeData::slug`].
    pub slug: String,
    /// See [`ProgrammeData::title`].
    pub title: String,
    /// See [`ProgrammeData::diploma`].
    pub diploma: String,
    /// See [`ProgrammeData::level`].
    pub level: Option<u8>,
    /// See [`ProgrammeData::region`].
    pub region: Option<String>,
    /// See [`ProgrammeData::modalities`].
    pub modalities: Vec<String>,
    /// See [`ProgrammeData::declaration`].
    pub declaration: String,
    /// See [`ProgrammeData::report`].
    pub report: String,
    /// See [`ProgrammeData::eligible`].
    pub eligible: bool,
    /// The competences taught, sorted by id.
    pub competences: Vec<TaughtCompetence>,
    /// Whether it is a fictional example.
    pub example: bool,
    /// Its label state.
    pub label_state: LabelState,
    /// When it was created (Unix seconds).
    pub created_at: i64,
    /// When its row last changed: declaration or label state (Unix seconds).
    pub updated_at: i64,
}

/// Which programmes [`Store::programmes`] returns; every `None` (or empty list) means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgrammeFilter {
    /// Only this organisation's programmes.
    pub organisation_id: Option<OrganisationId>,
    /// Only programmes in one of these label states.
    pub label_states: Vec<LabelState>,
    /// Only this RNCP level.
    pub level: Option<u8>,
    /// Only this diploma code.
    pub diploma: Option<String>,
    /// Only this region code.
    pub region: Option<String>,
    /// Only programmes offered in this modality.
    pub modality: Option<String>,
    /// Only programmes that teach this competence…
    pub competence: Option<String>,
    /// … at this level or above (with no competence: some competence at this level or above).
    pub min_level: Option<u8>,
    /// Only examples (`Some(true)`) or only real programmes (`Some(false)`).
    pub example: Option<bool>,
}

/// Who made a label transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A user, by id.
    User(UserId),
    /// socle itself (expiry, demo data…).
    System,
}

/// A change of label state, asked of [`Store::transition_label`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelChange {
    /// The state the caller believes the programme is in; if it is in another, nothing changes
    /// and [`Error::StateChanged`] is returned (two reviewers deciding at once: one wins).
    pub from: LabelState,
    /// The new state.
    pub to: LabelState,
    /// Who decides.
    pub actor: Actor,
    /// When (Unix seconds).
    pub at: i64,
    /// Why, in the actor's words (may be empty, except when credentials are revoked).
    pub reason: String,
    /// A credential to issue with the change (when the label is granted).
    pub issue: Option<NewCredential>,
    /// Whether to revoke every unrevoked credential of the programme, with `reason` as the
    /// revocation reason (when the label is suspended or withdrawn).
    pub revoke_credentials: bool,
}

/// One recorded label transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// Its id; ids grow with time.
    pub id: i64,
    /// The programme.
    pub programme_id: ProgrammeId,
    /// The state before; `None` for the programme's creation.
    pub from: Option<LabelState>,
    /// The state after.
    pub to: LabelState,
    /// Who made it.
    pub actor: Actor,
    /// When (Unix seconds).
    pub at: i64,
    /// Why.
    pub reason: String,
}

/// The columns [`programme_from_row`] reads, as a literal for `concat!`.
macro_rules! programme_columns {
    () => {
        "id, organisation_id, slug, title, diploma, level, region, modalities, declaration, report, eligible,
         example, label_state, created_at, updated_at"
    };
}

fn state_from_code(code: String, column: &'static str) -> Result<LabelState, Error> {
    LabelState::from_code(&code).ok_or(Error::Corrupt { column, value: code })
}

fn level_from_i64(level: i64, column: &'static str) -> Result<u8, Error> {
    u8::try_from(level).map_err(|_| Error::Corrupt { column, value: level.to_string() })
}

/// A programme without its competences (they come from another table).
fn programme_from_row(row: &SqliteRow) -> Result<Programme, Error> {
    let modalities: String = get(row, "modalities")?;
    Ok(Programme {
        id: ProgrammeId(get(row, "id")?),
        organisation_id: OrganisationId(get(row, "organisation_id")?),
        slug: get(row, "slug")?,
        title: get(row, "title")?,
        diploma: get(row, "diploma")?,
        level: get::<Option<i64>>(row, "level")?.map(|level| level_from_i64(level, "programmes.level")).transpose()?,
        region: get(row, "region")?,
        modalities: serde_json::from_str(&modalities)
            .map_err(|_| Error::Corrupt { column: "programmes.modalities", value: modalities.clone() })?,
        declaration: get(row, "declaration")?,
        report: get(row, "report")?,
        eligible: get(row, "eligible")?,
        competences: Vec::new(),
        example: get(row, "example")?,
        label_state: state_from_code(get(row, "label_state")?, "programmes.label_state")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
    })
}

fn transition_from_row(row: &SqliteRow) -> Result<Transition, Error> {
    let from: Option<String> = get(row, "from_state")?;
    Ok(Transition {
        id: get(row, "id")?,
        programme_id: ProgrammeId(get(row, "programme_id")?),
        from: from.map(|code| state_from_code(code, "label_transitions.from_state")).transpose()?,
        to: state_from_code(get(row, "to_state")?, "label_transitions.to_state")?,
        actor: match get::<Option<i64>>(row, "actor_user_id")? {
            Some(id) => Actor::User(UserId(id)),
            None => Actor::System,
        },
        at: get(row, "at")?,
        reason: get(row, "reason")?,
    })
}

/// The competences with duplicates merged (highest level kept), sorted by id.
fn merged(competences: &[TaughtCompetence]) -> Vec<TaughtCompetence> {
    let mut by_id: std::collections::BTreeMap<&str, u8> = std::collections::BTreeMap::new();
    for taught in competences {
        let level = by_id.entry(taught.competence.as_str()).or_insert(taught.level);
        *level = (*level).max(taught.level);
    }
    by_id.into_iter().map(|(competence, level)| TaughtCompetence { competence: competence.to_owned(), level }).collect()
}

fn modalities_json(modalities: &[String]) -> String {
    serde_json::Value::from(modalities.to_vec()).to_string()
}

fn actor_id(actor: Actor) -> Option<i64> {
    match actor {
        Actor::User(user) => Some(user.0),
        Actor::System => None,
    }
}

/// Replaces the competences of `programme` inside `transaction`.
async fn write_competences(
    connection: &mut sqlx::SqliteConnection,
    programme: ProgrammeId,
    competences: &[TaughtCompetence],
    context: &'static str,
) -> Result<(), Error> {
    sqlx::query("DELETE FROM programme_competences WHERE programme_id = ?1")
        .bind(programme.0)
        .execute(&mut *connection)
        .await
        .map_err(database(context))?;
    for taught in merged(competences) {
        sqlx::query("INSERT INTO programme_competences (programme_id, competence, level) VALUES (?1, ?2, ?3)")
            .bind(programme.0)
            .bind(&taught.competence)
            .bind(i64::from(taught.level))
            .execute(&mut *connection)
            .await
            .map_err(database(context))?;
    }
    Ok(())
}

/// Fills in the competences of `programmes`, reading on `connection`.
async fn attach_competences(
    connection: &mut sqlx::SqliteConnection,
    programmes: &mut [Programme],
) -> Result<(), Error> {
    if programmes.is_empty() {
        return Ok(());
    }
    let ids = serde_json::Value::from(programmes.iter().map(|programme| programme.id.0).collect::<Vec<_>>());
    let rows = sqlx::query(
        "SELECT programme_id, competence, level FROM programme_competences
         WHERE programme_id IN (SELECT value FROM json_each(?1)) ORDER BY programme_id, competence",
    )
    .bind(ids.to_string())
    .fetch_all(&mut *connection)
    .await
    .map_err(database("lecture des compétences des formations"))?;
    let mut by_programme: HashMap<i64, Vec<TaughtCompetence>> = HashMap::new();
    for row in &rows {
        by_programme.entry(get(row, "programme_id")?).or_default().push(TaughtCompetence {
            competence: get(row, "competence")?,
            level: level_from_i64(get(row, "level")?, "programme_competences.level")?,
        });
    }
    for programme in programmes {
        programme.competences = by_programme.remove(&programme.id.0).unwrap_or_default();
    }
    Ok(())
}

/// Reads one programme with its competences on `connection`.
async fn read_programme(
    connection: &mut sqlx::SqliteConnection,
    query: sqlx::query::Query<'static, Sqlite, sqlx::sqlite::SqliteArguments>,
) -> Result<Option<Programme>, Error> {
    let row = query.fetch_optional(&mut *connection).await.map_err(database("lecture d'une formation"))?;
    let Some(row) = row else { return Ok(None) };
    let mut programmes = [programme_from_row(&row)?];
    attach_competences(connection, &mut programmes).await?;
    let [programme] = programmes;
    Ok(Some(programme))
}

impl Store {
    /// Creates a programme in the `draft` label state, with its competences and the first entry
    /// of its label history, in one transaction. Fails with [`Error::Duplicate`] when its
    /// organisation already has a programme with this slug.
    pub async fn create_programme(&self, new: &NewProgramme) -> Result<Programme, Error> {
        let context = "création d'une formation";
        let data = &new.data;
        let mut transaction = begin_write(&self.writer, context).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO programmes (organisation_id, slug, title, diploma, level, region, modalities, declaration,
                                     report, eligible, example, label_state, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'draft', ?12, ?12)
             RETURNING id",
        )
        .bind(new.organisation_id.0)
        .bind(&data.slug)
        .bind(&data.title)
        .bind(&data.diploma)
        .bind(data.level.map(i64::from))
        .bind(&data.region)
        .bind(modalities_json(&data.modalities))
        .bind(&data.declaration)
        .bind(&data.report)
        .bind(data.eligible)
        .bind(new.example)
        .bind(new.created_at)
        .fetch_one(&mut *transaction)
        .await
        .map_err(database(context))?;
        let id = ProgrammeId(id);
        write_competences(&mut transaction, id, &data.competences, context).await?;
        sqlx::query(
            "INSERT INTO label_transitions (programme_id, from_state, to_state, actor_user_id, at, reason)
             VALUES (?1, NULL, 'draft', ?2, ?3, '')",
        )
        .bind(id.0)
        .bind(actor_id(new.created_by))
        .bind(new.created_at)
        .execute(&mut *transaction)
        .await
        .map_err(database(context))?;
        let programme = read_programme(
            &mut transaction,
            sqlx::query(concat!("SELECT ", programme_columns!(), " FROM programmes WHERE id = ?1")).bind(id.0),
        )
        .await?
        .ok_or(Error::NotFound { what: "formation", id: id.to_string() })?;
        commit(transaction, context).await?;
        Ok(programme)
    }

    /// Replaces what the declaration determines (every field of [`ProgrammeData`], competences
    /// included) in one transaction; the label state does not change.
    pub async fn update_programme(&self, id: ProgrammeId, data: &ProgrammeData, at: i64) -> Result<Programme, Error> {
        let context = "mise à jour d'une formation";
        let mut transaction = begin_write(&self.writer, context).await?;
        let changed = sqlx::query(
            "UPDATE programmes SET slug = ?2, title = ?3, diploma = ?4, level = ?5, region = ?6, modalities = ?7,
                    declaration = ?8, report = ?9, eligible = ?10, updated_at = ?11
             WHERE id = ?1",
        )
        .bind(id.0)
        .bind(&data.slug)
        .bind(&data.title)
        .bind(&data.diploma)
        .bind(data.level.map(i64::from))
        .bind(&data.region)
        .bind(modalities_json(&data.modalities))
        .bind(&data.declaration)
        .bind(&data.report)
        .bind(data.eligible)
        .bind(at)
        .execute(&mut *transaction)
        .await
        .map_err(database(context))?
        .rows_affected();
        if changed == 0 {
            return Err(Error::NotFound { what: "formation", id: id.to_string() });
        }
        write_competences(&mut transaction, id, &data.competences, context).await?;
        let programme = read_programme(
            &mut transaction,
            sqlx::query(concat!("SELECT ", programme_columns!(), " FROM programmes WHERE id = ?1")).bind(id.0),
        )
        .await?
        .ok_or(Error::NotFound { what: "formation", id: id.to_string() })?;
        commit(transaction, context).await?;
        Ok(programme)
    }

    /// The programme with this id, with its competences, if any.
    pub async fn programme(&self, id: ProgrammeId) -> Result<Option<Programme>, Error> {
        let mut transaction = self.reader.begin().await.map_err(database("lecture d'une formation"))?;
        read_programme(
            &mut transaction,
            sqlx::query(concat!("SELECT ", programme_columns!(), " FROM programmes WHERE id = ?1")).bind(id.0),
        )
        .await
    }

    /// The programme of `organisation` with this slug, if any.
    pub async fn programme_by_slug(
        &self,
        organisation: OrganisationId,
        slug: &str,
    ) -> Result<Option<Programme>, Error> {
        let mut transaction = self.reader.begin().await.map_err(database("lecture d'une formation"))?;
        read_programme(
            &mut transaction,
            sqlx::query(concat!(
                "SELECT ",
                programme_columns!(),
                " FROM programmes WHERE organisation_id = ?1 AND slug = ?2"
            ))
            .bind(organisation.0)
            .bind(slug),
        )
        .await
    }

    /// The programmes that pass `filter`, with their competences, sorted by title (then id).
    pub async fn programmes(&self, filter: &ProgrammeFilter) -> Result<Vec<Programme>, Error> {
        let context = "lecture des formations";
        let states = serde_json::Value::from(filter.label_states.iter().map(|state| state.code()).collect::<Vec<_>>());
        // One read transaction: the programmes and their competences come from one snapshot.
        let mut transaction = self.reader.begin().await.map_err(database(context))?;
        let rows = sqlx::query(concat!(
            "SELECT ",
            programme_columns!(),
            " FROM programmes p
             WHERE (?1 IS NULL OR p.organisation_id = ?1)
               AND (json_array_length(?2) = 0 OR p.label_state IN (SELECT value FROM json_each(?2)))
               AND (?3 IS NULL OR p.level = ?3)
               AND (?4 IS NULL OR p.diploma = ?4)
               AND (?5 IS NULL OR p.region = ?5)
               AND (?6 IS NULL OR EXISTS (SELECT 1 FROM json_each(p.modalities) m WHERE m.value = ?6))
               AND ((?7 IS NULL AND ?8 IS NULL) OR EXISTS (
                     SELECT 1 FROM programme_competences c
                     WHERE c.programme_id = p.id AND (?7 IS NULL OR c.competence = ?7) AND c.level >= coalesce(?8, 1)))
               AND (?9 IS NULL OR p.example = ?9)
             ORDER BY p.title COLLATE NOCASE, p.id"
        ))
        .bind(filter.organisation_id.map(|id| id.0))
        .bind(states.to_string())
        .bind(filter.level.map(i64::from))
        .bind(&filter.diploma)
        .bind(&filter.region)
        .bind(&filter.modality)
        .bind(&filter.competence)
        .bind(filter.min_level.map(i64::from))
        .bind(filter.example)
        .fetch_all(&mut *transaction)
        .await
        .map_err(database(context))?;
        let mut programmes = rows.iter().map(programme_from_row).collect::<Result<Vec<_>, _>>()?;
        attach_competences(&mut transaction, &mut programmes).await?;
        Ok(programmes)
    }

    /// Deletes a programme with its competences and label history. Refused with
    /// [`Error::Invalid`] once a credential was issued for it: issued labels stay on record.
    pub async fn delete_programme(&self, id: ProgrammeId) -> Result<(), Error> {
        let deleted = sqlx::query("DELETE FROM programmes WHERE id = ?1")
            .bind(id.0)
            .execute(&self.writer)
            .await
            .map_err(database("suppression d'une formation"))?
            .rows_affected();
        if deleted == 0 {
            return Err(Error::NotFound { what: "formation", id: id.to_string() });
        }
        Ok(())
    }

    /// Moves a programme's label from `change.from` to `change.to` and records the transition;
    /// revokes and issues credentials as `change` asks — all in one transaction, so that the
    /// state, its history and the credentials always agree.
    pub async fn transition_label(&self, programme: ProgrammeId, change: &LabelChange) -> Result<Transition, Error> {
        let context = "changement d'état du label";
        if change.revoke_credentials && change.reason.trim().is_empty() {
            return Err(Error::Invalid(
                "la révocation d'un label demande un motif : indiquez pourquoi le label est retiré".to_owned(),
            ));
        }
        if let Some(credential) = &change.issue
            && credential.programme_id != programme
        {
            return Err(Error::Invalid(format!(
                "le label à délivrer concerne la formation {}, pas la formation {programme}",
                credential.programme_id
            )));
        }
        let mut transaction = begin_write(&self.writer, context).await?;
        let current: Option<String> = sqlx::query_scalar("SELECT label_state FROM programmes WHERE id = ?1")
            .bind(programme.0)
            .fetch_optional(&mut *transaction)
            .await
            .map_err(database(context))?;
        let Some(current) = current else {
            return Err(Error::NotFound { what: "formation", id: programme.to_string() });
        };
        let current = state_from_code(current, "programmes.label_state")?;
        if current != change.from {
            return Err(Error::StateChanged {
                programme: programme.0,
                expected: change.from.label(),
                found: current.label(),
            });
        }
        sqlx::query("UPDATE programmes SET label_state = ?2, updated_at = ?3 WHERE id = ?1")
            .bind(programme.0)
            .bind(change.to.code())
            .bind(change.at)
            .execute(&mut *transaction)
            .await
            .map_err(database(context))?;
        let row = sqlx::query(
            "INSERT INTO label_transitions (programme_id, from_state, to_state, actor_user_id, at, reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             RETURNING id, programme_id, from_state, to_state, actor_user_id, at, reason",
        )
        .bind(programme.0)
        .bind(change.from.code())
        .bind(change.to.code())
        .bind(actor_id(change.actor))
        .bind(change.at)
        .bind(&change.reason)
        .fetch_one(&mut *transaction)
        .await
        .map_err(database(context))?;
        let transition = transition_from_row(&row)?;
        if change.revoke_credentials {
            sqlx::query(
                "UPDATE credentials SET revoked_at = ?2, revocation_reason = ?3
                 WHERE programme_id = ?1 AND revoked_at IS NULL",
            )
            .bind(programme.0)
            .bind(change.at)
            .bind(&change.reason)
            .execute(&mut *transaction)
            .await
            .map_err(database(context))?;
        }
        if let Some(credential) = &change.issue {
            insert_credential(&mut transaction, credential, context).await?;
        }
        commit(transaction, context).await?;
        Ok(transition)
    }

    /// The label history of a programme, oldest first (creation included).
    pub async fn label_history(&self, programme: ProgrammeId) -> Result<Vec<Transition>, Error> {
        let rows = sqlx::query(
            "SELECT id, programme_id, from_state, to_state, actor_user_id, at, reason FROM label_transitions
             WHERE programme_id = ?1 ORDER BY at, id",
        )
        .bind(programme.0)
        .fetch_all(&self.reader)
        .await
        .map_err(database("lecture de l'historique du label"))?;
        rows.iter().map(transition_from_row).collect()
    }
}
