//! The observatory's machine-readable answers: every indicator as CSV, JSON, NDJSON or Parquet
//! (`/observatoire/indicateurs/{id}.{format}`), every search result set in the same formats,
//! streamed without a row cap (`/observatoire/recherche.{format}`), the JSON API
//! (`/api/observatoire/…`, the same data as the pages) and its OpenAPI document.

use std::io::Write;
use std::ops::ControlFlow;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use indicators::{Cell, CellKind, Definition, ParquetRows, Table};
use search::observatory::{RecordHit, RecordQuery};
use serde_json::{Map, Value, json};

use super::params::{KINDS, Params, kind_code};
use super::{compute, run_search, view};
use crate::error::ApiError;
use crate::{AppError, AppState};

/// The download formats: extension and French label.
pub const FORMATS: [(&str, &str); 4] = [("csv", "CSV"), ("json", "JSON"), ("ndjson", "NDJSON"), ("parquet", "Parquet")];

/// A download format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Csv,
    Json,
    Ndjson,
    Parquet,
}

impl Format {
    fn parse(extension: &str) -> Option<Format> {
        match extension {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "ndjson" => Some(Format::Ndjson),
            "parquet" => Some(Format::Parquet),
            _ => None,
        }
    }

    fn media_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
            Format::Ndjson => "application/x-ndjson",
            Format::Parquet => "application/vnd.apache.parquet",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
            Format::Parquet => "parquet",
        }
    }
}

fn download(format: Format, name: &str, body: Body) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.media_type()));
    let disposition = format!("attachment; filename=\"{name}.{}\"", format.extension());
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// A cell as JSON.
fn cell_json(cell: &Cell) -> Value {
    match cell {
        Cell::Text(text) => Value::String(text.clone()),
        Cell::Int(value) => json!(value),
        Cell::Float(value) if value.is_finite() => json!(value),
        Cell::Float(_) | Cell::Null => Value::Null,
    }
}

/// A cell as CSV text (numbers with a point, as every tool reads them; null empty).
fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) => text.clone(),
        Cell::Int(value) => value.to_string(),
        Cell::Float(value) if value.is_finite() => value.to_string(),
        Cell::Float(_) | Cell::Null => String::new(),
    }
}

fn row_object(table: &Table, row: &[Cell]) -> Value {
    let mut object = Map::new();
    for (column, cell) in table.columns.iter().zip(row) {
        object.insert(column.name.clone(), cell_json(cell));
    }
    Value::Object(object)
}

fn filters_json(params: &Params) -> Value {
    json!({
        "de": params.from,
        "a": params.to,
        "region": params.regions,
        "secteur": params.sectors,
        "contrat": params.contracts,
        "competence": params.competences,
    })
}

/// An indicator with its table, as JSON.
fn indicator_json(state: &AppState, definition: &Definition, table: &Table, params: &Params) -> Value {
    let filters = params.filter_query();
    json!({
        "indicateur": {
            "id": definition.id,
            "titre": definition.title,
            "definition": definition.definition,
            "unite": definition.unit,
            "theme": definition.theme.code(),
            "dimensions": definition.dimensions.iter().map(|dimension| dimension.code()).collect::<Vec<_>>(),
            "methode": definition.method,
            "source": definition.source,
            "url_methode": format!("{}/observatoire/methode#{}", state.base_url, definition.id),
        },
        "filtres": filters_json(params),
        "permalien": format!("{}/observatoire/{}{filters}#{}", state.base_url, definition.theme.code(), definition.id),
        "colonnes": table.columns.iter().map(|column| json!({ "nom": column.name, "libelle": column.label, "unite": column.unit })).collect::<Vec<_>>(),
        "lignes": table.rows.iter().map(|row| row_object(table, row)).collect::<Vec<_>>(),
        "problemes": table.problems,
    })
}

async fn one_indicator(state: &AppState, id: &str, params: &Params) -> Result<(Definition, Table), AppError> {
    if state.observatory.catalogue.get(id).is_none() {
        let known: Vec<&str> =
            state.observatory.catalogue.indicators.iter().map(|definition| definition.id.as_str()).collect();
        return Err(AppError::NotFound(format!(
            "L'indicateur « {id} » n'existe pas. Indicateurs publiés : {}.",
            known.join(", ")
        )));
    }
    let mut computed = compute(state, vec![id.to_owned()], params).await?;
    computed.pop().ok_or_else(|| AppError::Internal("indicateur non calculé".to_owned()))
}

/// `GET /observatoire/indicateurs/{id}.{format}`: one indicator's table with the page's
/// filters, as a file.
pub async fn indicator_export(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let (id, format) =
        file.rsplit_once('.').and_then(|(id, extension)| Some((id, Format::parse(extension)?))).ok_or_else(|| {
            AppError::NotFound(format!(
                "« {file} » n'est pas un export d'indicateur : attendu IDENTIFIANT.csv, .json, .ndjson ou .parquet."
            ))
        })?;
    let params = Params::parse(raw.as_deref(), &state.referentiel).map_err(AppError::BadRequest)?;
    let (definition, table) = one_indicator(&state, id, &params).await?;
    let body = match format {
        Format::Json => Body::from(
            serde_json::to_vec_pretty(&indicator_json(&state, &definition, &table, &params))
                .map_err(|error| AppError::Internal(error.to_string()))?,
        ),
        Format::Ndjson => {
            let mut out = Vec::new();
            for row in &table.rows {
                serde_json::to_writer(&mut out, &row_object(&table, row))
                    .map_err(|error| AppError::Internal(error.to_string()))?;
                out.push(b'\n');
            }
            Body::from(out)
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            let header: Vec<&str> = table.columns.iter().map(|column| column.name.as_str()).collect();
            let written = writer
                .write_record(&header)
                .and_then(|()| table.rows.iter().try_for_each(|row| writer.write_record(row.iter().map(cell_text))));
            written.map_err(|error| AppError::Internal(error.to_string()))?;
            Body::from(writer.into_inner().map_err(|error| AppError::Internal(error.to_string()))?)
        }
        Format::Parquet => {
            let mut out = Vec::new();
            table.write_parquet(&mut out).map_err(|error| AppError::Internal(error.to_string()))?;
            Body::from(out)
        }
    };
    Ok(download(format, &format!("observatoire-{id}"), body))
}

/// The columns of a search export.
const HIT_COLUMNS: [(&str, CellKind); 18] = [
    ("type", CellKind::Text),
    ("id", CellKind::Text),
    ("titre", CellKind::Text),
    ("date", CellKind::Text),
    ("mois", CellKind::Text),
    ("organisation", CellKind::Text),
    ("financeur", CellKind::Text),
    ("region_code", CellKind::Text),
    ("region", CellKind::Text),
    ("contrat", CellKind::Text),
    ("secteur", CellKind::Text),
    ("competences", CellKind::Text),
    ("montant", CellKind::Float),
    ("devise", CellKind::Text),
    ("salaire_min", CellKind::Float),
    ("salaire_max", CellKind::Float),
    ("salaire_periode", CellKind::Text),
    ("source_url", CellKind::Text),
];

fn text(value: Option<&str>) -> Cell {
    value.map_or(Cell::Null, |value| Cell::Text(value.to_owned()))
}

fn number(value: Option<f64>) -> Cell {
    value.filter(|value| value.is_finite()).map_or(Cell::Null, Cell::Float)
}

/// A hit as a row of [`HIT_COLUMNS`].
fn hit_row(hit: &RecordHit) -> Vec<Cell> {
    let period = hit.salary.as_ref().map(|salary| match salary.period {
        records::SalaryPeriod::Year => "year",
        records::SalaryPeriod::Month => "month",
        records::SalaryPeriod::Day => "day",
        records::SalaryPeriod::Hour => "hour",
    });
    let currency = hit
        .amount
        .as_ref()
        .map(|amount| amount.currency.as_str())
        .or(hit.salary.as_ref().map(|salary| salary.currency.as_str()));
    vec![
        Cell::Text(kind_code(hit.kind).to_owned()),
        Cell::Text(hit.id.clone()),
        Cell::Text(hit.title.clone()),
        text(hit.date.as_deref()),
        text(hit.month.as_deref()),
        text(hit.organisation.as_deref()),
        text(hit.funder.as_deref()),
        text(hit.region.as_deref()),
        text(hit.region.as_deref().and_then(records::geo::region_name)),
        text(hit.contract.map(records::Contract::as_str)),
        text(hit.sector.as_deref()),
        if hit.competences.is_empty() { Cell::Null } else { Cell::Text(hit.competences.join(";")) },
        number(hit.amount.as_ref().map(|amount| amount.value)),
        text(currency),
        number(hit.salary.as_ref().and_then(|salary| salary.min)),
        number(hit.salary.as_ref().and_then(|salary| salary.max)),
        text(period),
        Cell::Text(hit.source_url.clone()),
    ]
}

fn hit_object(row: &[Cell]) -> Value {
    let mut object = Map::new();
    for ((name, _), cell) in HIT_COLUMNS.iter().zip(row) {
        object.insert((*name).to_owned(), cell_json(cell));
    }
    Value::Object(object)
}

/// Bytes written by the exporting thread, sent to the response in chunks; the channel's small
/// capacity makes the thread wait for a slow client instead of piling up rows.
struct ChannelWriter {
    sender: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    buffer: Vec<u8>,
}

/// Bytes gathered before a chunk is sent.
const CHUNK_BYTES: usize = 64 * 1024;
/// Chunks waiting for the client, at most.
const CHUNKS_IN_FLIGHT: usize = 4;

impl ChannelWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK_BYTES)));
        self.sender
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "le client a fermé la connexion"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK_BYTES {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// Writes every hit of `query` in `format` to `out`.
fn write_hits(
    index: &search::observatory::RecordIndex,
    query: &RecordQuery,
    format: Format,
    out: &mut ChannelWriter,
) -> Result<(), String> {
    let mut failure: Option<String> = None;
    let stop = |error: String, failure: &mut Option<String>| {
        *failure = Some(error);
        ControlFlow::Break(())
    };
    match format {
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(&mut *out);
            writer.write_record(HIT_COLUMNS.iter().map(|(name, _)| *name)).map_err(|error| error.to_string())?;
            index
                .for_each_hit(query, |hit| match writer.write_record(hit_row(&hit).iter().map(cell_text)) {
                    Ok(()) => ControlFlow::Continue(()),
                    Err(error) => stop(error.to_string(), &mut failure),
                })
                .map_err(|error| error.to_string())?;
            writer.flush().map_err(|error| error.to_string())?;
        }
        Format::Ndjson | Format::Json => {
            let json = format == Format::Json;
            if json {
                out.write_all(b"[\n").map_err(|error| error.to_string())?;
            }
            let mut first = true;
            index
                .for_each_hit(query, |hit| {
                    let separator: &[u8] = if json && !first { b",\n" } else { b"" };
                    first = false;
                    let written = out
                        .write_all(separator)
                        .and_then(|()| {
                            serde_json::to_writer(&mut *out, &hit_object(&hit_row(&hit))).map_err(std::io::Error::other)
                        })
                        .and_then(|()| if json { Ok(()) } else { out.write_all(b"\n") });
                    match written {
                        Ok(()) => ControlFlow::Continue(()),
                        Err(error) => stop(error.to_string(), &mut failure),
                    }
                })
                .map_err(|error| error.to_string())?;
            if json {
                out.write_all(b"\n]\n").map_err(|error| error.to_string())?;
            }
        }
        Format::Parquet => {
            let mut rows = ParquetRows::new(&mut *out, &HIT_COLUMNS).map_err(|error| error.to_string())?;
            index
                .for_each_hit(query, |hit| match rows.push(hit_row(&hit)) {
                    Ok(()) => ControlFlow::Continue(()),
                    Err(error) => stop(error.to_string(), &mut failure),
                })
                .map_err(|error| error.to_string())?;
            if failure.is_none() {
                rows.finish().map_err(|error| error.to_string())?;
            }
        }
    }
    if let Some(failure) = failure {
        return Err(failure);
    }
    out.flush().map_err(|error| error.to_string())
}

/// `GET /observatoire/recherche.{format}`: every record of the search (words, period, filters,
/// facets; not the page), streamed.
async fn search_export(state: AppState, raw: Option<String>, format: Format) -> Result<Response, AppError> {
    let params = Params::parse(raw.as_deref(), &state.referentiel).map_err(AppError::BadRequest)?;
    let query = params.query();
    let index = state.observatory.index.clone();
    let (sender, receiver) = tokio::sync::mpsc::channel(CHUNKS_IN_FLIGHT);
    tokio::task::spawn_blocking(move || {
        let mut out = ChannelWriter { sender: sender.clone(), buffer: Vec::with_capacity(CHUNK_BYTES) };
        if let Err(error) = write_hits(&index, &query, format, &mut out) {
            tracing::warn!("export de la recherche de l'observatoire interrompu : {error}");
            // The client sees a broken download rather than a complete-looking truncated file.
            let _ = sender.blocking_send(Err(std::io::Error::other(error)));
        }
    });
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    });
    Ok(download(format, "observatoire-recherche", Body::from_stream(stream)))
}

/// `GET /observatoire/recherche.csv`.
pub async fn search_csv(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    search_export(state, raw, Format::Csv).await
}

/// `GET /observatoire/recherche.json`.
pub async fn search_json(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    search_export(state, raw, Format::Json).await
}

/// `GET /observatoire/recherche.ndjson`.
pub async fn search_ndjson(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    search_export(state, raw, Format::Ndjson).await
}

/// `GET /observatoire/recherche.parquet`.
pub async fn search_parquet(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    search_export(state, raw, Format::Parquet).await
}

/// `GET /api/observatoire`: what the API offers.
pub async fn api_index(State(state): State<AppState>) -> Json<Value> {
    let base = &state.base_url;
    Json(json!({
        "indicateurs": state.observatory.catalogue.indicators.iter().map(|definition| json!({
            "id": definition.id,
            "titre": definition.title,
            "theme": definition.theme.code(),
            "unite": definition.unit,
            "url": format!("{base}/api/observatoire/indicateurs/{}", definition.id),
            "exports": FORMATS.iter().map(|(extension, _)| format!("{base}/observatoire/indicateurs/{}.{extension}", definition.id)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "chiffres_cles": format!("{base}/api/observatoire/chiffres-cles"),
        "recherche": format!("{base}/api/observatoire/recherche"),
        "openapi": format!("{base}/api/observatoire/openapi.json"),
        "methode": format!("{base}/observatoire/methode"),
    }))
}

/// `GET /api/observatoire/indicateurs/{id}`: one indicator, as its JSON export.
pub async fn api_indicator(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params =
        Params::parse(raw.as_deref(), &state.referentiel).map_err(|message| ApiError(AppError::BadRequest(message)))?;
    let (definition, table) = one_indicator(&state, &id, &params).await.map_err(ApiError)?;
    Ok(Json(indicator_json(&state, &definition, &table, &params)))
}

/// `GET /api/observatoire/chiffres-cles`.
pub async fn api_key_figures(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Json<Value>, ApiError> {
    let params =
        Params::parse(raw.as_deref(), &state.referentiel).map_err(|message| ApiError(AppError::BadRequest(message)))?;
    let observatory = state.observatory.clone();
    let filters = params.filters();
    let figures = super::blocking(move || {
        observatory
            .engine()
            .key_figures(&filters)
            .map_err(|error| AppError::Internal(format!("chiffres clés : {error}")))
    })
    .await
    .map_err(ApiError)?;
    Ok(Json(json!({
        "filtres": filters_json(&params),
        "chiffres": figures.iter().map(|figure| json!({
            "id": figure.id,
            "libelle": figure.label,
            "valeur": figure.value,
            "unite": figure.unit,
            "precedent": figure.previous,
            "evolution_pourcent": figure.change_percent,
            "periode": figure.period,
        })).collect::<Vec<_>>(),
    })))
}

fn facet_json(counts: &[search::FacetCount], label: impl Fn(&str) -> Option<String>) -> Value {
    Value::Array(
        counts
            .iter()
            .map(|count| json!({ "valeur": count.value, "libelle": label(&count.value), "nombre": count.count }))
            .collect(),
    )
}

/// `GET /api/observatoire/recherche`: the search page as JSON (one page of hits, the facets and
/// the month histogram).
pub async fn api_search(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Json<Value>, ApiError> {
    let params =
        Params::parse(raw.as_deref(), &state.referentiel).map_err(|message| ApiError(AppError::BadRequest(message)))?;
    let results = run_search(&state, &params).await.map_err(ApiError)?;
    let base = &state.base_url;
    let referentiel = &state.referentiel;
    let hits: Vec<Value> = results
        .hits
        .iter()
        .map(|hit| {
            let mut object = hit_object(&hit_row(hit));
            if let Value::Object(map) = &mut object {
                map.insert("score".to_owned(), json!(hit.score));
                map.insert("extrait".to_owned(), json!({ "texte": hit.snippet.text, "html": hit.snippet.html() }));
            }
            object
        })
        .collect();
    let kinds: Vec<search::FacetCount> = results
        .facets
        .kinds
        .iter()
        .filter_map(|count| {
            records::Kind::parse(&count.value)
                .map(|kind| search::FacetCount { value: kind_code(kind).to_owned(), count: count.count })
        })
        .collect();
    let pages = (results.total as usize).div_ceil(params.per_page).max(1);
    Ok(Json(json!({
        "total": results.total,
        "page": params.page,
        "par_page": params.per_page,
        "pages": pages,
        "permalien": format!("{base}{}", params.href("/observatoire/recherche")),
        "exports": FORMATS.iter().map(|(extension, _)| format!("{base}{}", Params { page: 1, ..params.clone() }.href(&format!("/observatoire/recherche.{extension}")))).collect::<Vec<_>>(),
        "resultats": hits,
        "facettes": {
            "type": facet_json(&kinds, |code| Some(view::kind_label(code).to_owned())),
            "region": facet_json(&results.facets.regions, |code| records::geo::region_name(code).map(str::to_owned)),
            "contrat": facet_json(&results.facets.contracts, |code| records::Contract::parse(code).map(|contract| contract.label().to_owned())),
            "secteur": facet_json(&results.facets.sectors, |slug| records::sector_label(slug).map(str::to_owned)),
            "competence": facet_json(&results.facets.competences, |id| referentiel.competence(id).map(|found| found.label.fr.clone())),
            "mois": facet_json(&results.facets.months, records::month_label),
            "financeur": facet_json(&results.facets.funders, |_| None),
        },
        "precedente": (params.page > 1).then(|| format!("{base}{}", params.at_page(params.page - 1).href("/api/observatoire/recherche"))),
        "suivante": (params.page < pages).then(|| format!("{base}{}", params.at_page(params.page + 1).href("/api/observatoire/recherche"))),
    })))
}

/// A query parameter of the OpenAPI document.
fn parameter(name: &str, description: &str, schema: Value, repeated: bool) -> Value {
    let schema = if repeated { json!({ "type": "array", "items": schema }) } else { schema };
    let mut parameter =
        json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema });
    if repeated && let Value::Object(map) = &mut parameter {
        map.insert("style".to_owned(), json!("form"));
        map.insert("explode".to_owned(), json!(true));
    }
    parameter
}

fn filter_parameters() -> Vec<Value> {
    let month = json!({ "type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$", "example": "2026-03" });
    vec![
        parameter("de", "Début de la période (mois inclus).", month.clone(), false),
        parameter("a", "Fin de la période (mois inclus).", month, false),
        parameter(
            "region",
            "Code de région INSEE ; répétable.",
            json!({ "type": "string", "enum": records::geo::REGIONS.iter().map(|(code, _)| *code).collect::<Vec<_>>() }),
            true,
        ),
        parameter(
            "secteur",
            "Secteur ; répétable.",
            json!({ "type": "string", "enum": records::SECTORS.iter().map(|(slug, _)| *slug).collect::<Vec<_>>() }),
            true,
        ),
        parameter(
            "contrat",
            "Type de contrat ; répétable.",
            json!({ "type": "string", "enum": records::Contract::ALL.iter().map(|contract| contract.as_str()).collect::<Vec<_>>() }),
            true,
        ),
        parameter(
            "competence",
            "Identifiant de compétence du référentiel ; répétable.",
            json!({ "type": "string", "example": "DS.MST.07" }),
            true,
        ),
    ]
}

/// The id parameter followed by the filters.
fn with_id(id_parameter: &Value) -> Vec<Value> {
    std::iter::once(id_parameter.clone()).chain(filter_parameters()).collect()
}

/// `GET /api/observatoire/openapi.json`: the OpenAPI 3.1 description of the observatory's API
/// and exports.
pub async fn openapi(State(state): State<AppState>) -> Json<Value> {
    let ids: Vec<&str> =
        state.observatory.catalogue.indicators.iter().map(|definition| definition.id.as_str()).collect();
    let mut search_parameters = vec![
        parameter(
            "q",
            "Mots recherchés (titre, description, organisation…).",
            json!({ "type": "string", "maxLength": super::params::MAX_TEXT_CHARS }),
            false,
        ),
        parameter(
            "type",
            "Type d'enregistrement ; répétable.",
            json!({ "type": "string", "enum": KINDS.iter().map(|(_, code, _)| *code).collect::<Vec<_>>() }),
            true,
        ),
    ];
    search_parameters.extend(filter_parameters());
    search_parameters.push(parameter(
        "mois",
        "Mois de l'histogramme sélectionné ; répétable.",
        json!({ "type": "string", "example": "2026-03" }),
        true,
    ));
    search_parameters.push(parameter(
        "financeur",
        "Financeur, tel que la facette le nomme ; répétable.",
        json!({ "type": "string" }),
        true,
    ));
    let paged = {
        let mut list = search_parameters.clone();
        list.push(parameter(
            "tri",
            "Ordre des résultats.",
            json!({ "type": "string", "enum": ["pertinence", "recent", "ancien"], "default": "pertinence" }),
            false,
        ));
        list.push(parameter(
            "page",
            "Numéro de page, à partir de 1.",
            json!({ "type": "integer", "minimum": 1, "default": 1 }),
            false,
        ));
        list.push(parameter("par_page", "Résultats par page.", json!({ "type": "integer", "minimum": 1, "maximum": search::observatory::MAX_LIMIT, "default": search::observatory::DEFAULT_LIMIT }), false));
        list
    };
    let error = json!({ "description": "Paramètre refusé ; le message dit ce qui est accepté.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Erreur" } } } });
    let id_parameter =
        json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "enum": ids } });
    let mut export_paths = Map::new();
    for (extension, label) in FORMATS {
        let media = Format::parse(extension).map_or("application/octet-stream", Format::media_type);
        export_paths.insert(
            format!("/observatoire/recherche.{extension}"),
            json!({ "get": {
                "summary": format!("Tous les résultats de la recherche en {label}, en flux, sans limite de lignes"),
                "parameters": search_parameters,
                "responses": { "200": { "description": "Le fichier.", "content": { media: {} } }, "400": error },
            }}),
        );
        export_paths.insert(
            format!("/observatoire/indicateurs/{{id}}.{extension}"),
            json!({ "get": {
                "summary": format!("La table d'un indicateur en {label}"),
                "parameters": with_id(&id_parameter),
                "responses": { "200": { "description": "Le fichier.", "content": { media: {} } }, "400": error, "404": error },
            }}),
        );
    }
    let mut paths = Map::new();
    paths.insert("/api/observatoire".to_owned(), json!({ "get": { "summary": "Ce que l'API propose : indicateurs, recherche, documents", "responses": { "200": { "description": "Les liens.", "content": { "application/json": {} } } } } }));
    paths.insert("/api/observatoire/indicateurs/{id}".to_owned(), json!({ "get": {
        "summary": "Un indicateur calculé avec les filtres donnés, sa définition et sa note de méthode",
        "parameters": with_id(&id_parameter),
        "responses": { "200": { "description": "L'indicateur.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Indicateur" } } } }, "400": error, "404": error },
    }}));
    paths.insert("/api/observatoire/chiffres-cles".to_owned(), json!({ "get": {
        "summary": "Les chiffres clés sur douze mois et leur évolution sur un an",
        "parameters": filter_parameters(),
        "responses": { "200": { "description": "Les chiffres.", "content": { "application/json": {} } }, "400": error },
    }}));
    paths.insert("/api/observatoire/recherche".to_owned(), json!({ "get": {
        "summary": "Recherche plein texte à facettes sur tous les enregistrements (une page de résultats, les facettes, l'histogramme par mois)",
        "parameters": paged,
        "responses": { "200": { "description": "La page de résultats.", "content": { "application/json": {} } }, "400": error },
    }}));
    paths.extend(export_paths);
    Json(json!({
        "openapi": "3.1.0",
        "info": {
            "title": "API de l'observatoire socle",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Les indicateurs et les enregistrements de l'observatoire (offres d'emploi, financements, projets, jeux de données). Les mêmes paramètres que les pages /observatoire ; chaque réponse donne le permalien de la page qui montre les mêmes données.",
            "license": { "name": "Données : selon leurs sources, voir /observatoire/methode" },
        },
        "servers": [{ "url": state.base_url }],
        "paths": paths,
        "components": { "schemas": {
            "Erreur": { "type": "object", "properties": { "error": { "type": "string" }, "status": { "type": "integer" } } },
            "Indicateur": { "type": "object", "required": ["indicateur", "colonnes", "lignes"], "properties": {
                "indicateur": { "type": "object" },
                "filtres": { "type": "object" },
                "permalien": { "type": "string", "format": "uri" },
                "colonnes": { "type": "array", "items": { "type": "object", "properties": { "nom": { "type": "string" }, "libelle": { "type": "string" }, "unite": { "type": ["string", "null"] } } } },
                "lignes": { "type": "array", "items": { "type": "object" } },
                "problemes": { "type": "array", "items": { "type": "string" } },
            } },
        } },
    }))
}
