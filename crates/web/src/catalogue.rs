//! The registry's glue, shared by every registry page (public `/formations`, provider `/espace`,
//! reviewer `/revue`): who may read a programme, how a store row becomes a search document, how a
//! declaration is saved (parsed, evaluated, stored, reindexed), how a label moves (workflow check,
//! credential issued or revoked in the same transaction, reindexed), and the demonstration data.
//!
//! Rules kept here, so that every page applies the same ones:
//!
//! - **Public visibility.** A programme is public once its provider has submitted it: every label
//!   state but `draft` ([`PUBLIC_STATES`]). A draft is seen only by the accounts of its own
//!   organisation and by reviewers ([`may_read`]); anyone else gets the same 404 as for a
//!   programme that does not exist. The search index holds public programmes only, so that no
//!   search, facet count, CSV line or API answer can reveal a draft.
//! - **The index follows the store.** Every write that changes a programme calls
//!   [`reindex_programme`] (upsert, or delete when the programme is no longer public, then
//!   commit). A failure to reindex is logged and never undoes the write: the store is the source
//!   of truth, and [`reindex_all`] rebuilds the index from it at start.

mod demo;

use std::path::Path;

use registry::credential::{self, CredentialId, CredentialInput};
use registry::workflow::{self, Action, Label, State};
use registry::{Date, Declaration, Format, Problem, Timestamp};
use search::IfUnreadable;
use search::programmes::{ProgrammeDoc, ProgrammeIndex};
use store::{LabelChange, LabelState, NewProgramme, OrganisationId, ProgrammeData, ProgrammeFilter, ProgrammeId};

use crate::{AppError, AppState};

pub use search::OpenState;

pub use demo::{DEMO_DATE, DEMO_DECLARATIONS, DemoLoad, DemoPlan, demo_plan, load_demo, load_demo_at};

/// Folder of the data directory that holds the programmes' search index.
pub const INDEX_DIR: &str = "index/formations";

/// The label states in which a programme is public: every state but `draft` (a withdrawn
/// application and a revoked label stay on record, as the registry's decisions do).
pub const PUBLIC_STATES: [LabelState; 8] = [
    LabelState::Submitted,
    LabelState::InReview,
    LabelState::Granted,
    LabelState::Refused,
    LabelState::Suspended,
    LabelState::Expired,
    LabelState::Withdrawn,
    LabelState::Revoked,
];

/// Whether a programme in this label state is shown to everyone.
pub fn is_public(state: LabelState) -> bool {
    PUBLIC_STATES.contains(&state)
}

/// Whether `viewer` (anonymous when `None`) may read `programme`: everyone once it is public; its
/// draft, only the accounts of its organisation and reviewers.
pub fn may_read(viewer: Option<&store::User>, programme: &store::Programme) -> bool {
    if is_public(programme.label_state) {
        return true;
    }
    viewer.is_some_and(|user| {
        !user.disabled
            && (user.role == store::Role::Reviewer
                || (user.role == store::Role::Provider && user.organisation_id == Some(programme.organisation_id)))
    })
}

/// The workflow's state for a stored label state.
pub fn workflow_state(state: LabelState) -> State {
    match state {
        LabelState::Draft => State::Draft,
        LabelState::Submitted => State::Submitted,
        LabelState::InReview => State::InReview,
        LabelState::Granted => State::Granted,
        LabelState::Refused => State::Refused,
        LabelState::Suspended => State::Suspended,
        LabelState::Expired => State::Expired,
        LabelState::Withdrawn => State::Withdrawn,
        LabelState::Revoked => State::Revoked,
    }
}

/// The stored label state for a workflow state.
pub fn store_state(state: State) -> LabelState {
    match state {
        State::Draft => LabelState::Draft,
        State::Submitted => LabelState::Submitted,
        State::InReview => LabelState::InReview,
        State::Granted => LabelState::Granted,
        State::Refused => LabelState::Refused,
        State::Suspended => LabelState::Suspended,
        State::Expired => LabelState::Expired,
        State::Withdrawn => LabelState::Withdrawn,
        State::Revoked => LabelState::Revoked,
    }
}

/// The public page of a programme: `{base_url}/formations/{id}`.
pub fn programme_url(base_url: &str, id: ProgrammeId) -> String {
    format!("{}/formations/{id}", base_url.trim_end_matches('/'))
}

/// Opens the programmes' index of a data directory (`<data_dir>/index/formations`). A damaged
/// index is replaced by an empty one: it is rebuilt from the store.
pub fn open_index(data_dir: &Path) -> Result<(ProgrammeIndex, OpenState), search::Error> {
    ProgrammeIndex::open_or_create(&data_dir.join(INDEX_DIR), IfUnreadable::Recreate)
}

/// What can fail while reading the registry for a page or keeping the index in step.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] store::Error),
    /// The search index failed.
    #[error(transparent)]
    Search(#[from] search::Error),
    /// A stored declaration no longer reads with this référentiel (a competence was removed).
    #[error("la déclaration enregistrée de la formation {id} ne se relit plus : {problems}")]
    StoredDeclaration {
        /// The programme.
        id: ProgrammeId,
        /// The problems, joined.
        problems: String,
    },
    /// A blocking task of the index did not finish.
    #[error("la tâche d'indexation s'est interrompue : {0}")]
    Task(String),
}

impl From<CatalogueError> for AppError {
    fn from(error: CatalogueError) -> AppError {
        match error {
            CatalogueError::Store(error) => AppError::Store(error),
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// Reads the declaration stored with a programme (it was checked when it was saved; only a
/// référentiel that lost a competence can make it fail now).
pub fn read_declaration(
    referentiel: &skills::Referentiel,
    programme: &store::Programme,
) -> Result<Declaration, CatalogueError> {
    // Dates were bounded by the day the declaration was saved; any later day accepts them.
    let today = Date::today().max(Timestamp { unix_seconds: programme.updated_at }.date());
    Declaration::from_json(&programme.declaration, referentiel, today).map_err(|invalid| {
        CatalogueError::StoredDeclaration {
            id: programme.id,
            problems: invalid.problems.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ; "),
        }
    })
}

/// The French name of a teaching language code.
pub fn language_name(code: &str) -> String {
    match code {
        "fr" => "français".to_owned(),
        "en" => "anglais".to_owned(),
        "es" => "espagnol".to_owned(),
        "de" => "allemand".to_owned(),
        "it" => "italien".to_owned(),
        other => other.to_owned(),
    }
}

/// A French summary of a programme, the searched description of its search document: what it
/// is, where, how long, and the competences it claims (so that « séries temporelles » finds the
/// programmes that teach DS.MST.07).
pub fn describe(referentiel: &skills::Referentiel, declaration: &Declaration) -> String {
    let programme = &declaration.programme;
    let mut text = programme.diploma.label().to_owned();
    if let Some(level) = programme.level {
        text.push_str(&format!(" de niveau {level}"));
    }
    text.push_str(&format!(" proposé par {}", programme.provider));
    if let Some(city) = &programme.city {
        text.push_str(&format!(" à {city}"));
    }
    if let Some(region) = programme.region.as_deref().and_then(registry::region_name) {
        text.push_str(&format!(" ({region})"));
    }
    text.push_str(". ");
    let mut volume = Vec::new();
    if let Some(ects) = programme.total_ects {
        volume.push(format!("{} ECTS", registry::fr::number(ects)));
    }
    if let Some(hours) = programme.total_hours {
        volume.push(format!("{} heures encadrées", registry::fr::number(hours)));
    }
    if let Some(semesters) = programme.semesters {
        volume.push(format!("{semesters} semestre(s)"));
    }
    if !volume.is_empty() {
        text.push_str(&format!("{}. ", capitalise(&volume.join(", "))));
    }
    let modalities: Vec<&str> = programme.modality.iter().map(|modality| modality.label()).collect();
    text.push_str(&format!(
        "Enseignement {} en {}{}. ",
        modalities.join(", "),
        language_name(&programme.language),
        if programme.apprenticeship { ", en alternance" } else { "" }
    ));
    let levels = registry::volume::highest_levels(declaration);
    let claimed: Vec<String> = levels
        .iter()
        .filter_map(|(id, level)| {
            referentiel.competence(id).map(|competence| format!("{} ({})", competence.label.fr, level.code()))
        })
        .collect();
    if !claimed.is_empty() {
        text.push_str(&format!("Compétences visées : {}.", claimed.join(", ")));
    }
    text
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The search document of a public programme.
pub fn programme_doc(
    referentiel: &skills::Referentiel,
    programme: &store::Programme,
    declaration: &Declaration,
) -> ProgrammeDoc {
    let declared = &declaration.programme;
    ProgrammeDoc {
        id: programme.id.to_string(),
        title: declared.title.clone(),
        provider: declared.provider.clone(),
        description: describe(referentiel, declaration),
        unit_titles: declaration.units.iter().map(|unit| unit.title.clone()).collect(),
        city: declared.city.clone().unwrap_or_default(),
        region: declared.region.clone().unwrap_or_default(),
        diploma: declared.diploma.code().to_owned(),
        level: declared.level,
        modalities: declared.modality.iter().map(|modality| modality.code().to_owned()).collect(),
        label_status: programme.label_state.code().to_owned(),
        competences: programme.competences.iter().map(|taught| (taught.competence.clone(), taught.level)).collect(),
        eligible: programme.eligible,
        example: programme.example,
        updated: declared.updated.to_string(),
    }
}

/// Serialises index writes: a programme read from the store is written to the index before the
/// next one is read, so that two concurrent writes never leave the older version indexed.
static INDEX_WRITES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Runs a blocking index operation off the async runtime.
async fn blocking<T: Send + 'static>(
    job: impl FnOnce() -> Result<T, search::Error> + Send + 'static,
) -> Result<T, CatalogueError> {
    tokio::task::spawn_blocking(job).await.map_err(|error| CatalogueError::Task(error.to_string()))?.map_err(Into::into)
}

/// Brings the index in step with one programme: its current document when it is public, no
/// document otherwise (a draft, or a programme that no longer exists); then commits.
pub async fn reindex_programme(state: &AppState, id: ProgrammeId) -> Result<(), CatalogueError> {
    let _turn = INDEX_WRITES.lock().await;
    let programme = state.store.programme(id).await?;
    let doc = match programme.filter(|programme| is_public(programme.label_state)) {
        Some(programme) => {
            let declaration = read_declaration(&state.referentiel, &programme)?;
            Some(programme_doc(&state.referentiel, &programme, &declaration))
        }
        None => None,
    };
    let index = state.search.clone();
    blocking(move || {
        match doc {
            Some(doc) => index.upsert(&doc)?,
            None => index.delete(&id.to_string()),
        }
        index.commit()
    })
    .await
}

/// Rebuilds the whole index from the store's public programmes; returns how many were indexed.
/// A programme whose declaration no longer reads is left out and logged.
pub async fn reindex_all(state: &AppState) -> Result<usize, CatalogueError> {
    let _turn = INDEX_WRITES.lock().await;
    let filter = ProgrammeFilter { label_states: PUBLIC_STATES.to_vec(), ..ProgrammeFilter::default() };
    let programmes = state.store.programmes(&filter).await?;
    let mut docs = Vec::with_capacity(programmes.len());
    for programme in &programmes {
        match read_declaration(&state.referentiel, programme) {
            Ok(declaration) => docs.push(programme_doc(&state.referentiel, programme, &declaration)),
            Err(error) => tracing::error!(formation = %programme.id, "index des formations : {error}"),
        }
    }
    let index = state.search.clone();
    let rejected = blocking(move || index.rebuild(&docs)).await?;
    for rejected in &rejected {
        tracing::error!(formation = %rejected.id, "index des formations : {}", rejected.problems.join(" ; "));
    }
    Ok(programmes.len() - rejected.len())
}

/// At start: rebuilds the index when it was just created or replaced, or when it is empty while
/// the store holds public programmes. Returns how many programmes were indexed, if it did.
pub async fn prepare_index(state: &AppState, opened: &OpenState) -> Result<Option<usize>, CatalogueError> {
    let must = opened.needs_reindex() || {
        let filter = ProgrammeFilter { label_states: PUBLIC_STATES.to_vec(), ..ProgrammeFilter::default() };
        state.search.is_empty() && !state.store.programmes(&filter).await?.is_empty()
    };
    if must { reindex_all(state).await.map(Some) } else { Ok(None) }
}

/// Logs a reindexing failure after a write that succeeded (the index is rebuilt at next start).
async fn reindex_or_log(state: &AppState, id: ProgrammeId) {
    if let Err(error) = reindex_programme(state, id).await {
        tracing::error!(formation = %id, "mise à jour de l'index des formations impossible : {error}");
    }
}

/// Why a declaration was not saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The declaration does not read: every problem, with field path and line.
    #[error("{} problème(s) dans la déclaration : {}", .0.len(), problem_list(.0))]
    Invalid(Vec<Problem>),
    /// The database refused or failed.
    #[error(transparent)]
    Store(#[from] store::Error),
}

fn problem_list(problems: &[Problem]) -> String {
    problems.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ; ")
}

impl From<SaveError> for AppError {
    fn from(error: SaveError) -> AppError {
        match error {
            SaveError::Invalid(_) => AppError::BadRequest(error.to_string()),
            SaveError::Store(store::Error::Duplicate(unique)) => AppError::BadRequest(format!("{unique}.")),
            SaveError::Store(store::Error::Invalid(message)) => AppError::BadRequest(message),
            SaveError::Store(error) => AppError::Store(error),
        }
    }
}

/// The columns a declaration and its report give a programme row.
fn programme_data(declaration: &Declaration, report: &registry::Report, today: Date) -> ProgrammeData {
    let programme = &declaration.programme;
    let mut report_json = serde_json::to_value(report).unwrap_or(serde_json::Value::Null);
    if let Some(object) = report_json.as_object_mut() {
        object.insert("evaluated_on".to_owned(), serde_json::Value::String(today.to_string()));
    }
    ProgrammeData {
        slug: programme.id.clone(),
        title: programme.title.clone(),
        diploma: programme.diploma.code().to_owned(),
        level: programme.level,
        region: programme.region.clone(),
        modalities: programme.modality.iter().map(|modality| modality.code().to_owned()).collect(),
        declaration: declaration.to_json().to_string(),
        report: report_json.to_string(),
        eligible: report.verdict == registry::Verdict::Eligible,
        competences: registry::volume::highest_levels(declaration)
            .into_iter()
            .map(|(competence, level)| store::TaughtCompetence { competence, level: level.index() as u8 + 1 })
            .collect(),
    }
}

/// Saves a declaration for `organisation` today: see [`save_declaration_at`].
pub async fn save_declaration(
    state: &AppState,
    organisation: OrganisationId,
    text: &str,
    format: Format,
    actor: store::Actor,
) -> Result<ProgrammeId, SaveError> {
    save_declaration_at(state, organisation, text, format, actor, Timestamp::now()).await
}

/// Reads a declaration (TOML or JSON) with the référentiel, evaluates C1–C14 on the day of `now`,
/// and stores declaration, report and the columns the registry filters on: a new programme in
/// `draft` (created by `actor`), or the organisation's programme with the declared `id` (slug),
/// whatever its label state. Then reindexes it. The caller checks that its user may edit the
/// organisation's programmes.
pub async fn save_declaration_at(
    state: &AppState,
    organisation: OrganisationId,
    text: &str,
    format: Format,
    actor: store::Actor,
    now: Timestamp,
) -> Result<ProgrammeId, SaveError> {
    let id = store_declaration(state, organisation, text, format, actor, now).await?;
    reindex_or_log(state, id).await;
    Ok(id)
}

/// [`save_declaration_at`] without reindexing (the demonstration data reindex once at the end).
async fn store_declaration(
    state: &AppState,
    organisation: OrganisationId,
    text: &str,
    format: Format,
    actor: store::Actor,
    now: Timestamp,
) -> Result<ProgrammeId, SaveError> {
    let today = now.date();
    let declaration = Declaration::parse(text, format, &state.referentiel, today)
        .map_err(|invalid| SaveError::Invalid(invalid.problems))?;
    let report = registry::evaluate(&declaration, &state.referentiel, today);
    let data = programme_data(&declaration, &report, today);
    let id = match state.store.programme_by_slug(organisation, &data.slug).await? {
        Some(existing) => state.store.update_programme(existing.id, &data, now.unix_seconds).await?.id,
        None => {
            let new = NewProgramme {
                organisation_id: organisation,
                data,
                example: declaration.programme.example,
                created_by: actor,
                created_at: now.unix_seconds,
            };
            state.store.create_programme(&new).await?.id
        }
    };
    Ok(id)
}

/// Who moves a label: the workflow's role, and who it is for the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelActor {
    /// The part played (provider, reviewer, or socle itself).
    pub role: workflow::Role,
    /// The account, when a person acts; `None` for socle itself.
    pub user: Option<store::UserId>,
    /// The provider's organisation (provider actions apply to its programmes only).
    pub organisation: Option<OrganisationId>,
    /// How the workflow record names the actor (e-mail address, or `socle`).
    pub name: String,
}

impl LabelActor {
    /// A signed-in account acting in its role.
    pub fn of_user(user: &store::User) -> LabelActor {
        let role = match user.role {
            store::Role::Provider => workflow::Role::Provider,
            store::Role::Reviewer => workflow::Role::Reviewer,
            store::Role::Admin => workflow::Role::Admin,
        };
        LabelActor { role, user: Some(user.id), organisation: user.organisation_id, name: user.email.clone() }
    }

    /// socle itself, acting in `role` (demonstration data, scheduled expiry); recorded as the
    /// system in the history.
    pub fn system(role: workflow::Role) -> LabelActor {
        LabelActor { role, user: None, organisation: None, name: "socle".to_owned() }
    }

    fn store_actor(&self) -> store::Actor {
        self.user.map_or(store::Actor::System, store::Actor::User)
    }
}

/// Why a label did not move.
#[derive(Debug, thiserror::Error)]
pub enum LabelError {
    /// No such programme.
    #[error("la formation {0} n'existe pas")]
    NotFound(ProgrammeId),
    /// A provider acting on another organisation's programme.
    #[error("seuls les comptes de l'organisme de formation concerné peuvent agir sur sa demande de label")]
    Forbidden,
    /// The workflow refuses the move.
    #[error(transparent)]
    Workflow(#[from] workflow::WorkflowError),
    /// The credential of a grant could not be issued.
    #[error(transparent)]
    Issue(#[from] credential::IssueError),
    /// The stored declaration no longer reads.
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    /// The database failed, or another decision came first.
    #[error(transparent)]
    Store(#[from] store::Error),
}

impl From<LabelError> for AppError {
    fn from(error: LabelError) -> AppError {
        match error {
            LabelError::NotFound(_) => AppError::NotFound(format!("{}.", capitalise(&error.to_string()))),
            LabelError::Forbidden => AppError::Forbidden(format!("{}.", capitalise(&error.to_string()))),
            LabelError::Workflow(_) | LabelError::Issue(_) => {
                AppError::BadRequest(format!("{}.", capitalise(&error.to_string())))
            }
            LabelError::Store(store::Error::StateChanged { .. }) => AppError::BadRequest(error.to_string()),
            LabelError::Catalogue(error) => error.into(),
            LabelError::Store(error) => AppError::Store(error),
        }
    }
}

/// A programme's label as the workflow sees it: its state, and the expiry date of its latest
/// credential for the states that keep one (granted, suspended, expired).
pub async fn current_label(state: &AppState, programme: &store::Programme) -> Result<Label, store::Error> {
    let workflow_state = workflow_state(programme.label_state);
    let expires_on = if matches!(workflow_state, State::Granted | State::Suspended | State::Expired) {
        let credentials = state.store.credentials_of_programme(programme.id).await?;
        credentials.last().map(|credential| Timestamp { unix_seconds: credential.valid_until }.date())
    } else {
        None
    };
    Ok(Label { state: workflow_state, expires_on })
}

/// Moves a programme's label: the workflow checks the move (role, state, reason, dates); a grant
/// or reinstatement issues a credential signed by the registry's key, and a suspension or
/// revocation revokes the programme's credentials, in the same transaction as the state and its
/// history; then the programme is reindexed. The caller checks who may act on this programme
/// (a provider acting for another organisation is refused here too).
pub async fn change_label(
    state: &AppState,
    id: ProgrammeId,
    action: Action,
    actor: &LabelActor,
    reason: Option<&str>,
    now: Timestamp,
) -> Result<store::Transition, LabelError> {
    let transition = record_label_change(state, id, action, actor, reason, now).await?;
    reindex_or_log(state, id).await;
    Ok(transition)
}

/// [`change_label`] without reindexing.
async fn record_label_change(
    state: &AppState,
    id: ProgrammeId,
    action: Action,
    actor: &LabelActor,
    reason: Option<&str>,
    now: Timestamp,
) -> Result<store::Transition, LabelError> {
    let programme = state.store.programme(id).await?.ok_or(LabelError::NotFound(id))?;
    // socle itself (no account) acts for the demonstration programmes' fictional organisations.
    let acts_for_another = actor.user.is_some() && actor.organisation != Some(programme.organisation_id);
    if actor.role == workflow::Role::Provider && acts_for_another {
        return Err(LabelError::Forbidden);
    }
    let current = current_label(state, &programme).await?;
    let workflow_actor = workflow::Actor { role: actor.role, id: actor.name.clone() };
    let record = workflow::transition(current, action, &workflow_actor, now, reason)?;
    let to = store_state(record.to);
    let issue = if record.to == State::Granted {
        let declaration = read_declaration(&state.referentiel, &programme)?;
        let programme_url = programme_url(&state.base_url, id);
        let input = CredentialInput {
            id: CredentialId::random()?,
            registry_url: &state.base_url,
            programme_url: &programme_url,
            declaration: &declaration,
            referentiel: &state.referentiel,
            grant: &record,
        };
        let issued = credential::issue(&state.signing_key, &input)?;
        Some(store::NewCredential {
            id: issued.id,
            programme_id: id,
            issued_at: issued.valid_from.unix_seconds,
            valid_until: issued.valid_until.unix_seconds,
            jwt: issued.jwt,
        })
    } else {
        None
    };
    let revoke_credentials = matches!(action, Action::Suspend | Action::Revoke | Action::Withdraw);
    let reason = match record.reason.clone() {
        Some(reason) => reason,
        // The store asks a reason for every revocation; a withdrawal needs none from the provider.
        None if action == Action::Withdraw => "Demande retirée par l'organisme de formation.".to_owned(),
        None if revoke_credentials => capitalise(action.label()),
        None => String::new(),
    };
    let change = LabelChange {
        from: programme.label_state,
        to,
        actor: actor.store_actor(),
        at: now.unix_seconds,
        reason,
        issue,
        revoke_credentials,
    };
    Ok(state.store.transition_label(id, &change).await?)
}
