//! The observatory's dashboard: key figures (`/observatoire`), one page per theme with its
//! indicators drawn on the server (`/observatoire/emplois`, `…/financements`, `…/projets`), the
//! skills demanded beside the skills taught (`/observatoire/competences`), the faceted search
//! over every record (`/observatoire/recherche`) and every indicator's method
//! (`/observatoire/methode`). Exports, the JSON API and its OpenAPI document are in `export`.
//!
//! Every page is a GET whose query string holds its whole state (see `params`): a permalink
//! shows exactly what the analyst saw. The indicators are computed by the `indicators` crate
//! from the Parquet records, read without the store's lock (ingestion may run meanwhile); the
//! search answers from the records index.

pub(crate) mod chart;
mod export;
pub(crate) mod map;
pub(crate) mod params;
mod view;

use std::path::PathBuf;
use std::sync::Arc;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::{Html, IntoResponse, Response};
use indicators::{Catalogue, Context, Definition, Engine, KeyFigure, ProgrammeSupply, Supply, Taught, Theme};
use records::Contract;
use search::FacetCount;
use search::observatory::{RecordIndex, RecordResults};
use store::ProgrammeFilter;

use crate::catalogue::PUBLIC_STATES;
use crate::pagination::{self, Pagination};
use crate::{AppError, AppState};

pub use export::{
    api_index, api_indicator, api_key_figures, api_search, indicator_export, openapi, search_csv, search_json,
    search_ndjson, search_parquet,
};
use params::{KINDS, Params, SORTS, kind_code};
use view::{IndicatorView, SelectOption};

/// What the dashboard reads: the records index, the Parquet records, the indicators declared,
/// and what the course teaches (the registry's programmes are read from the store per request).
#[derive(Clone)]
pub struct Observatory {
    /// The index of every record (shared with the ingestion, which writes to it).
    pub index: RecordIndex,
    /// `<data_dir>/observatoire/records`, the Parquet records.
    pub records_dir: PathBuf,
    /// The indicators declared in `observatory/indicators.toml`.
    pub catalogue: Arc<Catalogue>,
    /// The course's chapters with the competences they teach.
    pub chapters: Arc<Vec<Taught>>,
    /// The labs' graded questions with the competences they assess.
    pub questions: Arc<Vec<Taught>>,
}

impl Observatory {
    /// A dashboard over `records_dir` and `index`, with the built-in indicators.
    pub fn new(
        index: RecordIndex,
        records_dir: PathBuf,
        chapters: Vec<Taught>,
        questions: Vec<Taught>,
    ) -> Result<Observatory, String> {
        let catalogue = Catalogue::builtin()
            .map_err(|problems| format!("le fichier des indicateurs est invalide : {}", problems.join(" ; ")))?;
        Ok(Observatory {
            index,
            records_dir,
            catalogue: Arc::new(catalogue),
            chapters: Arc::new(chapters),
            questions: Arc::new(questions),
        })
    }

    fn engine(&self) -> Engine {
        Engine::new(&self.records_dir)
    }
}

/// A form submitted with empty fields gives `?de=&region=11&secteur=…`: the page answers with a
/// redirect to the same view's canonical URL, so that the permalink a user copies is short.
fn tidy_url(raw: Option<&str>, params: &Params, path: &str) -> Option<Response> {
    let has_empty = form_urlencoded::parse(raw?.as_bytes()).any(|(_, value)| value.trim().is_empty());
    has_empty.then(|| axum::response::Redirect::to(&params.href(path)).into_response())
}

fn render(template: &impl Template) -> Result<Response, AppError> {
    Ok(Html(template.render()?).into_response())
}

/// Runs blocking work (polars, tantivy) off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| AppError::Internal(format!("calcul interrompu : {error}")))?
}

/// The référentiel's competences and the supply side: public programmes of the registry, the
/// course's chapters and graded questions.
async fn context(state: &AppState) -> Result<Context, AppError> {
    let filter = ProgrammeFilter { label_states: PUBLIC_STATES.to_vec(), ..ProgrammeFilter::default() };
    let programmes = state.store.programmes(&filter).await.map_err(|error| AppError::Internal(error.to_string()))?;
    let observatory = &state.observatory;
    Ok(Context {
        competences: state
            .referentiel
            .competences
            .iter()
            .map(|competence| (competence.id.clone(), competence.label.fr.clone()))
            .collect(),
        supply: Supply {
            programmes: programmes
                .into_iter()
                .map(|programme| ProgrammeSupply {
                    id: programme.id.to_string(),
                    region_code: programme.region,
                    competences: programme
                        .competences
                        .into_iter()
                        .map(|taught| (taught.competence, taught.level))
                        .collect(),
                })
                .collect(),
            chapters: observatory.chapters.as_ref().clone(),
            questions: observatory.questions.as_ref().clone(),
        },
    })
}

/// Computes the indicators `ids` (in that order) with the page's filters.
async fn compute(
    state: &AppState,
    ids: Vec<String>,
    params: &Params,
) -> Result<Vec<(Definition, indicators::Table)>, AppError> {
    let context = context(state).await?;
    let observatory = state.observatory.clone();
    let filters = params.filters();
    blocking(move || {
        let engine = observatory.engine();
        ids.iter()
            .map(|id| {
                let definition = observatory
                    .catalogue
                    .get(id)
                    .ok_or_else(|| AppError::NotFound(format!("L'indicateur « {id} » n'existe pas.")))?
                    .clone();
                let table = engine
                    .compute(&definition, &filters, &context)
                    .map_err(|error| AppError::Internal(format!("calcul de l'indicateur « {id} » : {error}")))?;
                Ok((definition, table))
            })
            .collect()
    })
    .await
}

/// The options of the filter form, with the months the records cover.
struct FilterForm {
    months: Vec<SelectOption>,
    months_to: Vec<SelectOption>,
    regions: Vec<SelectOption>,
    sectors: Vec<SelectOption>,
    contracts: Vec<SelectOption>,
    competences: Vec<SelectOption>,
    /// The filters in force, in French, each with the link that removes it.
    active: Vec<(String, String)>,
}

fn month_list(first: &str, last: &str) -> Vec<String> {
    let parse =
        |text: &str| -> Option<(i32, u32)> { Some((text.get(..4)?.parse().ok()?, text.get(5..7)?.parse().ok()?)) };
    let (Some((mut year, mut month)), Some(end)) = (parse(first), parse(last)) else { return Vec::new() };
    let mut months = Vec::new();
    while (year, month) <= end && months.len() < 600 {
        months.push(format!("{year:04}-{month:02}"));
        month += 1;
        if month == 13 {
            year += 1;
            month = 1;
        }
    }
    months
}

impl FilterForm {
    fn new(state: &AppState, params: &Params, path: &str, span: Option<(String, String)>) -> FilterForm {
        let months = span.map(|(first, last)| month_list(&first, &last)).unwrap_or_default();
        let month_option = |month: &String, selected: &Option<String>| SelectOption {
            value: month.clone(),
            label: view::month_label(month),
            selected: selected.as_deref() == Some(month.as_str()),
        };
        let option = |value: &str, label: &str, list: &[String]| SelectOption {
            value: value.to_owned(),
            label: label.to_owned(),
            selected: list.iter().any(|known| known == value),
        };
        let mut active = Vec::new();
        let without = |params: Params| params.href(path);
        if let Some(from) = &params.from {
            active.push((
                format!("depuis {}", view::month_label(from)),
                without(Params { from: None, page: 1, ..params.clone() }),
            ));
        }
        if let Some(to) = &params.to {
            active.push((
                format!("jusqu'à {}", view::month_label(to)),
                without(Params { to: None, page: 1, ..params.clone() }),
            ));
        }
        for region in &params.regions {
            let name = records::geo::region_name(region).unwrap_or(region);
            active.push((format!("région : {name}"), without(params.toggled("region", region))));
        }
        for sector in &params.sectors {
            let label = records::sector_label(sector).unwrap_or(sector);
            active.push((format!("secteur : {label}"), without(params.toggled("secteur", sector))));
        }
        for contract in &params.contracts {
            let label = Contract::parse(contract).map_or_else(|| contract.clone(), |found| found.label().to_owned());
            active.push((format!("contrat : {label}"), without(params.toggled("contrat", contract))));
        }
        for competence in &params.competences {
            let label =
                state.referentiel.competence(competence).map_or(competence.clone(), |found| found.label.fr.clone());
            active.push((
                format!("compétence : {competence} {label}"),
                without(params.toggled("competence", competence)),
            ));
        }
        FilterForm {
            months_to: months.iter().map(|month| month_option(month, &params.to)).collect(),
            months: months.iter().map(|month| month_option(month, &params.from)).collect(),
            regions: records::geo::REGIONS.iter().map(|(code, name)| option(code, name, &params.regions)).collect(),
            sectors: records::SECTORS.iter().map(|(slug, label)| option(slug, label, &params.sectors)).collect(),
            contracts: Contract::ALL
                .iter()
                .map(|contract| option(contract.as_str(), &view::capitalise(contract.label()), &params.contracts))
                .collect(),
            competences: state
                .referentiel
                .competences
                .iter()
                .map(|competence| {
                    option(&competence.id, &format!("{} — {}", competence.id, competence.label.fr), &params.competences)
                })
                .collect(),
            active,
        }
    }
}

/// The months the records cover, for the period's choices.
async fn span(state: &AppState) -> Result<Option<(String, String)>, AppError> {
    let observatory = state.observatory.clone();
    blocking(move || {
        observatory
            .engine()
            .months()
            .map_err(|error| AppError::Internal(format!("lecture des mois couverts : {error}")))
    })
    .await
}

/// The sub-pages of the dashboard, for its local navigation.
const SECTIONS: [(&str, &str); 7] = [
    ("/observatoire", "Vue d'ensemble"),
    ("/observatoire/emplois", "Emplois"),
    ("/observatoire/financements", "Financements"),
    ("/observatoire/projets", "Projets"),
    ("/observatoire/competences", "Compétences : offre et demande"),
    ("/observatoire/recherche", "Recherche"),
    ("/observatoire/methode", "Méthode"),
];

/// One link of the dashboard's local navigation.
struct SectionLink {
    href: String,
    label: &'static str,
    current: bool,
}

fn sections(current: &str, params: &Params) -> Vec<SectionLink> {
    let filters = params.filter_query();
    SECTIONS
        .iter()
        .map(|(path, label)| SectionLink {
            href: if *path == "/observatoire/methode" { (*path).to_owned() } else { format!("{path}{filters}") },
            label,
            current: *path == current,
        })
        .collect()
}

/// A key figure as shown.
struct FigureView {
    label: String,
    value: String,
    unit: String,
    change: Option<String>,
    trend: &'static str,
    period: String,
}

fn figure_view(figure: &KeyFigure) -> FigureView {
    let decimals = if figure.value.abs() < 100.0 && figure.value.fract() != 0.0 { 1 } else { 0 };
    let (change, trend) = match figure.change_percent {
        Some(change) if change.is_finite() => {
            let sign = if change > 0.0 {
                "+"
            } else if change < 0.0 {
                "−"
            } else {
                ""
            };
            let previous = figure.previous.map(|previous| chart::format_number(previous, decimals)).unwrap_or_default();
            (
                Some(format!(
                    "{sign}{} % sur un an (contre {previous} sur les 12 mois précédents)",
                    chart::format_number(change.abs(), 1)
                )),
                if change > 0.0 {
                    "hausse"
                } else if change < 0.0 {
                    "baisse"
                } else {
                    "stable"
                },
            )
        }
        _ => (None, "stable"),
    };
    FigureView {
        label: figure.label.clone(),
        value: chart::format_number(figure.value, decimals),
        unit: figure.unit.clone(),
        change,
        trend,
        period: figure.period.clone(),
    }
}

#[derive(Template)]
#[template(path = "observatoire.html")]
struct OverviewPage {
    sections: Vec<SectionLink>,
    form: FilterForm,
    action: &'static str,
    figures: Vec<FigureView>,
    indicators: Vec<IndicatorView>,
    records: u64,
    empty: bool,
    form_query: String,
}

impl OverviewPage {
    const CURRENT: &'static str = "observatoire";
}

/// The indicators of the overview page.
const OVERVIEW: [&str; 4] = ["offres-par-mois", "offres-par-region", "competences-en-hausse", "financements-par-mois"];

/// `GET /observatoire`.
pub async fn overview(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    let params = Params::parse(raw.as_deref(), &state.referentiel).map_err(AppError::BadRequest)?;
    if let Some(redirect) = tidy_url(raw.as_deref(), &params, "/observatoire") {
        return Ok(redirect);
    }
    let tables = compute(&state, OVERVIEW.iter().map(|id| (*id).to_owned()).collect(), &params).await?;
    let observatory = state.observatory.clone();
    let filters = params.filters();
    let figures = blocking(move || {
        observatory
            .engine()
            .key_figures(&filters)
            .map_err(|error| AppError::Internal(format!("chiffres clés : {error}")))
    })
    .await?;
    let span = span(&state).await?;
    let records = state.observatory.index.len();
    render(&OverviewPage {
        sections: sections("/observatoire", &params),
        form: FilterForm::new(&state, &params, "/observatoire", span),
        action: "/observatoire",
        figures: figures.iter().map(figure_view).collect(),
        indicators: tables
            .iter()
            .map(|(definition, table)| IndicatorView::new(definition, table, &params, "/observatoire"))
            .collect(),
        empty: records == 0,
        records,
        form_query: params.filter_query(),
    })
}

#[derive(Template)]
#[template(path = "observatoire-theme.html")]
struct ThemePage {
    sections: Vec<SectionLink>,
    form: FilterForm,
    action: String,
    title: &'static str,
    lead: &'static str,
    indicators: Vec<IndicatorView>,
    empty: bool,
}

impl ThemePage {
    const CURRENT: &'static str = "observatoire";
}

async fn theme_page(
    state: AppState,
    raw: Option<String>,
    theme: Theme,
    path: &'static str,
) -> Result<Response, AppError> {
    let params = Params::parse(raw.as_deref(), &state.referentiel).map_err(AppError::BadRequest)?;
    if let Some(redirect) = tidy_url(raw.as_deref(), &params, path) {
        return Ok(redirect);
    }
    let ids: Vec<String> =
        state.observatory.catalogue.by_theme(theme).map(|definition| definition.id.clone()).collect();
    let tables = compute(&state, ids, &params).await?;
    let span = span(&state).await?;
    let (title, lead) = match theme {
        Theme::Jobs => (
            "Emplois",
            "Les offres d'emploi collectées : combien, où, avec quel contrat et quel salaire, et quelles compétences elles demandent.",
        ),
        Theme::Funding => (
            "Financements",
            "Les financements annoncés : montants et nombre, par secteur, stade, région et programme de financement.",
        ),
        Theme::Projects => ("Projets", "Les nouveaux projets par trimestre de démarrage, par secteur et par région."),
        Theme::Competences => ("Compétences", "Les compétences demandées et enseignées."),
    };
    render(&ThemePage {
        sections: sections(path, &params),
        form: FilterForm::new(&state, &params, path, span),
        action: path.to_owned(),
        title,
        lead,
        empty: state.observatory.index.is_empty(),
        indicators: tables
            .iter()
            .map(|(definition, table)| IndicatorView::new(definition, table, &params, path))
            .collect(),
    })
}

/// `GET /observatoire/emplois`.
pub async fn jobs(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    theme_page(state, raw, Theme::Jobs, "/observatoire/emplois").await
}

/// `GET /observatoire/financements`.
pub async fn funding(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    theme_page(state, raw, Theme::Funding, "/observatoire/financements").await
}

/// `GET /observatoire/projets`.
pub async fn projects(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    theme_page(state, raw, Theme::Projects, "/observatoire/projets").await
}

/// `GET /observatoire/competences`: supply and demand, competence by competence.
pub async fn competences(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    theme_page(state, raw, Theme::Competences, "/observatoire/competences").await
}

/// One value of a search facet.
struct FacetOption {
    label: String,
    count: u64,
    selected: bool,
    /// The search with this value toggled.
    href: String,
}

/// A facet of the search.
struct FacetView {
    name: &'static str,
    legend: &'static str,
    options: Vec<FacetOption>,
}

/// One result of the search.
struct HitView {
    kind: &'static str,
    title: String,
    source_url: String,
    meta: Vec<String>,
    competences: Vec<String>,
    snippet: String,
}

#[derive(Template)]
#[template(path = "observatoire-recherche.html")]
struct SearchPage {
    sections: Vec<SectionLink>,
    params: Params,
    sorts: Vec<SelectOption>,
    facets: Vec<FacetView>,
    histogram: String,
    histogram_rows: Vec<(String, String, String, bool)>,
    hits: Vec<HitView>,
    total: u64,
    first_shown: usize,
    last_shown: usize,
    pagination: Pagination,
    exports: Vec<(&'static str, String)>,
    api_href: String,
    active: Vec<(String, String)>,
    /// The chosen filters, carried by the form when the words change.
    hidden: Vec<(&'static str, String)>,
}

impl SearchPage {
    const CURRENT: &'static str = "observatoire";
}

/// Runs a search of the records index; a refused parameter is the user's mistake.
pub(crate) async fn run_search(state: &AppState, params: &Params) -> Result<RecordResults, AppError> {
    let index = state.observatory.index.clone();
    let query = params.query();
    blocking(move || {
        index.search(&query).map_err(|error| match error {
            search::Error::InvalidQuery(message) => AppError::BadRequest(message),
            other => AppError::Internal(other.to_string()),
        })
    })
    .await
}

fn facet(
    name: &'static str,
    legend: &'static str,
    counts: &[FacetCount],
    selected: &[String],
    label: impl Fn(&str) -> String,
    params: &Params,
) -> FacetView {
    let mut options: Vec<FacetOption> = counts
        .iter()
        .map(|count| FacetOption {
            label: label(&count.value),
            count: count.count,
            selected: selected.contains(&count.value),
            href: params.toggled(name, &count.value).href("/observatoire/recherche"),
        })
        .collect();
    // Most frequent first, as a reader scans a facet; months keep the calendar order elsewhere.
    options.sort_by(|a, b| b.selected.cmp(&a.selected).then(b.count.cmp(&a.count)).then(a.label.cmp(&b.label)));
    FacetView { name, legend, options }
}

/// `GET /observatoire/recherche`.
pub async fn search_page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    let params = Params::parse(raw.as_deref(), &state.referentiel).map_err(AppError::BadRequest)?;
    if let Some(redirect) = tidy_url(raw.as_deref(), &params, "/observatoire/recherche") {
        return Ok(redirect);
    }
    let results = run_search(&state, &params).await?;
    let referentiel = state.referentiel.clone();
    let kinds_selected: Vec<String> = params.kinds.iter().map(|kind| kind_code(*kind).to_owned()).collect();
    let kind_counts: Vec<FacetCount> = results
        .facets
        .kinds
        .iter()
        .filter_map(|count| {
            records::Kind::parse(&count.value)
                .map(|kind| FacetCount { value: kind_code(kind).to_owned(), count: count.count })
        })
        .collect();
    let mut facets =
        vec![facet("type", "Type", &kind_counts, &kinds_selected, |code| view::kind_label(code).to_owned(), &params)];
    // `type` is toggled by hand: `Params::toggled` only knows the list filters.
    for option in &mut facets[0].options {
        let code = KINDS.iter().find(|(_, _, label)| *label == option.label).map(|(kind, _, _)| *kind);
        if let Some(kind) = code {
            let mut next = Params { page: 1, ..params.clone() };
            if let Some(position) = next.kinds.iter().position(|known| *known == kind) {
                next.kinds.remove(position);
            } else {
                next.kinds.push(kind);
            }
            option.href = next.href("/observatoire/recherche");
        }
    }
    facets.push(facet(
        "region",
        "Région",
        &results.facets.regions,
        &params.regions,
        |code| records::geo::region_name(code).unwrap_or(code).to_owned(),
        &params,
    ));
    facets.push(facet(
        "secteur",
        "Secteur",
        &results.facets.sectors,
        &params.sectors,
        |slug| records::sector_label(slug).unwrap_or(slug).to_owned(),
        &params,
    ));
    facets.push(facet(
        "contrat",
        "Contrat",
        &results.facets.contracts,
        &params.contracts,
        |code| Contract::parse(code).map_or_else(|| code.to_owned(), |contract| view::capitalise(contract.label())),
        &params,
    ));
    facets.push(facet(
        "competence",
        "Compétence",
        &results.facets.competences,
        &params.competences,
        |id| referentiel.competence(id).map_or_else(|| id.to_owned(), |found| format!("{id} — {}", found.label.fr)),
        &params,
    ));
    facets.push(facet("financeur", "Financeur", &results.facets.funders, &params.funders, str::to_owned, &params));
    let histogram_points: Vec<(String, f64)> =
        results.facets.months.iter().map(|count| (count.value.clone(), count.count as f64)).collect();
    let histogram = chart::column_chart(
        &chart::ChartSpec {
            id: "histogramme-mois",
            title: "Enregistrements par mois",
            x_label: "Mois",
            y_label: "Enregistrements",
            unit: "enregistrements",
            source: "Source : enregistrements collectés par l'observatoire socle",
        },
        &histogram_points,
    );
    let histogram_rows = results
        .facets
        .months
        .iter()
        .map(|count| {
            let selected = params.months.contains(&count.value);
            (
                view::month_label(&count.value),
                count.count.to_string(),
                params.toggled("mois", &count.value).href("/observatoire/recherche"),
                selected,
            )
        })
        .collect();
    let hits: Vec<HitView> = results.hits.iter().map(|hit| view::hit_view(hit, &referentiel)).collect();
    let page_count = pagination::page_count(results.total, params.per_page, search::observatory::MAX_OFFSET);
    let pagination =
        Pagination::new(params.page, page_count, |number| params.at_page(number).href("/observatoire/recherche"));
    let offset = (params.page - 1) * params.per_page;
    let form = FilterForm::new(&state, &params, "/observatoire/recherche", None);
    let mut active = form.active;
    if !params.text.is_empty() {
        active.insert(
            0,
            (
                format!("mots : « {} »", params.text),
                Params { text: String::new(), page: 1, ..params.clone() }.href("/observatoire/recherche"),
            ),
        );
    }
    for month in &params.months {
        active.push((
            format!("mois : {}", view::month_label(month)),
            params.toggled("mois", month).href("/observatoire/recherche"),
        ));
    }
    for funder in &params.funders {
        active.push((
            format!("financeur : {funder}"),
            params.toggled("financeur", funder).href("/observatoire/recherche"),
        ));
    }
    let export_params = Params { page: 1, ..params.clone() };
    render(&SearchPage {
        sections: sections("/observatoire/recherche", &params),
        sorts: SORTS
            .iter()
            .map(|(sort, code, label)| SelectOption {
                value: (*code).to_owned(),
                label: view::capitalise(label),
                selected: params.sort == *sort,
            })
            .collect(),
        facets,
        histogram,
        histogram_rows,
        total: results.total,
        first_shown: offset + 1,
        last_shown: offset + hits.len(),
        hits,
        pagination,
        exports: export::FORMATS
            .iter()
            .map(|(extension, label)| (*label, export_params.href(&format!("/observatoire/recherche.{extension}"))))
            .collect(),
        api_href: params.href("/api/observatoire/recherche"),
        active,
        hidden: params
            .pairs()
            .into_iter()
            .filter(|(name, _)| !matches!(*name, "q" | "de" | "a" | "tri" | "page"))
            .collect(),
        params,
    })
}

/// One indicator on the method page.
struct MethodEntry {
    id: String,
    title: String,
    definition: String,
    unit: String,
    dimensions: String,
    method: Vec<String>,
    source: String,
    theme: &'static str,
    page: String,
}

#[derive(Template)]
#[template(path = "observatoire-methode.html")]
struct MethodPage {
    sections: Vec<SectionLink>,
    entries: Vec<MethodEntry>,
    counts: Vec<(String, u64)>,
    span: Option<(String, String)>,
}

impl MethodPage {
    const CURRENT: &'static str = "observatoire";
}

/// `GET /observatoire/methode`: every indicator's definition and method note, the sources,
/// the period covered and the limits of the data.
pub async fn method(State(state): State<AppState>) -> Result<Response, AppError> {
    let span = span(&state).await?;
    let index = state.observatory.index.clone();
    let by_kind =
        blocking(move || index.count_by_kind().map_err(|error| AppError::Internal(error.to_string()))).await?;
    let counts =
        KINDS.iter().map(|(kind, _, label)| ((*label).to_owned(), by_kind.get(kind).copied().unwrap_or(0))).collect();
    let entries = state
        .observatory
        .catalogue
        .indicators
        .iter()
        .map(|definition| MethodEntry {
            id: definition.id.clone(),
            title: definition.title.clone(),
            definition: definition.definition.clone(),
            unit: definition.unit.clone(),
            dimensions: definition.dimensions.iter().map(|dimension| dimension.label()).collect::<Vec<_>>().join(", "),
            method: definition
                .method
                .split("\n\n")
                .map(|paragraph| paragraph.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect(),
            source: definition.source.clone(),
            theme: definition.theme.label(),
            page: format!("/observatoire/{}#{}", definition.theme.code(), definition.id),
        })
        .collect();
    render(&MethodPage {
        sections: sections("/observatoire/methode", &Params::default()),
        entries,
        counts,
        span: span.map(|(first, last)| (view::month_label(&first), view::month_label(&last))),
    })
}
