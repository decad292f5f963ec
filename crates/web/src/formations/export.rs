//! The registry's machine-readable answers: the JSON API (`/api/formations`, the same filters as
//! the page; `/api/formations/{id}`), the CSV of every public programme (streamed), and the
//! signed label's public endpoints: the credential itself, the registry's key set, the issuer's
//! profile and each credential's revocation status.

use std::convert::Infallible;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use registry::credential::{self, CredentialId};
use serde_json::{Value, json};
use store::{LabelState, ProgrammeFilter};

use super::query::SearchParams;
use super::view;
use super::{Facets, competence_answer, page_count, run_search};
use crate::catalogue::{self, PUBLIC_STATES};
use crate::error::ApiError;
use crate::session::CurrentUser;
use crate::{AppError, AppState};

fn facet_json(options: &[super::FacetOption]) -> Value {
    Value::Array(
        options
            .iter()
            .map(|option| {
                json!({ "value": option.value, "label": option.label, "count": option.count, "selected": option.selected })
            })
            .collect(),
    )
}

/// `GET /api/formations`: the same search as `/formations`, as JSON: total, page, results,
/// facets with counts, and links to the neighbouring pages.
pub async fn api_search(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Json<Value>, ApiError> {
    let params =
        SearchParams::parse(raw.as_deref(), &state.referentiel).map_err(|m| ApiError(AppError::BadRequest(m)))?;
    let results = run_search(&state, &params).map_err(ApiError)?;
    let pages = page_count(results.total, params.per_page);
    let facets = Facets::new(&state.referentiel, &results.facets, &params);
    let absolute = |page: usize| format!("{}{}", state.base_url, params.href("/api/formations", page));
    let hits: Vec<Value> = results
        .hits
        .iter()
        .map(|hit| {
            let state_label = LabelState::from_code(&hit.label_status).map(view::state_label);
            json!({
                "id": hit.id,
                "url": format!("{}/formations/{}", state.base_url, hit.id),
                "api": format!("{}/api/formations/{}", state.base_url, hit.id),
                "title": hit.title,
                "provider": hit.provider,
                "city": (!hit.city.is_empty()).then_some(&hit.city),
                "region": registry::region_name(&hit.region).map(|name| json!({ "code": hit.region, "name": name })),
                "diploma": { "code": hit.diploma, "label": registry::Diploma::from_code(&hit.diploma).map(|d| d.label()) },
                "level": hit.level,
                "modalities": hit.modalities,
                "label_status": { "code": hit.label_status, "label": state_label },
                "eligible": hit.eligible,
                "example": hit.example,
                "updated": hit.updated,
                "competence_level": hit.competence_level.map(|level| format!("N{level}")),
                "snippet": { "text": hit.snippet.text, "html": hit.snippet.html() },
            })
        })
        .collect();
    Ok(Json(json!({
        "total": results.total,
        "page": params.page,
        "per_page": params.per_page,
        "pages": pages,
        "answer": competence_answer(&state.referentiel, &params, results.total),
        "results": hits,
        "facets": {
            "niveau": facet_json(&facets.levels),
            "diplome": facet_json(&facets.diplomas),
            "region": facet_json(&facets.regions),
            "modalite": facet_json(&facets.modalities),
            "statut": facet_json(&facets.statuses),
            "competence": facet_json(&facets.competences),
            "exemples": { "oui": results.facets.example.yes, "non": results.facets.example.no },
            "eligible": { "oui": results.facets.eligible.yes, "non": results.facets.eligible.no },
        },
        "links": {
            "self": absolute(params.page),
            "first": absolute(1),
            "last": absolute(pages),
            "prev": (params.page > 1).then(|| absolute(params.page - 1)),
            "next": (params.page < pages).then(|| absolute(params.page + 1)),
            "page": format!("{}{}", state.base_url, params.href("/formations", params.page)),
        },
    })))
}

/// `GET /api/formations/{id}`: a programme's declaration, criteria report and label.
pub async fn api_programme(
    State(state): State<AppState>,
    Path(id): Path<String>,
    viewer: Option<CurrentUser>,
) -> Result<Json<Value>, ApiError> {
    let viewer = viewer.as_ref().map(|viewer| &viewer.user);
    let programme = view::visible_programme(&state, &id, viewer).await.map_err(ApiError)?;
    let label = view::label_view(&state, &programme).await.map_err(ApiError)?;
    let credentials = state.store.credentials_of_programme(programme.id).await.map_err(|e| ApiError(e.into()))?;
    let latest = credentials.last().filter(|_| label.granted_on.is_some());
    let history = view::history(&state, programme.id).await.map_err(ApiError)?;
    let declaration: Value = serde_json::from_str(&programme.declaration).unwrap_or(Value::Null);
    let report: Value = serde_json::from_str(&programme.report).unwrap_or(Value::Null);
    Ok(Json(json!({
        "id": programme.id.0,
        "url": catalogue::programme_url(&state.base_url, programme.id),
        "example": programme.example,
        "public": catalogue::is_public(programme.label_state),
        "label": {
            "status": programme.label_state.code(),
            "label": label.label,
            "valid_from": latest.map(|credential| timestamp(credential.issued_at)),
            "valid_until": latest.map(|credential| timestamp(credential.valid_until)),
            "credential": label.credential.as_ref().map(|credential| json!({
                "id": credential.id,
                "download": format!("{}{}", state.base_url, credential.download),
                "status": credential.status_url,
            })),
            "revoked": label.revoked.as_ref().map(|(date, reason)| json!({ "date": date, "reason": reason })),
        },
        "history": history.iter().map(|row| json!({
            "date": row.date, "change": row.change, "actor": row.actor, "reason": row.reason,
        })).collect::<Vec<_>>(),
        "declaration": declaration,
        "report": report,
    })))
}

fn timestamp(unix_seconds: i64) -> String {
    registry::Timestamp { unix_seconds }.to_string()
}

/// The CSV's columns, in order.
const CSV_HEADERS: [&str; 23] = [
    "identifiant",
    "intitulé",
    "organisme",
    "type de diplôme",
    "niveau RNCP",
    "code RNCP ou RS",
    "code région",
    "région",
    "ville",
    "modalités",
    "langue",
    "ECTS",
    "heures",
    "semestres",
    "alternance",
    "part de praticiens",
    "statut du label",
    "éligibilité",
    "critères non conformes",
    "exemple fictif",
    "mise à jour",
    "page de la formation",
    "page du registre",
];

/// A cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a tab or carriage
/// return first) is prefixed with an apostrophe, so that it is shown as text and never run.
pub fn csv_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() }
}

/// One CSV line (with its line break).
fn csv_line(cells: &[String]) -> Bytes {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let cells: Vec<String> = cells.iter().map(|cell| csv_cell(cell)).collect();
    // Writing to memory cannot fail.
    let _ = writer.write_record(&cells);
    Bytes::from(writer.into_inner().unwrap_or_default())
}

fn yes_no(value: bool) -> String {
    if value { "oui" } else { "non" }.to_owned()
}

/// The CSV line of one programme.
fn programme_line(state: &AppState, programme: &store::Programme) -> Bytes {
    let report = view::report_view(&programme.report);
    let url = catalogue::programme_url(&state.base_url, programme.id);
    let declaration = match catalogue::read_declaration(&state.referentiel, programme) {
        Ok(declaration) => declaration,
        Err(error) => {
            tracing::error!(formation = %programme.id, "export CSV : {error}");
            let mut cells = vec![String::new(); CSV_HEADERS.len()];
            cells[0] = programme.id.to_string();
            cells[1] = programme.title.clone();
            cells[16] = view::state_label(programme.label_state).to_owned();
            cells[22] = url;
            return csv_line(&cells);
        }
    };
    let declared = &declaration.programme;
    let optional = |value: Option<String>| value.unwrap_or_default();
    csv_line(&[
        programme.id.to_string(),
        declared.title.clone(),
        declared.provider.clone(),
        declared.diploma.label().to_owned(),
        optional(declared.level.map(|level| level.to_string())),
        optional(declared.rncp.clone().or_else(|| declared.rs.clone())),
        optional(declared.region.clone()),
        optional(declared.region.as_deref().and_then(registry::region_name).map(str::to_owned)),
        optional(declared.city.clone()),
        declared.modality.iter().map(|modality| modality.label()).collect::<Vec<_>>().join(", "),
        catalogue::language_name(&declared.language),
        optional(declared.total_ects.map(registry::fr::number)),
        optional(declared.total_hours.map(registry::fr::number)),
        optional(declared.semesters.map(|semesters| semesters.to_string())),
        yes_no(declared.apprenticeship),
        optional(declared.practitioner_share.map(registry::fr::percent)),
        view::state_label(programme.label_state).to_owned(),
        if report.eligible { "éligible" } else { "non éligible" }.to_owned(),
        report.failed.join(", "),
        yes_no(programme.example),
        declared.updated.to_string(),
        optional(declared.public_url.clone()),
        url,
    ])
}

/// `GET /formations.csv`: every public programme, one line each, French headers. The body is
/// streamed: each line is written when the client is ready for it.
pub async fn csv_export(State(state): State<AppState>) -> Result<Response, AppError> {
    let filter = ProgrammeFilter { label_states: PUBLIC_STATES.to_vec(), ..ProgrammeFilter::default() };
    let programmes = state.store.programmes(&filter).await?;
    let header = csv_line(&CSV_HEADERS.map(str::to_owned));
    let lines = programmes.into_iter().map(move |programme| Ok::<_, Infallible>(programme_line(&state, &programme)));
    let stream = futures_util::stream::iter(std::iter::once(Ok(header)).chain(lines));
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"formations.csv\""));
    Ok(response)
}

/// `GET /formations/{id}/label.jwt`: the signed label of a programme whose label holds now.
pub async fn credential_jwt(
    State(state): State<AppState>,
    Path(id): Path<String>,
    viewer: Option<CurrentUser>,
) -> Result<Response, AppError> {
    let programme = view::visible_programme(&state, &id, viewer.as_ref().map(|viewer| &viewer.user)).await?;
    let current = if programme.label_state == LabelState::Granted {
        state.store.current_credential(programme.id, store::unix_now()).await?
    } else {
        None
    };
    let credential = current.ok_or_else(|| {
        AppError::NotFound(format!(
            "La formation {} n'a pas de label signé en cours de validité (son label est à l'état « {} »).",
            programme.id,
            view::state_label(programme.label_state)
        ))
    })?;
    let disposition = format!("attachment; filename=\"label-formation-{}.jwt\"", programme.id);
    Ok((
        [(header::CONTENT_TYPE, "application/jwt".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
        credential.jwt,
    )
        .into_response())
}

/// `GET /.well-known/jwks.json`: the registry's public key as a JWK Set.
pub async fn jwks(State(state): State<AppState>) -> Json<Value> {
    Json(credential::jwks(&[*state.signing_key.public_key()]))
}

/// `GET /label/emetteur`: the issuer's profile, as in every credential.
pub async fn issuer(State(state): State<AppState>) -> Json<Value> {
    let mut profile = credential::issuer_profile(state.signing_key.public_key(), &state.base_url);
    if let Some(object) = profile.as_object_mut() {
        object.insert("@context".to_owned(), json!([credential::VC_CONTEXT, credential::OB_CONTEXT]));
        object.insert("publicKey".to_owned(), state.signing_key.public_key().jwk());
    }
    Json(profile)
}

/// `GET /label/statut/{credential_id}`: the revocation list (Open Badges' `1EdTechRevocationList`
/// method) of one credential: empty while it holds, the credential and its reason once revoked.
pub async fn revocation_status(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let not_found = || {
        ApiError(AppError::NotFound(format!(
            "Aucun label délivré par ce registre ne porte l'identifiant « {raw} » (attendu : l'identifiant UUID du \
             label, en minuscules, tel qu'il figure dans son credentialStatus)."
        )))
    };
    let id = CredentialId::parse(&raw).ok_or_else(not_found)?;
    let stored = state.store.credential(&id.urn()).await.map_err(|e| ApiError(e.into()))?.ok_or_else(not_found)?;
    let revoked: Vec<Value> = match (stored.revoked_at, &stored.revocation_reason) {
        (Some(at), reason) => vec![json!({
            "id": stored.id,
            "revocationReason": reason.clone().unwrap_or_default(),
            "revokedAt": timestamp(at),
        })],
        (None, _) => Vec::new(),
    };
    Ok(Json(json!({
        "id": id.status_url(&state.base_url),
        "issuer": state.signing_key.public_key().did(),
        "revokedCredentials": revoked,
    })))
}
