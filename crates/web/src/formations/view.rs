//! What the registry's pages show of a programme, computed once from its store row, its
//! declaration, its stored criteria report, its credentials and its history: the programme page,
//! the comparison and the API all read these views.

use registry::credential::CredentialId;
use registry::{Date, Declaration, Timestamp, fr};
use serde_json::{Value, json};
use skills::{Level, Pillar, Referentiel};
use store::{LabelState, ProgrammeId};

use crate::catalogue;
use crate::{AppError, AppState};

/// A date as French prose: « 1er décembre 2026 », « 28 novembre 2026 ».
pub fn fr_date(date: Date) -> String {
    let day = if date.day() == 1 { "1er".to_owned() } else { date.day().to_string() };
    let month = records::month_name(u32::from(date.month())).unwrap_or_default();
    format!("{day} {month} {}", date.year())
}

/// The French date of a Unix time (UTC).
pub fn fr_day(unix_seconds: i64) -> String {
    fr_date(Timestamp { unix_seconds }.date())
}

/// The French label of a stored label state (the workflow's words).
pub fn state_label(state: LabelState) -> &'static str {
    catalogue::workflow_state(state).label()
}

/// A competence claimed at a level, as pages show it.
#[derive(Debug, Clone)]
pub struct ClaimView {
    /// Référentiel id.
    pub id: String,
    /// French label of the competence.
    pub label: String,
    /// `N1` … `N4`.
    pub level: &'static str,
    /// French name of the level (« maîtrise »).
    pub level_label: String,
}

fn claims(referentiel: &Referentiel, claims: &[registry::Claim]) -> Vec<ClaimView> {
    claims
        .iter()
        .map(|claim| ClaimView {
            id: claim.id.clone(),
            label: referentiel.competence(&claim.id).map_or_else(|| claim.id.clone(), |c| c.label.fr.clone()),
            level: claim.level.code(),
            level_label: level_label(referentiel, claim.level),
        })
        .collect()
}

/// The French name of a level (« maîtrise »), or its code.
pub fn level_label(referentiel: &Referentiel, level: Level) -> String {
    referentiel.level(level).map_or_else(|| level.code().to_owned(), |info| info.label.fr.to_lowercase())
}

/// A volume « 6 ECTS, 60 h », from what is declared.
fn volume(ects: Option<f64>, hours: Option<f64>) -> String {
    let mut parts = Vec::new();
    if let Some(ects) = ects {
        parts.push(format!("{} ECTS", fr::number(ects)));
    }
    if let Some(hours) = hours {
        parts.push(format!("{} h", fr::number(hours)));
    }
    if parts.is_empty() { "—".to_owned() } else { parts.join(", ") }
}

/// A teaching unit.
#[derive(Debug, Clone)]
pub struct UnitView {
    /// Code.
    pub code: String,
    /// Title.
    pub title: String,
    /// « 6 ECTS, 60 h ».
    pub volume: String,
    /// « S3 » or « — ».
    pub semester: String,
    /// « tronc commun » or « spécialisation : assurance ».
    pub kind: String,
    /// Competences taught.
    pub competences: Vec<ClaimView>,
    /// Assessments, in French, comma-separated.
    pub assessments: String,
}

/// A data project.
#[derive(Debug, Clone)]
pub struct ProjectView {
    /// Title.
    pub title: String,
    /// « 6 ECTS, 150 h ».
    pub volume: String,
    /// Where the data come from: a public address, a partner, or « données simulées ».
    pub provenance: String,
    /// The provenance address, when it is an http(s) URL (shown as a link).
    pub provenance_url: Option<String>,
    /// « 1,8 Go ; 14 000 000 enregistrements ; 2 sources ».
    pub size: String,
    /// Whether it is graded.
    pub graded: bool,
    /// Competences exercised.
    pub competences: Vec<ClaimView>,
}

/// A company placement.
#[derive(Debug, Clone)]
pub struct PlacementView {
    /// « stage » or « alternance ».
    pub kind: &'static str,
    /// Weeks.
    pub weeks: u32,
    /// Whether every learner does it.
    pub mandatory: bool,
}

/// One pillar of the chart and its table.
#[derive(Debug, Clone)]
pub struct PillarRow {
    /// `INF`, `MST`, `MET`.
    pub code: &'static str,
    /// French name from the référentiel.
    pub label: String,
    /// Hours, in French.
    pub hours: String,
    /// Share, « 32,8 % ».
    pub share: String,
    /// Whether the share is within C1's bounds.
    pub within: bool,
    /// Bar width in the chart's units.
    pub width: f64,
    /// Top of the bar.
    pub y: u32,
    /// Baseline of the row's texts.
    pub text_y: u32,
    /// Where the share is written (a column right of the 100 % mark, clear of the bounds' lines).
    pub text_x: f64,
}

/// Geometry of the pillar chart (SVG units).
pub struct Chart;

impl Chart {
    /// Left edge of the bars.
    pub const LEFT: f64 = 60.0;
    /// Width of a 100 % bar.
    pub const SCALE: f64 = 420.0;
    /// Height of one row.
    pub const ROW: u32 = 40;
    /// Total width.
    pub const WIDTH: u32 = 560;
    /// Height of the three rows and the axis legend.
    pub const HEIGHT: u32 = 3 * 40 + 30;
    /// x of C1's lower bound.
    pub fn min_x() -> f64 {
        Chart::LEFT + registry::criteria::PILLAR_MIN_SHARE * Chart::SCALE
    }
    /// x of C1's upper bound.
    pub fn max_x() -> f64 {
        Chart::LEFT + registry::criteria::PILLAR_MAX_SHARE * Chart::SCALE
    }
    /// Bottom of the bars' area.
    pub fn axis_y() -> u32 {
        3 * Chart::ROW + 4
    }
    /// Baseline of the axis legend.
    pub fn legend_y() -> u32 {
        3 * Chart::ROW + 22
    }
    /// C1's bounds, in French (« 20 % », « 50 % »).
    pub fn bounds() -> (String, String) {
        (fr::percent(registry::criteria::PILLAR_MIN_SHARE), fr::percent(registry::criteria::PILLAR_MAX_SHARE))
    }
}

fn pillar_rows(referentiel: &Referentiel, declaration: &Declaration) -> (Vec<PillarRow>, String) {
    let volumes = registry::volume::pillar_volumes(declaration, referentiel);
    let rows = Pillar::DISCIPLINARY
        .iter()
        .enumerate()
        .map(|(idx, pillar)| {
            let share = volumes.share(*pillar);
            let width = share * Chart::SCALE;
            let row = idx as u32 * Chart::ROW;
            PillarRow {
                code: pillar.code(),
                label: referentiel
                    .pillar(*pillar)
                    .map_or_else(|| pillar.code().to_owned(), |info| info.label.fr.clone()),
                hours: fr::decimals(volumes.get(*pillar), 1),
                share: fr::percent(share),
                within: (registry::criteria::PILLAR_MIN_SHARE..=registry::criteria::PILLAR_MAX_SHARE).contains(&share),
                width,
                y: row + 8,
                text_y: row + 26,
                text_x: Chart::LEFT + Chart::SCALE + 8.0,
            }
        })
        .collect();
    (rows, fr::decimals(volumes.total(), 1))
}

/// One criterion of the stored report.
#[derive(Debug, Clone)]
pub struct CriterionView {
    /// `C1` … `C14`.
    pub id: String,
    /// Its French title.
    pub title: &'static str,
    /// `pass`, `fail`, `not_applicable`, `declarative`.
    pub status: String,
    /// French status.
    pub status_label: &'static str,
    /// Figures: French name and value.
    pub figures: Vec<(String, String)>,
    /// The registry's sentence.
    pub message: String,
}

/// The stored criteria report.
#[derive(Debug, Clone)]
pub struct ReportView {
    /// Whether no criterion fails.
    pub eligible: bool,
    /// The day it was computed, in French.
    pub evaluated_on: Option<String>,
    /// C1 to C14.
    pub criteria: Vec<CriterionView>,
    /// The ids of the failing criteria.
    pub failed: Vec<String>,
}

impl ReportView {
    /// The status of one criterion, if present.
    pub fn status_of(&self, id: &str) -> Option<&CriterionView> {
        self.criteria.iter().find(|criterion| criterion.id == id)
    }
}

fn status_label(code: &str) -> &'static str {
    [registry::Status::Pass, registry::Status::Fail, registry::Status::NotApplicable, registry::Status::Declarative]
        .into_iter()
        .find(|status| status.code() == code)
        .map_or("inconnu", registry::Status::label)
}

/// A figure's value in French.
fn show(value: &Value) -> String {
    match value {
        Value::Null => "—".to_owned(),
        Value::Bool(true) => "oui".to_owned(),
        Value::Bool(false) => "non".to_owned(),
        Value::Number(number) => number.as_f64().map_or_else(|| number.to_string(), |n| fr::decimals(n, 4)),
        Value::String(text) => text.clone(),
        Value::Array(items) if items.is_empty() => "aucune".to_owned(),
        Value::Array(items) => items.iter().map(show).collect::<Vec<_>>().join(", "),
        Value::Object(map) => {
            map.iter().map(|(key, value)| format!("{key} {}", show(value))).collect::<Vec<_>>().join(", ")
        }
    }
}

/// Reads the report stored with a programme (JSON written by the registry).
pub fn report_view(report: &str) -> ReportView {
    let value: Value = serde_json::from_str(report).unwrap_or(Value::Null);
    let criteria: Vec<CriterionView> = value["criteria"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|criterion| {
            let id = criterion["id"].as_str().unwrap_or_default().to_owned();
            let status = criterion["status"].as_str().unwrap_or_default().to_owned();
            let figures = criterion["figures"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(key, value)| {
                    (registry::criteria::figure_label(key).unwrap_or(key.as_str()).to_owned(), show(value))
                })
                .collect();
            CriterionView {
                title: registry::criteria::criterion(&id).map_or("", |criterion| criterion.title),
                status_label: status_label(&status),
                message: criterion["message"].as_str().unwrap_or_default().to_owned(),
                id,
                status,
                figures,
            }
        })
        .collect();
    let failed = criteria.iter().filter(|criterion| criterion.status == "fail").map(|c| c.id.clone()).collect();
    ReportView {
        eligible: value["verdict"] == "eligible",
        evaluated_on: value["evaluated_on"].as_str().and_then(Date::parse).map(fr_date),
        criteria,
        failed,
    }
}

/// The signed label a visitor can download.
#[derive(Debug, Clone)]
pub struct CredentialView {
    /// The credential's id (`urn:uuid:…`).
    pub id: String,
    /// Where to download it.
    pub download: String,
    /// Its revocation status URL.
    pub status_url: String,
}

/// The label's standing.
#[derive(Debug, Clone)]
pub struct LabelView {
    /// Stored state code.
    pub code: &'static str,
    /// French state.
    pub label: &'static str,
    /// Day of the latest grant, in French.
    pub granted_on: Option<String>,
    /// Last day of validity (included), in French.
    pub valid_until: Option<String>,
    /// The credential that holds now, for granted labels.
    pub credential: Option<CredentialView>,
    /// When the latest credential was revoked, and why.
    pub revoked: Option<(String, String)>,
}

/// One public line of the label history.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    /// Day, in French.
    pub date: String,
    /// « déposée → en cours d'instruction », or « création (brouillon) ».
    pub change: String,
    /// Who, by role (never the person).
    pub actor: &'static str,
    /// Why, as given.
    pub reason: String,
}

/// Everything the pages show of one programme.
#[derive(Debug, Clone)]
pub struct ProgrammeView {
    /// Store id.
    pub id: ProgrammeId,
    /// `/formations/{id}`.
    pub path: String,
    /// The public address of the page.
    pub url: String,
    /// The validated declaration.
    pub declaration: Declaration,
    /// Title.
    pub title: String,
    /// Declared provider.
    pub provider: String,
    /// The organisation that declared it in the registry.
    pub organisation: String,
    /// Diploma, in French, capitalised.
    pub diploma: String,
    /// « niveau 7 », or « sans niveau RNCP ».
    pub level: String,
    /// « RNCP99701 », « RS9901 ».
    pub registration: Option<String>,
    /// Region name.
    pub region: Option<&'static str>,
    /// City.
    pub city: Option<String>,
    /// « Lyon (Auvergne-Rhône-Alpes) », or « — ».
    pub place: String,
    /// Modalities, in French.
    pub modalities: String,
    /// Teaching language, in French.
    pub language: String,
    /// « 120 ECTS, 1 095 h ».
    pub volume: String,
    /// Semesters.
    pub semesters: Option<u32>,
    /// Work-study.
    pub apprenticeship: bool,
    /// « 20 % ».
    pub practitioner_share: Option<String>,
    /// Last update of the declaration, in French.
    pub updated: String,
    /// The provider's public page, when it is an http(s) URL.
    pub public_url: Option<String>,
    /// Demonstration programme.
    pub example: bool,
    /// Units.
    pub units: Vec<UnitView>,
    /// Projects.
    pub projects: Vec<ProjectView>,
    /// Placements.
    pub placements: Vec<PlacementView>,
    /// Graduates of the last cohort.
    pub graduates: Option<u32>,
    /// « 87 % ».
    pub employment: Option<String>,
    /// Whether outcomes are published.
    pub outcomes_published: Option<bool>,
    /// The pillar chart and table.
    pub pillars: Vec<PillarRow>,
    /// Data-science hours of the chart.
    pub pillar_hours: String,
    /// The criteria report.
    pub report: ReportView,
    /// The label.
    pub label: LabelView,
}

fn http_url(url: Option<&String>) -> Option<String> {
    url.filter(|url| url.starts_with("https://") || url.starts_with("http://")).cloned()
}

/// Reads a programme for `viewer`: `NotFound` when it does not exist or `viewer` may not read it
/// (a draft of another organisation looks like nothing at all).
pub async fn visible_programme(
    state: &AppState,
    raw_id: &str,
    viewer: Option<&store::User>,
) -> Result<store::Programme, AppError> {
    let not_found = || {
        AppError::NotFound(format!(
            "Aucune formation publique ne porte l'identifiant « {raw_id} ». Les identifiants sont des nombres \
             entiers ; cherchez la formation sur /formations."
        ))
    };
    let id = raw_id.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(not_found)?;
    let programme = state.store.programme(ProgrammeId(id)).await?.ok_or_else(not_found)?;
    if catalogue::may_read(viewer, &programme) { Ok(programme) } else { Err(not_found()) }
}

/// Builds the view of a programme.
pub async fn programme_view(state: &AppState, programme: &store::Programme) -> Result<ProgrammeView, AppError> {
    let referentiel = &state.referentiel;
    let declaration = catalogue::read_declaration(referentiel, programme).map_err(AppError::from)?;
    let organisation = state.store.organisation(programme.organisation_id).await?.map(|organisation| organisation.name);
    let label = label_view(state, programme).await?;
    let declared = &declaration.programme;
    let region = declared.region.as_deref().and_then(registry::region_name);
    let place = match (&declared.city, region) {
        (Some(city), Some(region)) => format!("{city} ({region})"),
        (Some(city), None) => city.clone(),
        (None, Some(region)) => region.to_owned(),
        (None, None) => "—".to_owned(),
    };
    let units = declaration
        .units
        .iter()
        .map(|unit| UnitView {
            code: unit.code.clone(),
            title: unit.title.clone(),
            volume: volume(unit.ects, unit.hours),
            semester: unit.semester.map_or_else(|| "—".to_owned(), |semester| format!("S{semester}")),
            kind: match &unit.sector {
                Some(sector) => format!(
                    "{} : {}",
                    unit.kind.label(),
                    referentiel.sector(sector).map_or_else(|| sector.clone(), |sector| sector.label.fr.clone())
                ),
                None => unit.kind.label().to_owned(),
            },
            competences: claims(referentiel, &unit.competences),
            assessments: unit.assessments.iter().map(|kind| kind.label()).collect::<Vec<_>>().join(", "),
        })
        .collect();
    let projects = declaration
        .projects
        .iter()
        .map(|project| {
            let provenance = match (&project.data_provenance, &project.partner) {
                _ if project.synthetic => "données simulées".to_owned(),
                (Some(url), _) => url.clone(),
                (None, Some(partner)) => format!("partenaire : {partner}"),
                (None, None) => "non précisée".to_owned(),
            };
            let mut size = Vec::new();
            if let Some(gb) = project.data_size_gb {
                size.push(format!("{} Go", fr::number(gb)));
            }
            if let Some(records) = project.records {
                size.push(format!("{} enregistrements", fr::decimals(records as f64, 0)));
            }
            if let Some(sources) = project.sources {
                size.push(format!("{sources} source(s)"));
            }
            ProjectView {
                title: project.title.clone(),
                volume: volume(project.ects, project.hours),
                provenance_url: if project.synthetic { None } else { http_url(project.data_provenance.as_ref()) },
                provenance,
                size: if size.is_empty() { "—".to_owned() } else { size.join(" ; ") },
                graded: project.graded,
                competences: claims(referentiel, &project.competences),
            }
        })
        .collect();
    let placements = declaration
        .placements
        .iter()
        .map(|placement| PlacementView {
            kind: placement.kind.label(),
            weeks: placement.weeks,
            mandatory: placement.mandatory,
        })
        .collect();
    let (pillars, pillar_hours) = pillar_rows(referentiel, &declaration);
    Ok(ProgrammeView {
        id: programme.id,
        path: format!("/formations/{}", programme.id),
        url: catalogue::programme_url(&state.base_url, programme.id),
        title: declared.title.clone(),
        provider: declared.provider.clone(),
        organisation: organisation.unwrap_or_else(|| declared.provider.clone()),
        diploma: super::capitalise(declared.diploma.label()),
        level: declared.level.map_or_else(|| "sans niveau RNCP".to_owned(), |level| format!("niveau {level}")),
        registration: declared.rncp.clone().or_else(|| declared.rs.clone()),
        region,
        city: declared.city.clone(),
        place,
        modalities: declared.modality.iter().map(|modality| modality.label()).collect::<Vec<_>>().join(", "),
        language: catalogue::language_name(&declared.language),
        volume: volume(declared.total_ects, declared.total_hours),
        semesters: declared.semesters,
        apprenticeship: declared.apprenticeship,
        practitioner_share: declared.practitioner_share.map(fr::percent),
        updated: fr_date(declared.updated),
        public_url: http_url(declared.public_url.as_ref()),
        example: programme.example,
        units,
        projects,
        placements,
        graduates: declaration.outcomes.as_ref().and_then(|outcomes| outcomes.graduates),
        employment: declaration.outcomes.as_ref().and_then(|outcomes| outcomes.employment_6m).map(fr::percent),
        outcomes_published: declaration.outcomes.as_ref().map(|outcomes| outcomes.published),
        pillars,
        pillar_hours,
        report: report_view(&programme.report),
        label,
        declaration,
    })
}

/// The label's standing: state, validity of the latest credential, the one to download.
pub async fn label_view(state: &AppState, programme: &store::Programme) -> Result<LabelView, AppError> {
    let credentials = state.store.credentials_of_programme(programme.id).await?;
    let latest = credentials.last();
    let keeps_dates =
        matches!(programme.label_state, LabelState::Granted | LabelState::Suspended | LabelState::Expired);
    let current = if programme.label_state == LabelState::Granted {
        state.store.current_credential(programme.id, store::unix_now()).await?
    } else {
        None
    };
    Ok(LabelView {
        code: programme.label_state.code(),
        label: state_label(programme.label_state),
        granted_on: latest.filter(|_| keeps_dates).map(|credential| fr_day(credential.issued_at)),
        // `valid_until` is the first instant no longer valid: the day before is the last one.
        valid_until: latest.filter(|_| keeps_dates).map(|credential| fr_day(credential.valid_until - 1)),
        credential: current.map(|credential| CredentialView {
            status_url: CredentialId::from_urn(&credential.id)
                .map_or_else(String::new, |id| id.status_url(&state.base_url)),
            id: credential.id,
            download: format!("/formations/{}/label.jwt", programme.id),
        }),
        revoked: latest.and_then(|credential| {
            Some((fr_day(credential.revoked_at?), credential.revocation_reason.clone().unwrap_or_default()))
        }),
    })
}

/// The public history: when, what, by which role, why.
pub async fn history(state: &AppState, programme: ProgrammeId) -> Result<Vec<HistoryRow>, AppError> {
    let transitions = state.store.label_history(programme).await?;
    let mut rows = Vec::with_capacity(transitions.len());
    for transition in transitions {
        let actor = match transition.actor {
            store::Actor::System => "système",
            store::Actor::User(user) => match state.store.user(user).await?.map(|user| user.role) {
                Some(store::Role::Provider) => registry::workflow::Role::Provider.label(),
                Some(store::Role::Reviewer) => registry::workflow::Role::Reviewer.label(),
                Some(store::Role::Admin) => registry::workflow::Role::Admin.label(),
                None => "compte supprimé",
            },
        };
        let change = match transition.from {
            Some(from) => format!("{} → {}", state_label(from), state_label(transition.to)),
            None => format!("création ({})", state_label(transition.to)),
        };
        rows.push(HistoryRow { date: fr_day(transition.at), change, actor, reason: transition.reason });
    }
    Ok(rows)
}

/// ISO 8601 duration of a programme: its semesters (six months each), or its hours for a short
/// course.
fn time_to_complete(declaration: &Declaration) -> Option<String> {
    let programme = &declaration.programme;
    match (programme.semesters, programme.total_hours) {
        (Some(semesters), _) => Some(format!("P{}M", semesters * 6)),
        (None, Some(hours)) if hours > 0.0 => Some(format!("PT{}H", hours.round() as u64)),
        _ => None,
    }
}

/// The schema.org `EducationalOccupationalProgram` of a programme, as JSON-LD.
pub fn json_ld(view: &ProgrammeView, referentiel: &Referentiel, base_url: &str) -> Value {
    let declared = &view.declaration.programme;
    let term = |id: &str, level: Level| {
        let label = referentiel.competence(id).map_or_else(|| id.to_owned(), |c| c.label.fr.clone());
        json!({
            "@type": "DefinedTerm",
            "termCode": id,
            "name": format!("{label} ({})", level.code()),
            "url": format!("{base_url}/referentiel/{id}"),
            "inDefinedTermSet": format!("{base_url}/referentiel"),
        })
    };
    let teaches: Vec<Value> =
        registry::volume::highest_levels(&view.declaration).iter().map(|(id, level)| term(id, *level)).collect();
    let mut address = serde_json::Map::new();
    address.insert("@type".to_owned(), json!("PostalAddress"));
    address.insert("addressCountry".to_owned(), json!("FR"));
    if let Some(city) = &view.city {
        address.insert("addressLocality".to_owned(), json!(city));
    }
    if let Some(region) = view.region {
        address.insert("addressRegion".to_owned(), json!(region));
    }
    let credential = match declared.level {
        Some(level) => format!("{} (niveau {level})", declared.diploma.label()),
        None => declared.diploma.label().to_owned(),
    };
    let mut program = json!({
        "@context": "https://schema.org",
        "@type": "EducationalOccupationalProgram",
        "@id": view.url,
        "url": view.url,
        "name": declared.title,
        "inLanguage": declared.language,
        "provider": {
            "@type": "EducationalOrganization",
            "name": declared.provider,
            "address": Value::Object(address),
        },
        "educationalCredentialAwarded": credential,
        "educationalProgramMode": declared.modality.iter().map(|modality| modality.label()).collect::<Vec<_>>(),
        "teaches": teaches,
        "hasCourse": view.declaration.units.iter().map(|unit| json!({
            "@type": "Course",
            "courseCode": unit.code,
            "name": unit.title,
            "teaches": unit.competences.iter().map(|claim| term(&claim.id, claim.level)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    let object = program.as_object_mut().expect("objet");
    if let Some(duration) = time_to_complete(&view.declaration) {
        object.insert("timeToComplete".to_owned(), json!(duration));
    }
    if let Some(ects) = declared.total_ects {
        object.insert(
            "numberOfCredits".to_owned(),
            json!({ "@type": "StructuredValue", "value": ects, "unitText": "ECTS" }),
        );
    }
    if let Some(code) = &view.registration {
        let register = if declared.rncp.is_some() { "RNCP" } else { "RS" };
        object.insert(
            "identifier".to_owned(),
            json!({ "@type": "PropertyValue", "propertyID": register, "value": code }),
        );
    }
    if let Some(url) = &view.public_url {
        object.insert("sameAs".to_owned(), json!(url));
    }
    if let Some(level) = declared.level {
        // The niveau a programme of this level recruits from, when it has one.
        let prerequisite = match level {
            6 => Some("baccalauréat ou équivalent (niveau 4)"),
            7 => Some("licence ou équivalent (niveau 6)"),
            8 => Some("master ou équivalent (niveau 7)"),
            _ => None,
        };
        if let Some(prerequisite) = prerequisite {
            object.insert(
                "programPrerequisites".to_owned(),
                json!({ "@type": "EducationalOccupationalCredential", "name": prerequisite }),
            );
        }
    }
    if view.example {
        object
            .insert("description".to_owned(), json!("Exemple fictif du registre socle : formation de démonstration."));
    }
    program
}

/// JSON text safe inside `<script type="application/ld+json">`: `<`, `>` and `&` are written as
/// Unicode escapes (still the same JSON), so that no `</script>` or `<!--` can end the element.
pub fn script_json(value: &Value) -> String {
    let text = value.to_string();
    let mut safe = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            '\u{2028}' => safe.push_str("\\u2028"),
            '\u{2029}' => safe.push_str("\\u2029"),
            other => safe.push(other),
        }
    }
    safe
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_its_element_and_reads_back() {
        let value = json!({ "name": "</script><script>alert(1)</script> & <!-- \u{2028}" });
        let safe = script_json(&value);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'), "{safe}");
        assert_eq!(serde_json::from_str::<Value>(&safe).expect("JSON"), value);
    }

    #[test]
    fn french_dates() {
        assert_eq!(fr_date(Date::new(2026, 12, 1).expect("date")), "1er décembre 2026");
        assert_eq!(fr_date(Date::new(2029, 11, 27).expect("date")), "27 novembre 2029");
    }
}
