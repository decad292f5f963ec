//! `/espace`: the provider space of the programme registry. A provider (an account acting for
//! one organisation) lists its organisation's programmes, declares one with the form or by
//! uploading a TOML or JSON file, changes a draft the same two ways, reads the live criteria
//! report after every save, downloads the declaration as TOML, and submits it for the label or
//! withdraws the application.
//!
//! Every handler takes a [`Provider`]; every programme route loads the programme and answers the
//! same 404 whether it does not exist or belongs to another organisation
//! ([`Permission::EditProgrammesOf`] decides), so that no provider learns what another declares.
//! A refused form or file saves nothing: the previous version stays, and the page shows every
//! problem next to the field (form) or with its line and field (file).

mod form;
pub mod toml_out;
mod upload;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use registry::workflow::{Action, Label, State as LabelStatus};
use registry::{Date, Format};
use serde::Deserialize;
use store::OrganisationId;

use self::form::{DeclarationForm, FormView, Section};
use crate::application::{self, HistoryRow, ReportView};
use crate::catalogue::{self, SaveError};
use crate::login::format_utc;
use crate::session::{CurrentUser, Permission, Provider};
use crate::{AppError, AppState};

pub use self::form::{MAX_FIELD_CHARS, MAX_ROWS, Problems};

/// The provider space's home page.
pub const SPACE_PATH: &str = "/espace";
/// The declaration form of a new programme.
pub const NEW_FORM_PATH: &str = "/espace/nouvelle";
/// The upload of a new programme's declaration file.
pub const NEW_UPLOAD_PATH: &str = "/espace/televerser";
/// Largest declaration file accepted, in bytes (the demo declarations are under 10 kB).
pub const MAX_UPLOAD_BYTES: usize = 256 * 1024;
/// Largest request body a form of this space may send.
const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// The name of the file input of upload forms.
const FILE_FIELD: &str = "fichier";

/// The address of a programme's page in the space.
pub fn programme_path(id: store::ProgrammeId) -> String {
    format!("{SPACE_PATH}/formations/{id}")
}

fn render(template: &impl Template, status: StatusCode) -> Result<Response, AppError> {
    Ok((status, Html(template.render()?)).into_response())
}

/// The organisation the provider acts for, checked against the permission table.
fn organisation_of(provider: &Provider) -> Result<OrganisationId, AppError> {
    let organisation = provider.organisation_id().ok_or_else(|| {
        AppError::Forbidden(
            "Votre compte d'organisme de formation n'est rattaché à aucun organisme : demandez à un administrateur de le corriger."
                .to_owned(),
        )
    })?;
    provider.user.require(Permission::EditProgrammesOf(organisation))?;
    Ok(organisation)
}

/// The programme `id` when the provider's organisation owns it; the same 404 otherwise.
async fn own_programme(state: &AppState, provider: &Provider, id: &str) -> Result<store::Programme, AppError> {
    organisation_of(provider)?;
    let not_found = || {
        AppError::NotFound(format!(
            "Cette formation n'existe pas dans l'espace de votre organisme. La liste de vos formations est sur {SPACE_PATH}."
        ))
    };
    let id = application::parse_id(id).ok_or_else(not_found)?;
    let programme = state.store.programme(id).await?.ok_or_else(not_found)?;
    if !provider.user.may(Permission::EditProgrammesOf(programme.organisation_id)) {
        return Err(not_found());
    }
    Ok(programme)
}

/// Reads a request body whole, with a French refusal beyond `limit`.
async fn read_body(request: Request, limit: usize) -> Result<Bytes, AppError> {
    axum::body::to_bytes(request.into_body(), limit).await.map_err(|_| {
        AppError::TooLarge(format!(
            "L'envoi dépasse {} Mio ou n'a pas pu être lu en entier : rien n'a été enregistré.",
            limit / (1024 * 1024)
        ))
    })
}

/// The organisation's name (the default provider of a new declaration).
async fn organisation_name(state: &AppState, organisation: OrganisationId) -> Result<String, AppError> {
    Ok(state.store.organisation(organisation).await?.map(|organisation| organisation.name).unwrap_or_default())
}

// ---------------------------------------------------------------------------------------------
// The list.

/// One programme of the list.
struct ProgrammeRow {
    path: String,
    title: String,
    slug: String,
    state: &'static str,
    state_code: &'static str,
    eligible: bool,
    updated: String,
}

#[derive(Template)]
#[template(path = "espace.html")]
struct SpacePage {
    organisation: String,
    rows: Vec<ProgrammeRow>,
}

impl SpacePage {
    const CURRENT: &'static str = "espace";
}

/// `GET /espace`: the organisation's programmes.
pub async fn index(State(state): State<AppState>, provider: Provider) -> Result<Response, AppError> {
    let organisation = organisation_of(&provider)?;
    let filter = store::ProgrammeFilter { organisation_id: Some(organisation), ..Default::default() };
    let mut rows = Vec::new();
    for programme in state.store.programmes(&filter).await? {
        let (label, _) = application::label_and_history(&state, &programme).await?;
        rows.push(ProgrammeRow {
            path: programme_path(programme.id),
            title: programme.title.clone(),
            slug: programme.slug.clone(),
            state: label.state.label(),
            state_code: label.state.code(),
            eligible: programme.eligible,
            updated: format_utc(programme.updated_at),
        });
    }
    let page = SpacePage { organisation: organisation_name(&state, organisation).await?, rows };
    render(&page, StatusCode::OK)
}

// ---------------------------------------------------------------------------------------------
// The declaration form.

#[derive(Template)]
#[template(path = "espace-declaration.html")]
struct DeclarationPage {
    /// « Déclarer une formation » or « Modifier … ».
    heading: String,
    /// The programme being changed, if any: (its page, its title).
    programme: Option<(String, String)>,
    action: String,
    token: String,
    form: FormView,
    errors: Problems,
    notice: Option<String>,
    n_units: usize,
    n_projects: usize,
    n_placements: usize,
    /// Whether the programme id may be changed (only for a new programme).
    id_locked: bool,
}

impl DeclarationPage {
    const CURRENT: &'static str = "espace";
}

fn declaration_page(
    state: &AppState,
    user: &CurrentUser,
    programme: Option<&store::Programme>,
    form: &DeclarationForm,
    errors: Problems,
    notice: Option<String>,
) -> DeclarationPage {
    let action = programme.map_or_else(|| NEW_FORM_PATH.to_owned(), |programme| edit_path(programme.id));
    DeclarationPage {
        heading: match programme {
            Some(programme) => format!("Modifier « {} »", programme.title),
            None => "Déclarer une formation".to_owned(),
        },
        programme: programme.map(|programme| (programme_path(programme.id), programme.title.clone())),
        token: user.form_token(&action),
        action,
        form: form.view(&errors, &state.referentiel),
        errors,
        notice,
        n_units: form.units.len(),
        n_projects: form.projects.len(),
        n_placements: form.placements.len(),
        id_locked: programme.is_some(),
    }
}

fn edit_path(id: store::ProgrammeId) -> String {
    format!("{}/modifier", programme_path(id))
}

/// Why a declaration cannot be changed in its label state, if it cannot.
fn not_editable(label: Label) -> Option<String> {
    match label.state {
        LabelStatus::Draft => None,
        LabelStatus::Submitted | LabelStatus::InReview => Some(
            "La demande de label est en cours : la déclaration ne peut plus être modifiée pendant son instruction. \
             Pour la modifier, retirez la demande, rouvrez-en une (« Rouvrir une demande »), puis déposez-la de nouveau."
                .to_owned(),
        ),
        LabelStatus::Granted | LabelStatus::Suspended => Some(
            "La formation détient un label : sa déclaration ne peut pas être modifiée sans nouvel examen. \
             Pour la mettre à jour, renoncez au label (« Retirer la demande »), rouvrez une demande, modifiez-la, puis déposez-la."
                .to_owned(),
        ),
        LabelStatus::Refused | LabelStatus::Expired | LabelStatus::Withdrawn => Some(
            "La demande est close : ouvrez une nouvelle demande (« Rouvrir une demande ») pour modifier la déclaration."
                .to_owned(),
        ),
        LabelStatus::Revoked => {
            Some("Le label de cette formation a été retiré définitivement : sa déclaration est conservée telle quelle.".to_owned())
        }
    }
}

/// What a declaration form asks for, besides saving.
enum FormAction {
    Save,
    Add(Section),
    Remove(Section, usize),
}

fn form_action(pairs: &[(String, String)]) -> FormAction {
    let value = pairs.iter().find(|(name, _)| name == "action").map_or("enregistrer", |(_, value)| value.as_str());
    let section = |key: &str| match key {
        "units" => Some(Section::Units),
        "projects" => Some(Section::Projects),
        "placements" => Some(Section::Placements),
        _ => None,
    };
    if let Some(key) = value.strip_prefix("ajouter-")
        && let Some(section) = section(key)
    {
        return FormAction::Add(section);
    }
    if let Some((key, index)) = value.strip_prefix("retirer-").and_then(|rest| rest.rsplit_once('-'))
        && let (Some(section), Ok(index)) = (section(key), index.parse::<usize>())
    {
        return FormAction::Remove(section, index);
    }
    FormAction::Save
}

/// `GET /espace/nouvelle`: an empty declaration form.
pub async fn new_form(State(state): State<AppState>, provider: Provider) -> Result<Response, AppError> {
    let organisation = organisation_of(&provider)?;
    let form = DeclarationForm::new(&organisation_name(&state, organisation).await?, Date::today());
    render(&declaration_page(&state, &provider.user, None, &form, Problems::default(), None), StatusCode::OK)
}

/// `GET /espace/formations/{id}/modifier`: the form filled with the stored declaration.
pub async fn edit_form(
    State(state): State<AppState>,
    provider: Provider,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let programme = own_programme(&state, &provider, &id).await?;
    let (label, _) = application::label_and_history(&state, &programme).await?;
    if let Some(reason) = not_editable(label) {
        return Err(AppError::BadRequest(reason));
    }
    let declaration: serde_json::Value = serde_json::from_str(&programme.declaration).unwrap_or_default();
    let form = DeclarationForm::from_declaration(&declaration);
    render(
        &declaration_page(&state, &provider.user, Some(&programme), &form, Problems::default(), None),
        StatusCode::OK,
    )
}

/// `POST /espace/nouvelle`: adds or removes a row, or saves a new programme.
pub async fn create_by_form(
    State(state): State<AppState>,
    provider: Provider,
    request: Request,
) -> Result<Response, AppError> {
    let organisation = organisation_of(&provider)?;
    let body = read_body(request, MAX_BODY_BYTES).await?;
    submit_form(&state, &provider, organisation, None, &body).await
}

/// `POST /espace/formations/{id}/modifier`: adds or removes a row, or saves the new version.
pub async fn update_by_form(
    State(state): State<AppState>,
    provider: Provider,
    Path(id): Path<String>,
    request: Request,
) -> Result<Response, AppError> {
    let programme = own_programme(&state, &provider, &id).await?;
    let (label, _) = application::label_and_history(&state, &programme).await?;
    if let Some(reason) = not_editable(label) {
        return Err(AppError::BadRequest(reason));
    }
    let body = read_body(request, MAX_BODY_BYTES).await?;
    submit_form(&state, &provider, programme.organisation_id, Some(&programme), &body).await
}

async fn submit_form(
    state: &AppState,
    provider: &Provider,
    organisation: OrganisationId,
    programme: Option<&store::Programme>,
    body: &[u8],
) -> Result<Response, AppError> {
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(body).map(|(name, value)| (name.into_owned(), value.into_owned())).collect();
    let (mut form, mut problems) = DeclarationForm::from_pairs(&pairs);
    match form_action(&pairs) {
        FormAction::Add(section) => {
            let notice = match form.rows_mut(section) {
                Some(rows) if rows.len() < MAX_ROWS => {
                    rows.push(form::Row::default());
                    format!("Ligne ajoutée ({}) : rien n'est enregistré avant « Enregistrer ».", rows.len())
                }
                _ => format!("{MAX_ROWS} lignes au plus : pour une déclaration plus longue, téléversez un fichier."),
            };
            let page = declaration_page(state, &provider.user, programme, &form, problems, Some(notice));
            return render(&page, StatusCode::OK);
        }
        FormAction::Remove(section, index) => {
            let notice = match form.rows_mut(section) {
                Some(rows) if index < rows.len() => {
                    rows.remove(index);
                    "Ligne retirée : rien n'est enregistré avant « Enregistrer ».".to_owned()
                }
                _ => "Cette ligne n'existe plus.".to_owned(),
            };
            let page = declaration_page(state, &provider.user, programme, &form, problems, Some(notice));
            return render(&page, StatusCode::OK);
        }
        FormAction::Save => {}
    }
    let (json, map) = form.to_json();
    let text = json.to_string();
    if let Err(invalid) = registry::Declaration::from_json(&text, &state.referentiel, Date::today()) {
        problems.items.extend(form.problems_from_registry(&invalid.problems, &map).items);
    }
    if let Some(problem) = slug_problem(state, organisation, programme, form.programme_id()).await? {
        problems.add("programme-id", problem);
    }
    if problems.is_empty() {
        let actor = store::Actor::User(provider.user.user.id);
        match catalogue::save_declaration(state, organisation, &text, Format::Json, actor).await {
            Ok(id) => {
                tracing::info!(compte = %provider.user.user.id, formation = %id, "déclaration enregistrée (formulaire)");
                return Ok(Redirect::to(&format!("{}?enregistre=formulaire", programme_path(id))).into_response());
            }
            Err(SaveError::Invalid(found)) => problems = form.problems_from_registry(&found, &map),
            Err(SaveError::Store(store::Error::Duplicate(unique))) => {
                problems.add("programme-id", format!("{unique}."))
            }
            Err(SaveError::Store(error)) => return Err(AppError::Store(error)),
        }
    }
    let page = declaration_page(state, &provider.user, programme, &form, problems, None);
    render(&page, StatusCode::UNPROCESSABLE_ENTITY)
}

/// A programme id that would overwrite another programme, or change the one being edited.
async fn slug_problem(
    state: &AppState,
    organisation: OrganisationId,
    programme: Option<&store::Programme>,
    slug: &str,
) -> Result<Option<String>, AppError> {
    if slug.is_empty() {
        return Ok(None);
    }
    if let Some(programme) = programme {
        return Ok((slug != programme.slug).then(|| {
            format!(
                "Identifiant de la formation : il reste « {} » pour cette formation (pour déclarer une autre formation, utilisez « Déclarer une formation »)",
                programme.slug
            )
        }));
    }
    Ok(state.store.programme_by_slug(organisation, slug).await?.map(|existing| {
        format!(
            "Identifiant de la formation : votre organisme a déjà une formation « {slug} » (« {} ») ; modifiez-la depuis sa page, ou choisissez un autre identifiant",
            existing.title
        )
    }))
}

// ---------------------------------------------------------------------------------------------
// Uploads.

/// A refused upload: the file's name and every problem.
struct UploadProblems {
    filename: String,
    /// (line, field, message).
    problems: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "espace-televerser.html")]
struct UploadPage {
    token: String,
    errors: Problems,
    upload: Option<UploadProblems>,
    max_kib: usize,
}

impl UploadPage {
    const CURRENT: &'static str = "espace";
}

/// What an upload holds, or why it is refused.
enum Upload {
    File { text: String, format: Format, filename: String },
    Refused { status: StatusCode, message: String },
}

async fn read_upload(request: Request) -> Result<Upload, AppError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = read_body(request, MAX_BODY_BYTES).await?;
    let refused = |status, message: String| Ok(Upload::Refused { status, message });
    let file = match upload::file_field(&body, &content_type, FILE_FIELD) {
        Ok(Some(file)) if !file.bytes.is_empty() => file,
        Ok(_) => {
            return refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Fichier de déclaration : aucun fichier reçu ; choisissez un fichier .toml ou .json puis envoyez le formulaire"
                    .to_owned(),
            );
        }
        Err(_) => {
            return refused(
                StatusCode::BAD_REQUEST,
                "Fichier de déclaration : l'envoi n'a pas pu être lu ; envoyez le fichier depuis le formulaire de cette page (multipart/form-data)"
                    .to_owned(),
            );
        }
    };
    if file.bytes.len() > MAX_UPLOAD_BYTES {
        return refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "Fichier de déclaration : {} Kio, plus que les {} Kio acceptés ; une déclaration fait quelques Kio, vérifiez que vous envoyez le bon fichier",
                file.bytes.len().div_ceil(1024),
                MAX_UPLOAD_BYTES / 1024
            ),
        );
    }
    let filename = file.filename.clone().unwrap_or_else(|| "déclaration".to_owned());
    let Ok(text) = String::from_utf8(file.bytes) else {
        return refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "Fichier de déclaration : « {filename} » n'est pas un texte en UTF-8 ; enregistrez-le en UTF-8 (TOML ou JSON) puis renvoyez-le"
            ),
        );
    };
    let format = Format::guess(Some(std::path::Path::new(&filename)), &text);
    Ok(Upload::File { text, format, filename })
}

fn problem_rows(problems: &[registry::Problem]) -> Vec<(String, String, String)> {
    problems
        .iter()
        .map(|problem| {
            (
                problem.line.map_or_else(|| "—".to_owned(), |line| line.to_string()),
                if problem.path.is_empty() { "fichier".to_owned() } else { problem.path.clone() },
                problem.message.clone(),
            )
        })
        .collect()
}

/// What an upload leads to: saved, or refused with the problems to show.
enum Saved {
    Done(store::ProgrammeId),
    Refused { status: StatusCode, errors: Problems, upload: Option<UploadProblems> },
}

async fn save_upload(
    state: &AppState,
    provider: &Provider,
    organisation: OrganisationId,
    programme: Option<&store::Programme>,
    request: Request,
) -> Result<Saved, AppError> {
    let mut errors = Problems::default();
    let (text, format, filename) = match read_upload(request).await? {
        Upload::File { text, format, filename } => (text, format, filename),
        Upload::Refused { status, message } => {
            errors.add(FILE_FIELD, message);
            return Ok(Saved::Refused { status, errors, upload: None });
        }
    };
    let refused = |problems: &[registry::Problem]| {
        let mut errors = Problems::default();
        errors.add(
            FILE_FIELD,
            format!(
                "Fichier de déclaration : « {filename} » compte {} problème(s), détaillés plus bas ; rien n'a été enregistré",
                problems.len()
            ),
        );
        Saved::Refused {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            upload: Some(UploadProblems { filename: filename.clone(), problems: problem_rows(problems) }),
        }
    };
    let declaration = match registry::Declaration::parse(&text, format, &state.referentiel, Date::today()) {
        Ok(declaration) => declaration,
        Err(invalid) => return Ok(refused(&invalid.problems)),
    };
    if let Some(message) = slug_problem(state, organisation, programme, &declaration.programme.id).await? {
        let problem = registry::Problem { line: None, path: "programme.id".to_owned(), message };
        return Ok(refused(&[problem]));
    }
    let actor = store::Actor::User(provider.user.user.id);
    match catalogue::save_declaration(state, organisation, &text, format, actor).await {
        Ok(id) => {
            tracing::info!(compte = %provider.user.user.id, formation = %id, "déclaration enregistrée (fichier)");
            Ok(Saved::Done(id))
        }
        Err(SaveError::Invalid(problems)) => Ok(refused(&problems)),
        Err(SaveError::Store(store::Error::Duplicate(unique))) => {
            let problem =
                registry::Problem { line: None, path: "programme.id".to_owned(), message: format!("{unique}") };
            Ok(refused(&[problem]))
        }
        Err(SaveError::Store(error)) => Err(AppError::Store(error)),
    }
}

/// `GET /espace/televerser`: the upload form of a new programme.
pub async fn upload_form(provider: Provider) -> Result<Response, AppError> {
    organisation_of(&provider)?;
    let page = UploadPage {
        token: provider.user.form_token(NEW_UPLOAD_PATH),
        errors: Problems::default(),
        upload: None,
        max_kib: MAX_UPLOAD_BYTES / 1024,
    };
    render(&page, StatusCode::OK)
}

/// `POST /espace/televerser`: a new programme from a declaration file.
pub async fn create_by_upload(
    State(state): State<AppState>,
    provider: Provider,
    request: Request,
) -> Result<Response, AppError> {
    let organisation = organisation_of(&provider)?;
    match save_upload(&state, &provider, organisation, None, request).await? {
        Saved::Done(id) => Ok(Redirect::to(&format!("{}?enregistre=fichier", programme_path(id))).into_response()),
        Saved::Refused { status, errors, upload } => {
            let page = UploadPage {
                token: provider.user.form_token(NEW_UPLOAD_PATH),
                errors,
                upload,
                max_kib: MAX_UPLOAD_BYTES / 1024,
            };
            render(&page, status)
        }
    }
}

/// `POST /espace/formations/{id}/televerser`: a new version of a programme from a file. A refused
/// file leaves the stored version as it was.
pub async fn update_by_upload(
    State(state): State<AppState>,
    provider: Provider,
    Path(id): Path<String>,
    request: Request,
) -> Result<Response, AppError> {
    let programme = own_programme(&state, &provider, &id).await?;
    let (label, _) = application::label_and_history(&state, &programme).await?;
    if let Some(reason) = not_editable(label) {
        return Err(AppError::BadRequest(reason));
    }
    match save_upload(&state, &provider, programme.organisation_id, Some(&programme), request).await? {
        Saved::Done(id) => Ok(Redirect::to(&format!("{}?enregistre=fichier", programme_path(id))).into_response()),
        Saved::Refused { status, errors, upload } => {
            let page = programme_page(&state, &provider, &programme, None, errors, upload).await?;
            render(&page, status)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A programme's page.

/// A move the provider may make, as a button.
struct MoveButton {
    path: String,
    label: &'static str,
    /// Whether the button opens a confirmation page (GET) rather than posting.
    confirm: bool,
    token: String,
}

#[derive(Template)]
#[template(path = "espace-formation.html")]
struct ProgrammePage {
    title: String,
    slug: String,
    state: &'static str,
    state_code: &'static str,
    expires_on: Option<String>,
    updated: String,
    notice: Option<String>,
    report: Result<ReportView, String>,
    history: Vec<HistoryRow>,
    moves: Vec<MoveButton>,
    editable: Option<String>,
    edit_path: String,
    upload_path: String,
    upload_token: String,
    download_path: String,
    /// The public page and the signed label, once public.
    public_path: Option<String>,
    label_path: Option<String>,
    errors: Problems,
    upload: Option<UploadProblems>,
    max_kib: usize,
}

impl ProgrammePage {
    const CURRENT: &'static str = "espace";
}

async fn programme_page(
    state: &AppState,
    provider: &Provider,
    programme: &store::Programme,
    notice: Option<String>,
    errors: Problems,
    upload: Option<UploadProblems>,
) -> Result<ProgrammePage, AppError> {
    let (label, history) = application::label_and_history(state, programme).await?;
    let base = programme_path(programme.id);
    let moves = registry::workflow::allowed_actions(label.state, registry::workflow::Role::Provider)
        .into_iter()
        .filter_map(|action| {
            let (segment, text, confirm) = match action {
                Action::Submit => ("soumettre", "Soumettre pour le label", true),
                Action::Withdraw => ("retirer", "Retirer la demande", true),
                Action::Reopen => ("rouvrir", "Rouvrir une demande", false),
                _ => return None,
            };
            let path = format!("{base}/{segment}");
            Some(MoveButton { token: provider.user.form_token(&path), path, label: text, confirm })
        })
        .collect();
    let upload_path = format!("{base}/televerser");
    let public = catalogue::is_public(programme.label_state);
    let has_label = matches!(label.state, LabelStatus::Granted);
    Ok(ProgrammePage {
        title: programme.title.clone(),
        slug: programme.slug.clone(),
        state: label.state.label(),
        state_code: label.state.code(),
        expires_on: label.expires_on.filter(|_| has_label).map(|date| date.to_string()),
        updated: format_utc(programme.updated_at),
        notice,
        report: application::live_report(state, programme),
        history: application::history_rows(state, &history, false).await?,
        moves,
        editable: not_editable(label),
        edit_path: edit_path(programme.id),
        upload_token: provider.user.form_token(&upload_path),
        upload_path,
        download_path: format!("{base}/declaration.toml"),
        public_path: public.then(|| format!("/formations/{}", programme.id)),
        label_path: has_label.then(|| format!("/formations/{}/label.jwt", programme.id)),
        errors,
        upload,
        max_kib: MAX_UPLOAD_BYTES / 1024,
    })
}

/// Query of a programme's page: what the last action did.
#[derive(Debug, Default, Deserialize)]
pub struct ProgrammeQuery {
    #[serde(default)]
    enregistre: Option<String>,
    #[serde(default)]
    fait: Option<String>,
}

/// `GET /espace/formations/{id}`: the programme, its live report, its label and history.
pub async fn programme(
    State(state): State<AppState>,
    provider: Provider,
    Path(id): Path<String>,
    Query(query): Query<ProgrammeQuery>,
) -> Result<Response, AppError> {
    let programme = own_programme(&state, &provider, &id).await?;
    let notice = match (query.enregistre.as_deref(), query.fait.as_deref()) {
        (Some("formulaire"), _) => {
            Some("Déclaration enregistrée depuis le formulaire. Le rapport ci-dessous est celui de cette version.")
        }
        (Some("fichier"), _) => {
            Some("Déclaration enregistrée depuis le fichier. Le rapport ci-dessous est celui de cette version.")
        }
        (_, Some("submit")) => Some("Demande de label déposée : un instructeur du registre va l'examiner."),
        (_, Some("withdraw")) => {
            Some("Demande retirée : la formation est revenue à l'état de brouillon, vous pouvez la modifier.")
        }
        (_, Some("reopen")) => Some("Nouvelle demande ouverte : la déclaration peut de nouveau être modifiée."),
        _ => None,
    };
    let page =
        programme_page(&state, &provider, &programme, notice.map(str::to_owned), Problems::default(), None).await?;
    render(&page, StatusCode::OK)
}

/// `GET /espace/formations/{id}/declaration.toml`: the stored declaration as a TOML file.
pub async fn download(
    State(state): State<AppState>,
    provider: Provider,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let programme = own_programme(&state, &provider, &id).await?;
    let declaration: serde_json::Value = serde_json::from_str(&programme.declaration)
        .map_err(|error| AppError::Internal(format!("déclaration enregistrée illisible : {error}")))?;
    let header_text = format!(
        "Déclaration de la formation « {} », exportée du registre socle le {}.\nVérifiez-la avec : socle label check {}.toml",
        programme.title.replace(['\n', '\r'], " "),
        Date::today(),
        programme.slug
    );
    let text = toml_out::declaration_toml(&declaration, &header_text);
    let mut response = text.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/toml; charset=utf-8"));
    // The slug is checked by the registry and the store: lower-case letters, digits, `-`, `_`.
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{}.toml\"", programme.slug)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

// ---------------------------------------------------------------------------------------------
// Moves: submit, withdraw, reopen.

#[derive(Template)]
#[template(path = "espace-confirmer.html")]
struct ConfirmPage {
    heading: &'static str,
    title: String,
    programme_path: String,
    explanation: &'static str,
    warnings: Vec<String>,
    action: String,
    token: String,
    button: &'static str,
    /// Whether the form asks for an optional reason.
    with_reason: bool,
}

impl ConfirmPage {
    const CURRENT: &'static str = "espace";
}

async fn confirm_page(state: &AppState, provider: &Provider, id: &str, action: Action) -> Result<Response, AppError> {
    let programme = own_programme(state, provider, id).await?;
    let (label, _) = application::label_and_history(state, &programme).await?;
    if !registry::workflow::allowed_actions(label.state, registry::workflow::Role::Provider).contains(&action) {
        return Err(AppError::BadRequest(format!(
            "« {} » n'est pas possible : la demande est à l'état « {} ». Retournez à la page de la formation.",
            action.label(),
            label.state.label()
        )));
    }
    let mut warnings = Vec::new();
    let (heading, explanation, segment, button) = match action {
        Action::Submit => {
            if let Ok(report) = application::live_report(state, &programme)
                && !report.eligible
            {
                let failed: Vec<&str> =
                    report.criteria.iter().filter(|criterion| criterion.status == "fail").map(|c| c.id).collect();
                warnings.push(format!(
                    "Selon le rapport automatique, la formation n'est pas éligible ({} critère(s) non conforme(s) : {}). \
                     Un instructeur refusera probablement le label ; corrigez la déclaration avant de la déposer si vous le pouvez.",
                    failed.len(),
                    failed.join(", ")
                ));
            }
            (
                "Soumettre pour le label",
                "Un instructeur du registre examinera la déclaration et les pièces. Pendant l'instruction, la déclaration ne peut plus être modifiée, et la formation apparaît dans le registre public avec l'état de sa demande.",
                "soumettre",
                "Confirmer le dépôt de la demande",
            )
        }
        _ => {
            if label.state == LabelStatus::Granted || label.state == LabelStatus::Suspended {
                warnings.push(
                    "La formation détient un label : le retirer y renonce, et le label signé sera révoqué.".to_owned(),
                );
            }
            (
                "Retirer la demande",
                "La demande de label est retirée : elle reste inscrite au registre à l'état « retirée ». Pour modifier la déclaration et la déposer de nouveau, rouvrez ensuite une demande (« Rouvrir une demande »).",
                "retirer",
                "Confirmer le retrait",
            )
        }
    };
    let path = format!("{}/{segment}", programme_path(programme.id));
    let page = ConfirmPage {
        heading,
        title: programme.title.clone(),
        programme_path: programme_path(programme.id),
        explanation,
        warnings,
        token: provider.user.form_token(&path),
        action: path,
        button,
        with_reason: action == Action::Withdraw,
    };
    render(&page, StatusCode::OK)
}

/// `GET /espace/formations/{id}/soumettre`: asks for confirmation.
pub async fn confirm_submit(
    State(state): State<AppState>,
    provider: Provider,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    confirm_page(&state, &provider, &id, Action::Submit).await
}

/// `GET /espace/formations/{id}/retirer`: asks for confirmation.
pub async fn confirm_withdraw(
    State(state): State<AppState>,
    provider: Provider,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    confirm_page(&state, &provider, &id, Action::Withdraw).await
}

/// The optional reason of a withdrawal.
#[derive(Debug, Default, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    motif: String,
}

async fn make_move(
    state: &AppState,
    provider: &Provider,
    id: &str,
    action: Action,
    reason: &str,
) -> Result<Response, AppError> {
    let programme = own_programme(state, provider, id).await?;
    if reason.chars().count() > MAX_FIELD_CHARS {
        return Err(AppError::BadRequest(format!(
            "Motif : {} caractères, {MAX_FIELD_CHARS} au plus sont acceptés. Rien n'a été modifié.",
            reason.chars().count()
        )));
    }
    let reason = Some(reason.trim()).filter(|reason| !reason.is_empty());
    application::decide(state, &programme, action, &provider.user.user, reason).await?;
    tracing::info!(compte = %provider.user.user.id, formation = %programme.id, action = action.code(), "demande de label");
    Ok(Redirect::to(&format!("{}?fait={}", programme_path(programme.id), action.code())).into_response())
}

/// `POST /espace/formations/{id}/soumettre`: submits the draft for the label.
pub async fn submit(
    State(state): State<AppState>,
    provider: Provider,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    make_move(&state, &provider, &id, Action::Submit, "").await
}

/// `POST /espace/formations/{id}/retirer`: withdraws the application (or gives up the label).
pub async fn withdraw(
    State(state): State<AppState>,
    provider: Provider,
    Path(id): Path<String>,
    crate::forms::Form(form): crate::forms::Form<MoveForm>,
) -> Result<Response, AppError> {
    make_move(&state, &provider, &id, Action::Withdraw, &form.motif).await
}

/// `POST /espace/formations/{id}/rouvrir`: opens a new application after a refusal or expiry.
pub async fn reopen(
    State(state): State<AppState>,
    provider: Provider,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    make_move(&state, &provider, &id, Action::Reopen, "").await
}
