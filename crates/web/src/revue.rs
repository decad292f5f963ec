//! `/revue`: the reviewers' side of the label. The queue lists the applications waiting for a
//! decision (submitted, in review) with their age, and the labels in force; an application's page
//! shows the live criteria report beside the evidence (the declaration: programme, units,
//! projects with the provenance of their data, placements, outcomes, public addresses), the
//! credentials issued and the label's history, with the forms of the decisions the workflow
//! allows from its state: take in review, return for changes, grant (which issues the signed
//! credential in the same transaction), refuse, suspend, reinstate, revoke.
//!
//! Every handler takes a [`Reviewer`]: providers, administrators and visitors are refused before
//! anything is read, whatever they post. Drafts are the provider's own business and are not
//! shown here.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use registry::workflow::{Action, Role as WorkflowRole, State as LabelStatus};
use registry::{Date, Declaration};
use serde::Deserialize;
use store::{LabelState, ProgrammeFilter};

use crate::application::{self, HistoryRow, ReportView};
use crate::catalogue::{self, LabelError};
use crate::espace::{MAX_FIELD_CHARS, toml_out};
use crate::forms::Form;
use crate::login::format_utc;
use crate::session::{CurrentUser, Permission, Reviewer};
use crate::{AppError, AppState};

/// The reviewers' queue.
pub const QUEUE_PATH: &str = "/revue";

/// The address of an application's page.
pub fn application_path(id: store::ProgrammeId) -> String {
    format!("{QUEUE_PATH}/formations/{id}")
}

fn decision_path(id: store::ProgrammeId) -> String {
    format!("{}/decision", application_path(id))
}

fn render(template: &impl Template, status: StatusCode) -> Result<Response, AppError> {
    Ok((status, Html(template.render()?)).into_response())
}

/// An application a reviewer may open: any programme but a draft.
async fn application(state: &AppState, reviewer: &Reviewer, id: &str) -> Result<store::Programme, AppError> {
    reviewer.user.require(Permission::DecideLabels)?;
    let not_found = || {
        AppError::NotFound(format!(
            "Aucune demande de label ne porte ce numéro (un brouillon n'est visible que de son organisme). La file des demandes est sur {QUEUE_PATH}."
        ))
    };
    let id = application::parse_id(id).ok_or_else(not_found)?;
    let programme = state.store.programme(id).await?.ok_or_else(not_found)?;
    if programme.label_state == LabelState::Draft {
        return Err(not_found());
    }
    Ok(programme)
}

// ---------------------------------------------------------------------------------------------
// The queue.

struct QueueRow {
    path: String,
    title: String,
    organisation: String,
    diploma: String,
    state: &'static str,
    state_code: &'static str,
    since: String,
    age: String,
    eligible: bool,
}

#[derive(Template)]
#[template(path = "revue.html")]
struct QueuePage {
    waiting: Vec<QueueRow>,
    labelled: Vec<QueueRow>,
    notice: Option<String>,
}

impl QueuePage {
    const CURRENT: &'static str = "revue";
}

/// Query of the queue: the decision just taken.
#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    fait: Option<String>,
}

fn diploma_text(programme: &store::Programme) -> String {
    let diploma = registry::Diploma::from_code(&programme.diploma).map_or(programme.diploma.as_str(), |d| d.label());
    match programme.level {
        Some(level) => format!("{diploma}, niveau {level}"),
        None => diploma.to_owned(),
    }
}

async fn queue_rows(
    state: &AppState,
    states: Vec<LabelState>,
    entered: LabelState,
    organisations: &HashMap<store::OrganisationId, String>,
) -> Result<Vec<QueueRow>, AppError> {
    let now = store::unix_now();
    let filter = ProgrammeFilter { label_states: states, ..ProgrammeFilter::default() };
    let mut rows = Vec::new();
    for programme in state.store.programmes(&filter).await? {
        let (label, history) = application::label_and_history(state, &programme).await?;
        let since = application::entered(&history, entered).unwrap_or(programme.updated_at);
        rows.push((
            since,
            QueueRow {
                path: application_path(programme.id),
                title: programme.title.clone(),
                organisation: organisations.get(&programme.organisation_id).cloned().unwrap_or_default(),
                diploma: diploma_text(&programme),
                state: label.state.label(),
                state_code: label.state.code(),
                since: format_utc(since),
                age: application::age(now - since),
                eligible: programme.eligible,
            },
        ));
    }
    // Oldest first: the first come is the first served.
    rows.sort_by_key(|(since, _)| *since);
    Ok(rows.into_iter().map(|(_, row)| row).collect())
}

/// `GET /revue`: the applications waiting for a decision, and the labels in force.
pub async fn queue(
    State(state): State<AppState>,
    reviewer: Reviewer,
    Query(query): Query<QueueQuery>,
) -> Result<Response, AppError> {
    reviewer.user.require(Permission::DecideLabels)?;
    let organisations: HashMap<_, _> = state
        .store
        .organisations()
        .await?
        .into_iter()
        .map(|organisation| (organisation.id, organisation.name))
        .collect();
    let waiting =
        queue_rows(&state, vec![LabelState::Submitted, LabelState::InReview], LabelState::Submitted, &organisations)
            .await?;
    let labelled =
        queue_rows(&state, vec![LabelState::Granted, LabelState::Suspended], LabelState::Granted, &organisations)
            .await?;
    let notice = match query.fait.as_deref() {
        Some("return_for_changes") => {
            Some("Demande renvoyée à l'organisme pour corrections : elle redevient un brouillon qu'il peut modifier.")
        }
        _ => None,
    };
    render(&QueuePage { waiting, labelled, notice: notice.map(str::to_owned) }, StatusCode::OK)
}

// ---------------------------------------------------------------------------------------------
// An application.

/// A decision the reviewer may take now, as a form.
struct DecisionForm {
    action: &'static str,
    heading: &'static str,
    button: &'static str,
    /// Whether the reason is required (else the field is optional or absent).
    reason_required: bool,
    with_reason: bool,
    reason_label: &'static str,
    field_id: String,
    error: Option<String>,
    value: String,
    /// Why the decision cannot be taken today, if it cannot (the form is not shown).
    blocked: Option<String>,
}

struct Competence {
    id: String,
    level: &'static str,
}

struct UnitView {
    code: String,
    title: String,
    volume: String,
    semester: String,
    kind: String,
    competences: Vec<Competence>,
    assessments: String,
}

struct ProjectView {
    title: String,
    volume: String,
    semester: String,
    provenance: Option<String>,
    partner: String,
    synthetic: bool,
    size: String,
    graded: bool,
    competences: Vec<Competence>,
}

struct PlacementView {
    kind: &'static str,
    weeks: u32,
    mandatory: bool,
    competences: Vec<Competence>,
    assessments: String,
}

struct CredentialView {
    id: String,
    issued: String,
    valid_until: String,
    revoked: Option<String>,
}

/// The declaration as evidence.
struct Evidence {
    facts: Vec<(&'static str, String)>,
    public_url: Option<String>,
    units: Vec<UnitView>,
    projects: Vec<ProjectView>,
    placements: Vec<PlacementView>,
    outcomes: Vec<(&'static str, String)>,
}

fn volume(ects: Option<f64>, hours: Option<f64>) -> String {
    let mut parts = Vec::new();
    if let Some(ects) = ects {
        parts.push(format!("{} ECTS", registry::fr::number(ects)));
    }
    if let Some(hours) = hours {
        parts.push(format!("{} h", registry::fr::number(hours)));
    }
    if parts.is_empty() { "—".to_owned() } else { parts.join(" · ") }
}

fn competences(claims: &[registry::Claim]) -> Vec<Competence> {
    claims.iter().map(|claim| Competence { id: claim.id.clone(), level: claim.level.code() }).collect()
}

fn assessments(kinds: &[registry::AssessmentKind]) -> String {
    if kinds.is_empty() {
        "aucune".to_owned()
    } else {
        kinds.iter().map(|kind| kind.label()).collect::<Vec<_>>().join(", ")
    }
}

fn yes_no(value: bool) -> String {
    if value { "oui".to_owned() } else { "non".to_owned() }
}

fn evidence(declaration: &Declaration, referentiel: &skills::Referentiel) -> Evidence {
    let programme = &declaration.programme;
    let mut facts = vec![
        ("Organisme", programme.provider.clone()),
        ("Diplôme", programme.diploma.label().to_owned()),
        ("Niveau RNCP", programme.level.map_or_else(|| "sans niveau".to_owned(), |level| level.to_string())),
    ];
    if let Some(rncp) = &programme.rncp {
        facts.push(("Fiche RNCP", rncp.clone()));
    }
    if let Some(rs) = &programme.rs {
        facts.push(("Fiche RS", rs.clone()));
    }
    if let Some(end) = programme.registration_end {
        facts.push(("Fin d'enregistrement", end.to_string()));
    }
    let place = match (&programme.city, programme.region.as_deref().and_then(registry::region_name)) {
        (Some(city), Some(region)) => format!("{city} ({region})"),
        (Some(city), None) => city.clone(),
        (None, Some(region)) => region.to_owned(),
        (None, None) => "—".to_owned(),
    };
    facts.push(("Lieu", place));
    facts.push(("Modalités", programme.modality.iter().map(|m| m.label()).collect::<Vec<_>>().join(", ")));
    facts.push(("Langue", catalogue::language_name(&programme.language)));
    facts.push(("Volume total", volume(programme.total_ects, programme.total_hours)));
    if let Some(semesters) = programme.semesters {
        facts.push(("Semestres", semesters.to_string()));
    }
    facts.push(("Alternance", yes_no(programme.apprenticeship)));
    if let Some(share) = programme.practitioner_share {
        facts.push(("Part de praticiens", registry::fr::percent(share)));
    }
    facts.push(("Mise à jour déclarée", programme.updated.to_string()));
    let sector = |id: &str| referentiel.sector(id).map_or_else(|| id.to_owned(), |sector| sector.label.fr.clone());
    Evidence {
        facts,
        public_url: programme.public_url.clone(),
        units: declaration
            .units
            .iter()
            .map(|unit| UnitView {
                code: unit.code.clone(),
                title: unit.title.clone(),
                volume: volume(unit.ects, unit.hours),
                semester: unit.semester.map_or_else(|| "—".to_owned(), |s| s.to_string()),
                kind: match &unit.sector {
                    Some(id) => format!("{} ({})", unit.kind.label(), sector(id)),
                    None => unit.kind.label().to_owned(),
                },
                competences: competences(&unit.competences),
                assessments: assessments(&unit.assessments),
            })
            .collect(),
        projects: declaration
            .projects
            .iter()
            .map(|project| ProjectView {
                title: project.title.clone(),
                volume: volume(project.ects, project.hours),
                semester: project.semester.map_or_else(|| "—".to_owned(), |s| s.to_string()),
                provenance: project.data_provenance.clone(),
                partner: project.partner.clone().unwrap_or_default(),
                synthetic: project.synthetic,
                size: {
                    let mut parts = Vec::new();
                    if let Some(gb) = project.data_size_gb {
                        parts.push(format!("{} Go", registry::fr::number(gb)));
                    }
                    if let Some(records) = project.records {
                        parts.push(format!("{} enregistrements", registry::fr::number(records as f64)));
                    }
                    if let Some(sources) = project.sources {
                        parts.push(format!("{sources} source(s)"));
                    }
                    if parts.is_empty() { "non déclarée".to_owned() } else { parts.join(", ") }
                },
                graded: project.graded,
                competences: competences(&project.competences),
            })
            .collect(),
        placements: declaration
            .placements
            .iter()
            .map(|placement| PlacementView {
                kind: placement.kind.label(),
                weeks: placement.weeks,
                mandatory: placement.mandatory,
                competences: competences(&placement.competences),
                assessments: assessments(&placement.assessments),
            })
            .collect(),
        outcomes: declaration
            .outcomes
            .as_ref()
            .map(|outcomes| {
                vec![
                    (
                        "Diplômés de la dernière promotion",
                        outcomes.graduates.map_or_else(|| "—".to_owned(), |n| n.to_string()),
                    ),
                    (
                        "En emploi à six mois",
                        outcomes.employment_6m.map_or_else(|| "—".to_owned(), registry::fr::percent),
                    ),
                    ("Chiffres publiés", yes_no(outcomes.published)),
                ]
            })
            .unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "revue-formation.html")]
struct ApplicationPage {
    title: String,
    organisation: String,
    state: &'static str,
    state_code: &'static str,
    expires_on: Option<String>,
    public_path: String,
    download_path: String,
    notice: Option<String>,
    errors: crate::espace::Problems,
    report: Result<ReportView, String>,
    evidence: Option<Evidence>,
    credentials: Vec<CredentialView>,
    history: Vec<HistoryRow>,
    decision_path: String,
    token: String,
    decisions: Vec<DecisionForm>,
}

impl ApplicationPage {
    const CURRENT: &'static str = "revue";
}

fn decision_texts(action: Action) -> (&'static str, &'static str, &'static str) {
    match action {
        Action::TakeInReview => ("Prendre en instruction", "Prendre la demande en instruction", ""),
        Action::ReturnForChanges => {
            ("Renvoyer pour corrections", "Renvoyer à l'organisme", "Corrections demandées (obligatoire)")
        }
        Action::Grant => ("Accorder le label", "Accorder le label pour trois ans", "Observations (facultatif)"),
        Action::Refuse => ("Refuser le label", "Refuser le label", "Motifs du refus (obligatoire)"),
        Action::Suspend => ("Suspendre le label", "Suspendre le label", "Motif de la suspension (obligatoire)"),
        Action::Reinstate => ("Rétablir le label", "Rétablir le label", "Motif du rétablissement (obligatoire)"),
        Action::Revoke => {
            ("Retirer définitivement le label", "Retirer définitivement le label", "Motif du retrait (obligatoire)")
        }
        _ => ("", "", ""),
    }
}

async fn application_page(
    state: &AppState,
    reviewer: &CurrentUser,
    programme: &store::Programme,
    notice: Option<String>,
    errors: crate::espace::Problems,
    typed: Option<(&str, &str)>,
) -> Result<ApplicationPage, AppError> {
    let (label, history) = application::label_and_history(state, programme).await?;
    let report = application::live_report(state, programme);
    let declaration = catalogue::read_declaration(&state.referentiel, programme).ok();
    let failed: Option<Vec<&str>> = report.as_ref().ok().filter(|report| !report.eligible).map(|report| {
        report.criteria.iter().filter(|criterion| criterion.status == "fail").map(|criterion| criterion.id).collect()
    });
    let decisions = registry::workflow::allowed_actions(label.state, WorkflowRole::Reviewer)
        .into_iter()
        .map(|action| {
            let (heading, button, reason_label) = decision_texts(action);
            let field_id = format!("motif-{}", action.code());
            let blocked = match (&failed, action) {
                (Some(failed), Action::Grant | Action::Reinstate) => Some(format!(
                    "Le label ne peut pas être accordé aujourd'hui : la formation n'est pas éligible (critère(s) non conforme(s) : {}). Renvoyez la demande pour corrections ou refusez-la.",
                    failed.join(", ")
                )),
                _ => None,
            };
            DecisionForm {
                action: action.code(),
                heading,
                button,
                reason_required: action.needs_reason(),
                with_reason: action != Action::TakeInReview,
                reason_label,
                error: errors.items.iter().find(|item| item.field == field_id).map(|item| item.message.clone()),
                value: typed.filter(|(code, _)| *code == action.code()).map(|(_, text)| text.to_owned()).unwrap_or_default(),
                field_id,
                blocked,
            }
        })
        .collect();
    let credentials = state
        .store
        .credentials_of_programme(programme.id)
        .await?
        .into_iter()
        .rev()
        .map(|credential| CredentialView {
            id: credential.id,
            issued: format_utc(credential.issued_at),
            valid_until: format_utc(credential.valid_until),
            revoked: credential.revoked_at.map(|at| {
                format!("révoqué le {} : {}", format_utc(at), credential.revocation_reason.unwrap_or_default())
            }),
        })
        .collect();
    let organisation = state
        .store
        .organisation(programme.organisation_id)
        .await?
        .map(|organisation| organisation.name)
        .unwrap_or_default();
    Ok(ApplicationPage {
        title: programme.title.clone(),
        organisation,
        state: label.state.label(),
        state_code: label.state.code(),
        expires_on: label.expires_on.filter(|_| label.state == LabelStatus::Granted).map(|date| date.to_string()),
        public_path: format!("/formations/{}", programme.id),
        download_path: format!("{}/declaration.toml", application_path(programme.id)),
        notice,
        errors,
        report,
        evidence: declaration.as_ref().map(|declaration| evidence(declaration, &state.referentiel)),
        credentials,
        history: application::history_rows(state, &history, true).await?,
        token: reviewer.form_token(&decision_path(programme.id)),
        decision_path: decision_path(programme.id),
        decisions,
    })
}

/// Query of an application's page: the decision just taken.
#[derive(Debug, Default, Deserialize)]
pub struct ApplicationQuery {
    #[serde(default)]
    fait: Option<String>,
}

/// `GET /revue/formations/{id}`: the application with its report, evidence and decisions.
pub async fn application_view(
    State(state): State<AppState>,
    reviewer: Reviewer,
    Path(id): Path<String>,
    Query(query): Query<ApplicationQuery>,
) -> Result<Response, AppError> {
    let programme = application(&state, &reviewer, &id).await?;
    let notice = query.fait.as_deref().and_then(Action::from_code).map(|action| match action {
        Action::Grant => {
            "Label accordé pour trois ans : le label signé est délivré et publié avec la formation.".to_owned()
        }
        Action::Reinstate => "Label rétabli : un nouveau label signé est délivré, jusqu'à la même échéance.".to_owned(),
        Action::Revoke => "Label retiré définitivement : le label signé est révoqué.".to_owned(),
        Action::Suspend => "Label suspendu : le label signé est révoqué jusqu'à un éventuel rétablissement.".to_owned(),
        other => format!("Décision enregistrée : {}.", other.label()),
    });
    let page =
        application_page(&state, &reviewer.user, &programme, notice, crate::espace::Problems::default(), None).await?;
    render(&page, StatusCode::OK)
}

/// The decision form.
#[derive(Debug, Default, Deserialize)]
pub struct DecisionInput {
    #[serde(default)]
    action: String,
    #[serde(default)]
    motif: String,
}

/// `POST /revue/formations/{id}/decision`: takes a decision on the application.
pub async fn decide(
    State(state): State<AppState>,
    reviewer: Reviewer,
    Path(id): Path<String>,
    Form(input): Form<DecisionInput>,
) -> Result<Response, AppError> {
    let programme = application(&state, &reviewer, &id).await?;
    let action = Action::from_code(&input.action).filter(|action| action.role() == WorkflowRole::Reviewer).ok_or_else(|| {
        AppError::BadRequest(
            "Décision inconnue : attendu take_in_review, return_for_changes, grant, refuse, suspend, reinstate ou revoke. Rien n'a été modifié."
                .to_owned(),
        )
    })?;
    let field = format!("motif-{}", action.code());
    let (heading, _, _) = decision_texts(action);
    let reason = input.motif.trim();
    let mut errors = crate::espace::Problems::default();
    if reason.chars().count() > MAX_FIELD_CHARS {
        errors.add(
            field.clone(),
            format!(
                "{heading}, motif : {} caractères ; {MAX_FIELD_CHARS} caractères au plus sont acceptés",
                reason.chars().count()
            ),
        );
    } else if action.needs_reason() && reason.is_empty() {
        errors.add(
            field.clone(),
            format!("{heading}, motif : obligatoire ; expliquez la décision à l'organisme en quelques phrases"),
        );
    }
    if errors.is_empty() {
        let reason = Some(reason).filter(|reason| !reason.is_empty());
        match application::decide(&state, &programme, action, &reviewer.user.user, reason).await {
            Ok(_) => {
                tracing::info!(compte = %reviewer.user.user.id, formation = %programme.id, action = action.code(), "décision sur le label");
                let target = if action == Action::ReturnForChanges {
                    format!("{QUEUE_PATH}?fait={}", action.code())
                } else {
                    format!("{}?fait={}", application_path(programme.id), action.code())
                };
                return Ok(Redirect::to(&target).into_response());
            }
            Err(
                error @ (LabelError::Workflow(_)
                | LabelError::Issue(_)
                | LabelError::Store(store::Error::StateChanged { .. })),
            ) => errors.add(field, format!("{heading} : {error}. Rien n'a été modifié")),
            Err(error) => return Err(error.into()),
        }
    }
    // The state may have changed meanwhile: the page is rebuilt from the store.
    let programme = application(&state, &reviewer, &id).await?;
    let page =
        application_page(&state, &reviewer.user, &programme, None, errors, Some((action.code(), input.motif.as_str())))
            .await?;
    render(&page, StatusCode::UNPROCESSABLE_ENTITY)
}

/// `GET /revue/formations/{id}/declaration.toml`: the declaration as a TOML file.
pub async fn download(
    State(state): State<AppState>,
    reviewer: Reviewer,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let programme = application(&state, &reviewer, &id).await?;
    let declaration: serde_json::Value = serde_json::from_str(&programme.declaration)
        .map_err(|error| AppError::Internal(format!("déclaration enregistrée illisible : {error}")))?;
    let header_text = format!(
        "Déclaration de la formation « {} », exportée du registre socle le {} pour instruction.",
        programme.title.replace(['\n', '\r'], " "),
        Date::today()
    );
    let mut response = toml_out::declaration_toml(&declaration, &header_text).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/toml; charset=utf-8"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{}.toml\"", programme.slug)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
