//! The public pages of the programme registry: the search (`/formations`), a programme's page
//! (`/formations/{id}`), the comparison of two or three programmes (`/formations/comparer`) and
//! the label's own page (`/label`). The JSON API, the CSV export and the signed label's public
//! endpoints are in `export`; what a page shows of a programme is computed in `view`.

mod export;
mod query;
mod view;

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::{Html, IntoResponse, Response};
use registry::criteria::{self as thresholds, CRITERIA};
use registry::workflow::{Action, State as WorkflowState};
use registry::{Diploma, Modality, fr};
use search::FacetCount;
use search::programmes::{ProgrammeFacets, ProgrammeResults};
use skills::Level;
use store::LabelState;

use crate::catalogue::{self, PUBLIC_STATES};
use crate::pagination::Pagination;
use crate::session::CurrentUser;
use crate::{AppError, AppState};

pub use export::{api_programme, api_search, credential_jwt, csv_export, issuer, jwks, revocation_status};
use query::{Examples, LEVELS, SORTS, SearchParams};
use view::{Chart, HistoryRow, ProgrammeView};

fn render(template: &impl Template) -> Result<Response, AppError> {
    Ok(Html(template.render()?).into_response())
}

/// Runs a search of the public index; a refused page size or start is the user's mistake.
pub(crate) fn run_search(state: &AppState, params: &SearchParams) -> Result<ProgrammeResults, AppError> {
    state.search.search(&params.to_query()).map_err(|error| match error {
        search::Error::InvalidQuery(message) => AppError::BadRequest(message),
        other => AppError::Internal(other.to_string()),
    })
}

/// One value of a facet, as a checkbox or an option.
pub(crate) struct FacetOption {
    /// The parameter's value.
    pub value: String,
    /// French label.
    pub label: String,
    /// Programmes with it (with every other filter).
    pub count: u64,
    /// Whether the search selects it.
    pub selected: bool,
}

fn count_of(counts: &[FacetCount], value: &str) -> u64 {
    counts.iter().find(|count| count.value == value).map_or(0, |count| count.count)
}

/// Every value of every facet, with its French label and count (0 when absent).
pub(crate) struct Facets {
    pub levels: Vec<FacetOption>,
    pub diplomas: Vec<FacetOption>,
    pub regions: Vec<FacetOption>,
    pub modalities: Vec<FacetOption>,
    pub statuses: Vec<FacetOption>,
    pub competences: Vec<FacetOption>,
}

impl Facets {
    pub(crate) fn new(referentiel: &skills::Referentiel, facets: &ProgrammeFacets, params: &SearchParams) -> Facets {
        let option = |value: String, label: String, counts: &[FacetCount], selected: bool| FacetOption {
            count: count_of(counts, &value),
            value,
            label,
            selected,
        };
        Facets {
            levels: LEVELS
                .iter()
                .map(|level| {
                    option(level.to_string(), format!("niveau {level}"), &facets.levels, params.levels.contains(level))
                })
                .collect(),
            diplomas: Diploma::ALL
                .iter()
                .map(|diploma| {
                    let selected = params.diplomas.contains(diploma);
                    option(diploma.code().to_owned(), capitalise(diploma.label()), &facets.diplomas, selected)
                })
                .collect(),
            regions: registry::REGIONS
                .iter()
                .map(|(code, name)| {
                    let selected = params.regions.iter().any(|region| region == code);
                    option((*code).to_owned(), (*name).to_owned(), &facets.regions, selected)
                })
                .collect(),
            modalities: Modality::ALL
                .iter()
                .map(|modality| {
                    let selected = params.modalities.contains(modality);
                    option(modality.code().to_owned(), capitalise(modality.label()), &facets.modalities, selected)
                })
                .collect(),
            statuses: PUBLIC_STATES
                .iter()
                .map(|state| {
                    let selected = params.statuses.contains(state);
                    let label = capitalise(view::state_label(*state));
                    option(state.code().to_owned(), label, &facets.label_statuses, selected)
                })
                .collect(),
            competences: referentiel
                .competences
                .iter()
                .map(|competence| {
                    let selected = params.competence.as_ref().is_some_and(|(id, _)| *id == competence.id);
                    let label = format!("{} — {}", competence.id, competence.label.fr);
                    option(competence.id.clone(), label, &facets.competences, selected)
                })
                .collect(),
        }
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// One result line.
struct HitView {
    path: String,
    title: String,
    provider: String,
    place: String,
    diploma: String,
    level: String,
    status: &'static str,
    status_label: &'static str,
    example: bool,
    snippet: String,
    competence_level: Option<&'static str>,
    id: String,
}

/// A choice of a select or radio group: value, label, selected.
type Choice = (&'static str, String, bool);

#[derive(Template)]
#[template(path = "formations.html")]
struct SearchPage {
    params: SearchParams,
    total: u64,
    first_shown: usize,
    last_shown: usize,
    hits: Vec<HitView>,
    facets: Facets,
    min_levels: Vec<Choice>,
    examples: Vec<Choice>,
    sorts: Vec<Choice>,
    answer: Option<String>,
    pagination: Pagination,
    api_href: String,
    filtered: bool,
}

impl SearchPage {
    const CURRENT: &'static str = "formations";
}

/// Number of pages of a search, capped at the deepest page the index serves.
pub(crate) fn page_count(total: u64, per_page: usize) -> usize {
    crate::pagination::page_count(total, per_page, search::programmes::MAX_OFFSET)
}

/// The sentence that answers « who teaches this competence at this level or above? ».
pub(crate) fn competence_answer(
    referentiel: &skills::Referentiel,
    params: &SearchParams,
    total: u64,
) -> Option<String> {
    let (id, level) = params.competence.as_ref()?;
    let label = referentiel.competence(id).map_or_else(|| id.clone(), |competence| competence.label.fr.clone());
    let level_name = view::level_label(referentiel, *level);
    let subject = match total {
        0 => "Aucune formation publique n'enseigne".to_owned(),
        1 => "1 formation publique enseigne".to_owned(),
        n => format!("{n} formations publiques enseignent"),
    };
    let scope = if params.has_other_filters() { " parmi celles qui répondent aux autres critères" } else { "" };
    Some(format!("{subject} {id} ({label}) au niveau {} ({level_name}) ou plus{scope}.", level.code()))
}

/// `GET /formations`: the search form, its facets and a page of results.
pub async fn search_page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    let referentiel = &state.referentiel;
    let params = SearchParams::parse(raw.as_deref(), referentiel).map_err(AppError::BadRequest)?;
    let results = run_search(&state, &params)?;
    let hits = results
        .hits
        .iter()
        .map(|hit| {
            let region = registry::region_name(&hit.region);
            let place = match (hit.city.is_empty(), region) {
                (false, Some(region)) => format!("{} ({region})", hit.city),
                (false, None) => hit.city.clone(),
                (true, Some(region)) => region.to_owned(),
                (true, None) => "lieu non précisé".to_owned(),
            };
            let state_code = LabelState::from_code(&hit.label_status).unwrap_or(LabelState::Submitted);
            HitView {
                path: format!("/formations/{}", hit.id),
                title: hit.title.clone(),
                provider: hit.provider.clone(),
                place,
                diploma: Diploma::from_code(&hit.diploma)
                    .map_or_else(|| hit.diploma.clone(), |d| capitalise(d.label())),
                level: hit.level.map_or_else(|| "sans niveau RNCP".to_owned(), |level| format!("niveau {level}")),
                status: state_code.code(),
                status_label: view::state_label(state_code),
                example: hit.example,
                snippet: hit.snippet.html(),
                competence_level: hit
                    .competence_level
                    .and_then(|level| Level::ALL.get(usize::from(level).saturating_sub(1)))
                    .map(|level| level.code()),
                id: hit.id.clone(),
            }
        })
        .collect::<Vec<_>>();
    let pagination = Pagination::new(params.page, page_count(results.total, params.per_page), |number| {
        params.href("/formations", number)
    });
    let min_level = params.competence.as_ref().map(|(_, level)| *level);
    let page = SearchPage {
        total: results.total,
        first_shown: params.offset() + 1,
        last_shown: params.offset() + hits.len(),
        hits,
        facets: Facets::new(referentiel, &results.facets, &params),
        min_levels: Level::ALL
            .iter()
            .map(|level| {
                let label = format!("{} — {}", level.code(), view::level_label(referentiel, *level));
                (level.code(), label, min_level == Some(*level))
            })
            .collect(),
        examples: Examples::ALL
            .iter()
            .map(|(value, code, label)| (*code, (*label).to_owned(), params.examples == *value))
            .collect(),
        sorts: SORTS.iter().map(|(sort, code, label)| (*code, (*label).to_owned(), params.sort == *sort)).collect(),
        answer: competence_answer(referentiel, &params, results.total),
        pagination,
        api_href: params.href("/api/formations", params.page),
        filtered: params.has_other_filters() || params.competence.is_some(),
        params,
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "formation.html")]
struct ProgrammePage {
    programme: ProgrammeView,
    history: Vec<HistoryRow>,
    json_ld: String,
    draft: bool,
    chart_width: u32,
    chart_height: u32,
    chart_left: f64,
    chart_scale: f64,
    chart_end: f64,
    min_x: f64,
    max_x: f64,
    axis_y: u32,
    legend_y: u32,
    min_share: String,
    max_share: String,
}

impl ProgrammePage {
    const CURRENT: &'static str = "formations";
}

/// `GET /formations/{id}`: a programme, its criteria report and its label.
pub async fn programme_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    viewer: Option<CurrentUser>,
) -> Result<Response, AppError> {
    let programme = view::visible_programme(&state, &id, viewer.as_ref().map(|viewer| &viewer.user)).await?;
    let view = view::programme_view(&state, &programme).await?;
    let history = view::history(&state, programme.id).await?;
    let json_ld = view::script_json(&view::json_ld(&view, &state.referentiel, &state.base_url));
    let (min_share, max_share) = Chart::bounds();
    render(&ProgrammePage {
        draft: !catalogue::is_public(programme.label_state),
        programme: view,
        history,
        json_ld,
        chart_width: Chart::WIDTH,
        chart_height: Chart::HEIGHT,
        chart_left: Chart::LEFT,
        chart_scale: Chart::SCALE,
        chart_end: Chart::LEFT + Chart::SCALE,
        min_x: Chart::min_x(),
        max_x: Chart::max_x(),
        axis_y: Chart::axis_y(),
        legend_y: Chart::legend_y(),
        min_share,
        max_share,
    })
}

/// One line of the comparison: a heading and one cell per programme.
struct CompareRow {
    heading: String,
    cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "formations-comparer.html")]
struct ComparePage {
    programmes: Vec<ProgrammeView>,
    rows: Vec<CompareRow>,
    criteria: Vec<CompareRow>,
}

impl ComparePage {
    const CURRENT: &'static str = "formations";
}

/// The ids of `/formations/comparer`: `ids=a,b,c` (or `ids` repeated, as the results' form sends
/// them), two or three distinct ones.
fn compare_ids(raw: Option<&str>) -> Result<Vec<String>, AppError> {
    let mut ids: Vec<String> = Vec::new();
    for (name, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        if name != "ids" {
            return Err(AppError::BadRequest(format!(
                "Le paramètre « {name} » n'existe pas. Paramètre accepté : ids, deux ou trois identifiants de \
                 formations séparés par des virgules (par exemple ids=2,3,4)."
            )));
        }
        for id in value.split(',').map(str::trim).filter(|id| !id.is_empty()) {
            if ids.iter().any(|known| known == id) {
                return Err(AppError::BadRequest(format!(
                    "Le paramètre « ids » cite deux fois la formation « {id} » : choisissez deux ou trois formations \
                     différentes."
                )));
            }
            ids.push(id.to_owned());
        }
    }
    if !(2..=3).contains(&ids.len()) {
        return Err(AppError::BadRequest(format!(
            "Le paramètre « ids » donne {} formation(s) : la comparaison porte sur deux ou trois formations, \
             séparées par des virgules (par exemple /formations/comparer?ids=2,3,4).",
            ids.len()
        )));
    }
    Ok(ids)
}

/// `GET /formations/comparer?ids=a,b,c`: two or three programmes side by side.
pub async fn compare(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    viewer: Option<CurrentUser>,
) -> Result<Response, AppError> {
    let ids = compare_ids(raw.as_deref())?;
    let mut programmes = Vec::with_capacity(ids.len());
    for id in &ids {
        let programme = view::visible_programme(&state, id, viewer.as_ref().map(|viewer| &viewer.user)).await?;
        programmes.push(view::programme_view(&state, &programme).await?);
    }
    let row = |heading: &str, cell: &dyn Fn(&ProgrammeView) -> String| CompareRow {
        heading: heading.to_owned(),
        cells: programmes.iter().map(cell).collect(),
    };
    let mut rows = vec![
        row("Organisme", &|p| p.provider.clone()),
        row("Diplôme", &|p| format!("{}, {}", p.diploma, p.level)),
        row("Lieu", &|p| p.place.clone()),
        row("Modalités", &|p| p.modalities.clone()),
        row("Volume déclaré", &|p| p.volume.clone()),
        row("Volume de science des données", &|p| format!("{} h", p.pillar_hours)),
    ];
    let pillars = programmes.first().map(|first| first.pillars.clone()).unwrap_or_default();
    for (idx, pillar) in pillars.iter().enumerate() {
        rows.push(CompareRow {
            heading: format!("Part {} ({})", pillar.code, pillar.label),
            cells: programmes
                .iter()
                .map(|p| p.pillars.get(idx).map_or_else(String::new, |row| row.share.clone()))
                .collect(),
        });
    }
    rows.push(row("Alternance", &|p| if p.apprenticeship { "oui".to_owned() } else { "non".to_owned() }));
    rows.push(row("Semaines en entreprise (obligatoires)", &|p| {
        p.placements
            .iter()
            .filter(|placement| placement.mandatory)
            .map(|placement| placement.weeks)
            .sum::<u32>()
            .to_string()
    }));
    rows.push(row("Verdict des critères", &|p| {
        if p.report.eligible {
            "éligible".to_owned()
        } else {
            format!("non éligible ({})", p.report.failed.join(", "))
        }
    }));
    rows.push(row("Label", &|p| {
        let mut text = capitalise(p.label.label);
        if let Some(until) = &p.label.valid_until {
            text.push_str(&format!(", valable jusqu'au {until}"));
        }
        text
    }));
    let criteria = CRITERIA
        .iter()
        .map(|criterion| CompareRow {
            heading: format!("{} — {}", criterion.id, criterion.title),
            cells: programmes
                .iter()
                .map(|p| p.report.status_of(criterion.id).map_or("—", |c| c.status_label).to_owned())
                .collect(),
        })
        .collect();
    render(&ComparePage { programmes, rows, criteria })
}

/// One criterion on the label's page.
struct CriterionRule {
    id: &'static str,
    title: &'static str,
    rule: String,
}

/// One move of the workflow on the label's page.
struct WorkflowRow {
    action: &'static str,
    role: &'static str,
    from: String,
    to: &'static str,
    reason: bool,
}

#[derive(Template)]
#[template(path = "label.html")]
struct LabelPage {
    criteria: Vec<CriterionRule>,
    workflow: Vec<WorkflowRow>,
    validity_years: i32,
    update_months: i32,
    n_granted: u64,
    did: String,
    base_url: String,
}

impl LabelPage {
    const CURRENT: &'static str = "label";
}

/// How each criterion is computed, with the registry's own thresholds.
fn criterion_rules() -> Vec<CriterionRule> {
    let pct = fr::percent;
    let rule = |id: &str| -> String {
        match id {
            "C1" => format!(
                "Chaque pilier disciplinaire (informatique INF, mathématiques et statistique MST, métier MET) représente \
                 entre {} et {} du volume de science des données. Ce volume est celui des unités et des projets qui \
                 déclarent des compétences : les heures d'une unité se partagent également entre ses compétences, puis \
                 entre les piliers selon les poids de chaque compétence dans le référentiel.",
                pct(thresholds::PILLAR_MIN_SHARE),
                pct(thresholds::PILLAR_MAX_SHARE)
            ),
            "C2" => format!(
                "Au moins {} ECTS ou {} heures de science des données ; {} heures pour une formation courte ou un MOOC \
                 (un ECTS sans heures déclarées compte {} heures).",
                fr::number(thresholds::MIN_ECTS),
                fr::number(thresholds::MIN_HOURS),
                fr::number(thresholds::SHORT_MIN_HOURS),
                fr::number(registry::volume::HOURS_PER_ECTS)
            ),
            "C3" => format!(
                "Part des compétences du tronc commun du référentiel visées au niveau N2 ou plus : au moins {} au \
                 niveau 5, {} au niveau 6, {} aux niveaux 7 et 8.",
                pct(thresholds::core_coverage_threshold(5)),
                pct(thresholds::core_coverage_threshold(6)),
                pct(thresholds::core_coverage_threshold(7))
            ),
            "C4" => format!(
                "Aux niveaux 7 et 8 : au moins {} des compétences du tronc commun visées au niveau N3 ou plus, et au \
                 moins {} compétences à N3 ou plus dans chacun des piliers INF, MST et MET.",
                pct(thresholds::DEPTH_MIN_SHARE),
                thresholds::DEPTH_MIN_PER_PILLAR
            ),
            "C5" => "Le niveau RNCP correspond au diplôme (BTS 5 ; licence, licence professionnelle, BUT 6 ; master, \
                     ingénieur, mastère spécialisé 7 ; doctorat 8), et aucune compétence n'est visée au-dessus du \
                     plafond : N4 aux niveaux 7 et 8, N3 ailleurs."
                .to_owned(),
            "C6" => format!(
                "Le tronc commun représente au moins {} du volume des unités, et toute unité de spécialisation se \
                 place dans le dernier tiers des semestres.",
                pct(thresholds::MIN_CORE_SHARE)
            ),
            "C7" => format!(
                "Au moins un projet noté sur des données réelles (adresse publique ou partenaire, pas de données \
                 simulées) de taille réelle : {} Go, {} enregistrements ou {} sources ; et d'au moins {} ECTS ou {} \
                 heures.",
                fr::number(thresholds::PROJECT_MIN_GB),
                fr::decimals(thresholds::PROJECT_MIN_RECORDS as f64, 0),
                thresholds::PROJECT_MIN_SOURCES,
                fr::number(thresholds::PROJECT_MIN_ECTS),
                fr::number(thresholds::PROJECT_MIN_HOURS)
            ),
            "C8" => format!(
                "Temps obligatoire en entreprise : {} semaines aux niveaux 5 et 6, {} semaines au niveau 7 ; \
                 l'alternance suffit à tout niveau ; sans objet au niveau 8.",
                thresholds::PLACEMENT_MIN_WEEKS_5_6,
                thresholds::PLACEMENT_MIN_WEEKS_7
            ),
            "C9" => "Chaque compétence visée au niveau N2 ou plus est évaluée quelque part : une unité ou une \
                     immersion avec au moins une modalité d'évaluation, ou un projet noté."
                .to_owned(),
            "C10" => "Le droit des données (RGPD) et l'éthique, compétences du groupe « droit et éthique » du \
                      référentiel, sont visés au niveau N2 ou plus."
                .to_owned(),
            "C11" => "Un diplôme national, ou un enregistrement au RNCP ou au répertoire spécifique encore en vigueur."
                .to_owned(),
            "C12" => {
                "Une page publique de la formation et, pour un diplôme ou un titre, le devenir des diplômés publié."
                    .to_owned()
            }
            "C13" => format!(
                "Au moins {} des enseignements assurés par des praticiens (critère déclaratif : l'instructeur vérifie \
                 les justificatifs).",
                pct(thresholds::PRACTITIONER_MIN_SHARE)
            ),
            "C14" => format!(
                "La déclaration a été mise à jour il y a moins de {} mois ; le label vaut {} ans sous réserve de cette \
                 mise à jour annuelle.",
                thresholds::UPDATE_MONTHS,
                thresholds::LABEL_VALIDITY_YEARS
            ),
            _ => String::new(),
        }
    };
    CRITERIA
        .iter()
        .map(|criterion| CriterionRule { id: criterion.id, title: criterion.title, rule: rule(criterion.id) })
        .collect()
}

/// The workflow's moves, read from the registry: for each action, the states it starts from and
/// the one it leads to.
fn workflow_rows() -> Vec<WorkflowRow> {
    let actor = |role| registry::workflow::Actor { role, id: "socle".to_owned() };
    // Far enough in the future for every dated check to pass (expiry and reinstatement are the
    // only dated ones), so that the table lists every edge.
    let now = registry::Timestamp { unix_seconds: 0 };
    Action::ALL
        .iter()
        .filter_map(|action| {
            let from: Vec<WorkflowState> = WorkflowState::ALL
                .into_iter()
                .filter(|state| registry::workflow::allowed_actions(*state, action.role()).contains(action))
                .collect();
            let first = *from.first()?;
            let expires_on = match action {
                Action::Expire => Some(now.date()),
                _ => Some(registry::Date::from_days_since_epoch(1_000_000)),
            };
            let record = registry::workflow::transition(
                registry::workflow::Label { state: first, expires_on },
                *action,
                &actor(action.role()),
                now,
                Some("motif"),
            )
            .ok()?;
            Some(WorkflowRow {
                action: action.label(),
                role: action.role().label(),
                from: from.iter().map(|state| state.label()).collect::<Vec<_>>().join(", "),
                to: record.to.label(),
                reason: action.needs_reason(),
            })
        })
        .collect()
}

/// `GET /label`: what the label is, how each criterion is computed, its life, how to verify it.
pub async fn label_page(State(state): State<AppState>) -> Result<Response, AppError> {
    let granted = SearchParams { statuses: vec![LabelState::Granted], page: 1, per_page: 1, ..SearchParams::default() };
    let n_granted = run_search(&state, &SearchParams { per_page: 0, ..granted }).map(|results| results.total)?;
    render(&LabelPage {
        criteria: criterion_rules(),
        workflow: workflow_rows(),
        validity_years: thresholds::LABEL_VALIDITY_YEARS,
        update_months: thresholds::UPDATE_MONTHS,
        n_granted,
        did: state.signing_key.public_key().did(),
        base_url: state.base_url.clone(),
    })
}
