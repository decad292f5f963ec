//! One askama template per page, and the handlers that fill them.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use skills::{Competence, Group, LevelInfo, Pillar, PillarInfo, Referentiel};

use crate::error::ApiError;
use crate::{AppError, AppState};

fn render(template: &impl Template) -> Result<Response, AppError> {
    Ok(Html(template.render()?).into_response())
}

/// The French error page used by [`AppError`].
#[derive(Template)]
#[template(path = "erreur.html")]
pub struct ErrorPage<'a> {
    pub title: &'a str,
    pub message: &'a str,
    pub status: u16,
}

impl ErrorPage<'_> {
    /// Error pages belong to no section of the navigation.
    pub const CURRENT: &'static str = "";
}

#[derive(Template)]
#[template(path = "accueil.html")]
struct HomePage<'a> {
    referentiel: &'a Referentiel,
    n_core: usize,
    book_available: bool,
}

impl HomePage<'_> {
    const CURRENT: &'static str = "accueil";
}

/// `GET /`.
pub async fn home(State(state): State<AppState>) -> Result<Response, AppError> {
    let referentiel = &state.referentiel;
    let n_core = referentiel.competences.iter().filter(|competence| competence.core).count();
    render(&HomePage { referentiel, n_core, book_available: state.book_dir.is_some() })
}

/// Query of `/referentiel`: every field optional, all validated.
#[derive(Debug, Default, Deserialize)]
pub struct ReferentielQuery {
    /// Free text.
    #[serde(default)]
    q: String,
    /// Pillar code, or empty for all.
    #[serde(default)]
    pilier: String,
    /// `commun`, `specialisation`, or empty for both.
    #[serde(default)]
    tronc: String,
}

struct GroupView<'a> {
    group: &'a Group,
    competences: Vec<&'a Competence>,
}

struct PillarView<'a> {
    pillar: &'a PillarInfo,
    groups: Vec<GroupView<'a>>,
    count: usize,
}

#[derive(Template)]
#[template(path = "referentiel.html")]
struct ReferentielPage<'a> {
    referentiel: &'a Referentiel,
    pillars: Vec<PillarView<'a>>,
    query: &'a ReferentielQuery,
    n_shown: usize,
    filtered: bool,
}

impl ReferentielPage<'_> {
    const CURRENT: &'static str = "referentiel";

    fn sector_label(&self, id: &str) -> String {
        self.referentiel.sector(id).map_or_else(|| id.to_owned(), |sector| sector.label.fr.clone())
    }
}

/// `GET /referentiel`: every competence grouped by pillar and group, filtered by the query.
pub async fn referentiel(
    State(state): State<AppState>,
    Query(query): Query<ReferentielQuery>,
) -> Result<Response, AppError> {
    let referentiel = &state.referentiel;
    let pillar_filter = match query.pilier.as_str() {
        "" => None,
        code => Some(Pillar::from_code(code).ok_or_else(|| {
            AppError::BadRequest(format!(
                "Le pilier « {code} » n'existe pas. Valeurs acceptées : INF, MST, MET, TRV, PRJ, ou vide pour tous."
            ))
        })?),
    };
    let core_filter = match query.tronc.as_str() {
        "" => None,
        "commun" => Some(true),
        "specialisation" => Some(false),
        other => {
            return Err(AppError::BadRequest(format!(
                "Le filtre « {other} » n'existe pas. Valeurs acceptées : commun, specialisation, ou vide pour les deux."
            )));
        }
    };
    if query.q.chars().count() > 200 {
        return Err(AppError::BadRequest("La recherche dépasse 200 caractères ; raccourcissez-la.".to_owned()));
    }
    let folded_query = skills::fold(query.q.trim());
    let keep = |competence: &Competence| {
        pillar_filter.is_none_or(|pillar| competence.pillar == pillar)
            && core_filter.is_none_or(|core| competence.core == core)
            && competence.matches(&folded_query)
    };
    let mut n_shown = 0;
    let mut pillars = Vec::new();
    for pillar in &referentiel.pillars {
        let mut groups = Vec::new();
        for group in referentiel.groups.iter().filter(|group| group.pillar == pillar.id) {
            let competences: Vec<&Competence> =
                referentiel.competences_in_group(&group.id).filter(|competence| keep(competence)).collect();
            if !competences.is_empty() {
                groups.push(GroupView { group, competences });
            }
        }
        let count = groups.iter().map(|group| group.competences.len()).sum();
        n_shown += count;
        if count > 0 {
            pillars.push(PillarView { pillar, groups, count });
        }
    }
    let filtered = pillar_filter.is_some() || core_filter.is_some() || !folded_query.is_empty();
    render(&ReferentielPage { referentiel, pillars, query: &query, n_shown, filtered })
}

#[derive(Template)]
#[template(path = "competence.html")]
struct CompetencePage<'a> {
    competence: &'a Competence,
    group: Option<&'a Group>,
    pillar: Option<&'a PillarInfo>,
    sector: Option<String>,
    levels: Vec<(&'a LevelInfo, &'a str)>,
    edsf: Vec<(String, String)>,
    weights: Vec<(&'static str, &'a str, u32)>,
}

impl CompetencePage<'_> {
    const CURRENT: &'static str = "referentiel";
}

fn find_competence<'a>(referentiel: &'a Referentiel, id: &str) -> Result<&'a Competence, AppError> {
    referentiel.competence(id).ok_or_else(|| {
        AppError::NotFound(format!(
            "La compétence « {id} » n'existe pas dans le référentiel {}. Les identifiants ont la forme DS.<PILIER>.<nn>, par exemple DS.MST.06.",
            referentiel.version
        ))
    })
}

/// `GET /referentiel/{id}`.
pub async fn competence(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, AppError> {
    let referentiel = &state.referentiel;
    let competence = find_competence(referentiel, &id)?;
    let levels = referentiel.levels.iter().map(|info| (info, competence.level(info.id))).collect();
    let edsf = competence
        .crosswalk
        .edsf
        .iter()
        .map(|edsf_id| (edsf_id.clone(), skills::edsf_definition(edsf_id).unwrap_or_default()))
        .collect();
    let weights = Pillar::DISCIPLINARY
        .iter()
        .map(|pillar| {
            // Pillar names are référentiel data, like every other label.
            let label = referentiel.pillar(*pillar).map_or("", |info| info.label.fr.as_str());
            (pillar.code(), label, (competence.weights.get(*pillar) * 100.0).round() as u32)
        })
        .collect();
    render(&CompetencePage {
        competence,
        group: referentiel.group(&competence.group),
        pillar: referentiel.pillar(competence.pillar),
        sector: competence
            .sector
            .as_deref()
            .map(|id| referentiel.sector(id).map_or_else(|| id.to_owned(), |sector| sector.label.fr.clone())),
        levels,
        edsf,
        weights,
    })
}

/// `GET /referentiel/export/{format}`: a download in one of the export formats.
pub async fn export(State(state): State<AppState>, Path(format): Path<String>) -> Result<Response, AppError> {
    let Some(parsed) = skills::export::Format::from_name(&format) else {
        return Err(AppError::NotFound(format!(
            "Le format d'export « {format} » n'existe pas. Formats acceptés : json, case, moodle-csv, openedx-csv."
        )));
    };
    let extension = if parsed.media_type().starts_with("text/csv") { "csv" } else { "json" };
    let file_name = format!("referentiel-{}-{}.{extension}", state.referentiel.version, parsed.name());
    let body = skills::export::render(&state.referentiel, parsed);
    Ok((
        [
            (header::CONTENT_TYPE, parsed.media_type().to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
        ],
        body,
    )
        .into_response())
}

/// `GET /api/referentiel`.
pub async fn api_referentiel(State(state): State<AppState>) -> axum::Json<serde_json::Value> {
    axum::Json(skills::export::json(&state.referentiel))
}

/// `GET /api/referentiel/{id}`.
pub async fn api_competence(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    let competence = find_competence(&state.referentiel, &id).map_err(ApiError)?;
    Ok(axum::Json(skills::export::competence_json(competence)))
}

/// `GET /healthz`.
pub async fn healthz(State(state): State<AppState>) -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({
        "status": "ok",
        "referentiel": state.referentiel.version,
        "competences": state.referentiel.competences.len(),
    }))
}

/// Anything else: a French 404 page.
pub async fn not_found(uri: axum::http::Uri) -> AppError {
    AppError::NotFound(format!("Aucune page ne répond à l'adresse « {} ».", uri.path()))
}

/// `GET /cours/` when the book was not built.
pub async fn book_missing() -> AppError {
    AppError::NotFound(
        "Le livre du cours n'est pas construit sur ce serveur. Lancez « socle book build » depuis le dossier du dépôt, ou « socle serve » qui le construit au démarrage."
            .to_owned(),
    )
}
