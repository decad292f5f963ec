//! The label criteria C1–C14: pure functions of a declaration, the référentiel and today's date,
//! each returning a status, the figures behind it and a French sentence saying what to change.
//!
//! How each is computed is documented for providers in the book (annexe « Déclarer une formation »);
//! the thresholds are the constants of this module.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};
use skills::{Level, Pillar, Referentiel};

use crate::date::Date;
use crate::fr;
use crate::model::{Container, Declaration, Diploma, PlacementKind, Project, UnitKind};
use crate::volume::{self, PillarVolumes};

/// Lowest share of the data-science volume each pillar must have (C1).
pub const PILLAR_MIN_SHARE: f64 = 0.20;
/// Highest share of the data-science volume a pillar may have (C1).
pub const PILLAR_MAX_SHARE: f64 = 0.50;
/// Minimum data-science volume of a programme with a niveau, in credits (C2)…
pub const MIN_ECTS: f64 = 60.0;
/// … or in hours (C2).
pub const MIN_HOURS: f64 = 400.0;
/// Minimum data-science volume of a short course or MOOC, in hours (C2).
pub const SHORT_MIN_HOURS: f64 = 30.0;
/// Share of core competences at N3 or above required at niveau 7 and 8 (C4).
pub const DEPTH_MIN_SHARE: f64 = 0.5;
/// Competences at N3 or above required in each disciplinary pillar at niveau 7 and 8 (C4).
pub const DEPTH_MIN_PER_PILLAR: usize = 2;
/// Minimum share of the units' volume in the common core (C6).
pub const MIN_CORE_SHARE: f64 = 0.7;
/// A real-size project has at least this many gigabytes of data (C7)…
pub const PROJECT_MIN_GB: f64 = 1.0;
/// … or this many records (C7)…
pub const PROJECT_MIN_RECORDS: u64 = 1_000_000;
/// … or combines this many sources (C7).
pub const PROJECT_MIN_SOURCES: u32 = 3;
/// A real-size project weighs at least this many credits (C7)…
pub const PROJECT_MIN_ECTS: f64 = 5.0;
/// … or this many hours (C7).
pub const PROJECT_MIN_HOURS: f64 = 100.0;
/// Weeks in a company required at niveau 5 and 6 (C8).
pub const PLACEMENT_MIN_WEEKS_5_6: u32 = 8;
/// Weeks in a company required at niveau 7 unless the programme is in work-study (C8).
pub const PLACEMENT_MIN_WEEKS_7: u32 = 20;
/// The référentiel group whose competences are data law and ethics (C10).
pub const LAW_AND_ETHICS_GROUP: &str = "MET-DROIT";
/// Minimum share of teaching by practitioners (C13).
pub const PRACTITIONER_MIN_SHARE: f64 = 0.10;
/// A declaration must have been updated within this many months (C14).
pub const UPDATE_MONTHS: i32 = 12;
/// A granted label is valid for this many years (C14 and the workflow).
pub const LABEL_VALIDITY_YEARS: i32 = 3;

/// Share of core competences that must be claimed at N2 or above, by niveau (C3).
pub fn core_coverage_threshold(niveau: u8) -> f64 {
    match niveau {
        5 => 0.60,
        6 => 0.85,
        _ => 1.0,
    }
}

/// The outcome of one criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The criterion holds.
    Pass,
    /// The criterion does not hold: the programme is not eligible.
    Fail,
    /// The criterion does not concern this kind of programme.
    NotApplicable,
    /// The provider's word is taken; a reviewer checks the evidence. Does not prevent eligibility.
    Declarative,
}

impl Status {
    /// The code used in JSON (`pass`, `fail`, `not_applicable`, `declarative`).
    pub fn code(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotApplicable => "not_applicable",
            Status::Declarative => "declarative",
        }
    }

    /// The French word shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "conforme",
            Status::Fail => "non conforme",
            Status::NotApplicable => "sans objet",
            Status::Declarative => "déclaratif",
        }
    }
}

/// What one criterion says about a declaration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionResult {
    /// `C1` … `C14`.
    pub id: &'static str,
    /// The outcome.
    pub status: Status,
    /// The numbers behind the outcome, in a fixed order (keys are stable identifiers; see
    /// [`figure_label`] for their French names).
    pub figures: Map<String, Value>,
    /// A French sentence: what holds and, when it fails, what to change.
    pub message: String,
}

/// A label criterion.
#[derive(Debug, Clone, Copy)]
pub struct Criterion {
    /// `C1` … `C14`.
    pub id: &'static str,
    /// Its French name.
    pub title: &'static str,
    /// The check itself.
    pub check: fn(&Declaration, &Referentiel, Date) -> CriterionResult,
}

/// Every criterion, in order.
pub const CRITERIA: [Criterion; 14] = [
    Criterion { id: "C1", title: "Complétude des trois piliers", check: c1_completeness },
    Criterion { id: "C2", title: "Volume minimal", check: c2_volume },
    Criterion { id: "C3", title: "Couverture du tronc commun", check: c3_core_coverage },
    Criterion { id: "C4", title: "Profondeur", check: c4_depth },
    Criterion { id: "C5", title: "Cohérence des niveaux", check: c5_level_coherence },
    Criterion { id: "C6", title: "Tronc commun puis spécialisation tardive", check: c6_late_specialisation },
    Criterion { id: "C7", title: "Projet sur données réelles de taille réelle", check: c7_real_data_project },
    Criterion { id: "C8", title: "Immersion en entreprise", check: c8_company_immersion },
    Criterion { id: "C9", title: "Évaluation des compétences", check: c9_assessment },
    Criterion { id: "C10", title: "Droit et éthique des données", check: c10_law_and_ethics },
    Criterion { id: "C11", title: "Reconnaissance", check: c11_recognition },
    Criterion { id: "C12", title: "Transparence", check: c12_transparency },
    Criterion { id: "C13", title: "Part de praticiens", check: c13_practitioners },
    Criterion { id: "C14", title: "Validité et mise à jour annuelle", check: c14_yearly_update },
];

/// Looks a criterion up by id.
pub fn criterion(id: &str) -> Option<&'static Criterion> {
    CRITERIA.iter().find(|criterion| criterion.id == id)
}

/// Whether a programme may receive the label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No criterion fails.
    Eligible,
    /// At least one criterion fails.
    NotEligible,
}

impl Verdict {
    /// The French phrase shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Eligible => "éligible au label",
            Verdict::NotEligible => "non éligible au label",
        }
    }
}

/// Every criterion's result for one declaration, and the verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The programme's id.
    pub programme: String,
    /// Eligible when no criterion fails (declarative ones do not prevent it).
    pub verdict: Verdict,
    /// C1 to C14, in order.
    pub criteria: Vec<CriterionResult>,
}

impl Report {
    /// How many criteria have a status.
    pub fn count(&self, status: Status) -> usize {
        self.criteria.iter().filter(|result| result.status == status).count()
    }

    /// The result of one criterion.
    pub fn get(&self, id: &str) -> Option<&CriterionResult> {
        self.criteria.iter().find(|result| result.id == id)
    }
}

/// Runs every criterion.
pub fn evaluate(declaration: &Declaration, referentiel: &Referentiel, today: Date) -> Report {
    let criteria: Vec<CriterionResult> =
        CRITERIA.iter().map(|criterion| (criterion.check)(declaration, referentiel, today)).collect();
    let verdict = if criteria.iter().any(|result| result.status == Status::Fail) {
        Verdict::NotEligible
    } else {
        Verdict::Eligible
    };
    Report { programme: declaration.programme.id.clone(), verdict, criteria }
}

/// The French name of a figure key, for the terminal and pages.
pub fn figure_label(key: &str) -> Option<&'static str> {
    let label = match key {
        "volume_hours" => "volume de science des données (h)",
        "volume_ects" => "volume de science des données (ECTS)",
        "share_inf" => "part INF",
        "share_mst" => "part MST",
        "share_met" => "part MET",
        "min_share" => "part minimale",
        "max_share" => "part maximale",
        "units_without_competences" => "unités sans compétence",
        "min_hours" => "heures minimales",
        "min_ects" => "ECTS minimaux",
        "niveau" => "niveau RNCP",
        "core_total" => "compétences du tronc commun",
        "core_at_n2" => "tronc commun à N2 ou plus",
        "coverage" => "couverture",
        "threshold" => "seuil",
        "missing" => "manquantes",
        "core_at_n3" => "tronc commun à N3 ou plus",
        "share_core_n3" => "part du tronc commun à N3 ou plus",
        "n3_inf" => "compétences INF à N3 ou plus",
        "n3_mst" => "compétences MST à N3 ou plus",
        "n3_met" => "compétences MET à N3 ou plus",
        "min_per_pillar" => "minimum par pilier",
        "diploma" => "diplôme",
        "expected_niveau" => "niveau attendu pour ce diplôme",
        "highest_level" => "niveau visé le plus haut",
        "ceiling" => "niveau plafond",
        "above_ceiling" => "compétences au-dessus du plafond",
        "units_hours" => "volume des unités (h)",
        "core_hours" => "tronc commun (h)",
        "specialisation_hours" => "spécialisation (h)",
        "core_share" => "part du tronc commun",
        "min_core_share" => "part minimale du tronc commun",
        "semesters" => "semestres",
        "first_late_semester" => "premier semestre du dernier tiers",
        "early_specialisation" => "spécialisations trop précoces",
        "projects" => "projets",
        "qualifying_projects" => "projets conformes",
        "project" => "projet retenu",
        "real_data" => "données réelles",
        "data_size_gb" => "taille (Go)",
        "records" => "enregistrements",
        "sources" => "sources",
        "project_hours" => "volume du projet (h)",
        "project_ects" => "volume du projet (ECTS)",
        "graded" => "noté",
        "mandatory_weeks" => "semaines obligatoires en entreprise",
        "min_weeks" => "semaines minimales",
        "apprenticeship" => "alternance",
        "claimed_n2_plus" => "compétences visées à N2 ou plus",
        "assessed" => "évaluées",
        "unassessed" => "non évaluées",
        "competences" => "compétences",
        "min_level" => "niveau minimal",
        "national" => "diplôme national",
        "rncp" => "fiche RNCP",
        "rs" => "fiche RS",
        "registration_end" => "fin d'enregistrement",
        "public_url" => "page publique",
        "outcomes_published" => "devenir des diplômés publié",
        "graduates" => "diplômés",
        "employment_6m" => "emploi à 6 mois",
        "practitioner_share" => "part de praticiens",
        "updated" => "mise à jour",
        "age_days" => "ancienneté (jours)",
        "next_update_due" => "date limite de la prochaine mise à jour",
        "valid_until_if_granted_today" => "fin de validité si le label était accordé aujourd'hui",
        _ => return None,
    };
    Some(label)
}

// ---------------------------------------------------------------------------------------------
// Helpers.

/// Builds a figures map in order.
struct Figures(Map<String, Value>);

impl Figures {
    fn new() -> Figures {
        Figures(Map::new())
    }

    fn add(mut self, key: &str, value: impl Into<Value>) -> Figures {
        self.0.insert(key.to_owned(), value.into());
        self
    }

    fn result(self, id: &'static str, status: Status, message: String) -> CriterionResult {
        CriterionResult { id, status, figures: self.0, message }
    }
}

fn optional<T: Into<Value>>(value: Option<T>) -> Value {
    value.map_or(Value::Null, Into::into)
}

/// What kind of short programme this is, for « sans objet » messages.
fn short_kind(declaration: &Declaration) -> &'static str {
    match declaration.programme.diploma {
        Diploma::Court => "une formation courte",
        Diploma::Mooc => "un MOOC",
        _ => "une certification sans niveau RNCP",
    }
}

fn not_applicable_short(id: &'static str, declaration: &Declaration, reason: &str) -> CriterionResult {
    Figures::new().result(id, Status::NotApplicable, format!("Sans objet pour {} : {reason}", short_kind(declaration)))
}

/// The niveau of a programme that has one (not short).
fn niveau(declaration: &Declaration) -> Option<u8> {
    if declaration.is_short() { None } else { declaration.programme.level }
}

/// Clauses joined by « ; » into one sentence: capital first letter, final full stop.
fn sentence<T: AsRef<str>>(clauses: &[T]) -> String {
    let text = clauses.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(" ; ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

fn pillar_name(referentiel: &Referentiel, pillar: Pillar) -> String {
    match referentiel.pillar(pillar) {
        Some(info) => format!("{pillar} ({})", info.label.fr.to_lowercase()),
        None => pillar.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// C1 — each pillar between 20 % and 50 % of the data-science volume.

fn c1_completeness(declaration: &Declaration, referentiel: &Referentiel, _today: Date) -> CriterionResult {
    if declaration.is_short() {
        return not_applicable_short(
            "C1",
            declaration,
            "une formation courte peut porter sur un seul pilier ; l'équilibre des trois piliers n'est exigé que des formations diplômantes.",
        );
    }
    let volumes = volume::pillar_volumes(declaration, referentiel);
    let total = volumes.total();
    let figures = Figures::new()
        .add("volume_hours", fr::round(total, 1))
        .add("share_inf", fr::round(volumes.share(Pillar::Inf), 4))
        .add("share_mst", fr::round(volumes.share(Pillar::Mst), 4))
        .add("share_met", fr::round(volumes.share(Pillar::Met), 4))
        .add("min_share", PILLAR_MIN_SHARE)
        .add("max_share", PILLAR_MAX_SHARE);
    if total <= 0.0 {
        return figures.result(
            "C1",
            Status::Fail,
            "Aucune unité ni aucun projet ne déclare de compétence du référentiel : le volume de science des données est nul. Déclarez les compétences enseignées dans chaque unité (competences = [{ id = \"DS.INF.01\", level = \"N2\" }, …]).".to_owned(),
        );
    }
    let summary = Pillar::DISCIPLINARY
        .iter()
        .map(|pillar| format!("{pillar} {}", fr::percent(volumes.share(*pillar))))
        .collect::<Vec<_>>()
        .join(", ");
    let fixes = pillar_fixes(&volumes, referentiel);
    if fixes.is_empty() {
        figures.result(
            "C1",
            Status::Pass,
            format!(
                "Les trois piliers sont équilibrés sur les {} h de science des données : {summary} (chacun entre {} et {}).",
                fr::number(total),
                fr::percent(PILLAR_MIN_SHARE),
                fr::percent(PILLAR_MAX_SHARE)
            ),
        )
    } else {
        figures.result(
            "C1",
            Status::Fail,
            format!(
                "Sur les {} h de science des données : {summary}. Chaque pilier doit représenter entre {} et {} du volume. {}",
                fr::number(total),
                fr::percent(PILLAR_MIN_SHARE),
                fr::percent(PILLAR_MAX_SHARE),
                fixes.join(" ")
            ),
        )
    }
}

/// What to add for each pillar out of bounds, in hours.
fn pillar_fixes(volumes: &PillarVolumes, referentiel: &Referentiel) -> Vec<String> {
    let total = volumes.total();
    let mut fixes = Vec::new();
    for pillar in Pillar::DISCIPLINARY {
        let hours = volumes.get(pillar);
        let share = volumes.share(pillar);
        if share < PILLAR_MIN_SHARE - 1e-9 {
            // Adding x hours to this pillar: (hours + x) / (total + x) = min.
            let needed = ((PILLAR_MIN_SHARE * total - hours) / (1.0 - PILLAR_MIN_SHARE)).ceil();
            fixes.push(format!(
                "{} est à {} : ajoutez environ {} h d'enseignement de ce pilier, ou réduisez les autres.",
                pillar_name(referentiel, pillar),
                fr::percent(share),
                fr::number(needed)
            ));
        } else if share > PILLAR_MAX_SHARE + 1e-9 {
            // Adding x hours to the other pillars: hours / (total + x) = max.
            let needed = (hours / PILLAR_MAX_SHARE - total).ceil();
            fixes.push(format!(
                "{} est à {} : réduisez-le, ou ajoutez environ {} h d'enseignement des autres piliers.",
                pillar_name(referentiel, pillar),
                fr::percent(share),
                fr::number(needed)
            ));
        }
    }
    fixes
}

// ---------------------------------------------------------------------------------------------
// C2 — minimum data-science volume.

fn c2_volume(declaration: &Declaration, _referentiel: &Referentiel, _today: Date) -> CriterionResult {
    let (hours, ects) = volume::data_science_volume(declaration);
    let without: Vec<String> =
        declaration.units.iter().filter(|unit| unit.competences.is_empty()).map(|unit| unit.code.clone()).collect();
    let excluded = if without.is_empty() {
        String::new()
    } else {
        format!(" Les unités sans compétence déclarée ne comptent pas : {}.", without.join(", "))
    };
    let figures = Figures::new()
        .add("volume_hours", fr::round(hours, 1))
        .add("volume_ects", fr::round(ects, 1))
        .add("units_without_competences", without.clone());
    if declaration.is_short() {
        let figures = figures.add("min_hours", SHORT_MIN_HOURS);
        return if hours >= SHORT_MIN_HOURS {
            figures.result(
                "C2",
                Status::Pass,
                format!(
                    "{} h de science des données, pour un minimum de {} h pour {}.{excluded}",
                    fr::number(hours),
                    fr::number(SHORT_MIN_HOURS),
                    short_kind(declaration)
                ),
            )
        } else {
            figures.result(
                "C2",
                Status::Fail,
                format!(
                    "{} h de science des données seulement : il en faut au moins {} pour {} ; ajoutez {} h d'enseignement déclarant des compétences du référentiel.{excluded}",
                    fr::number(hours),
                    fr::number(SHORT_MIN_HOURS),
                    short_kind(declaration),
                    fr::number((SHORT_MIN_HOURS - hours).ceil())
                ),
            )
        };
    }
    let figures = figures.add("min_ects", MIN_ECTS).add("min_hours", MIN_HOURS);
    if ects >= MIN_ECTS || hours >= MIN_HOURS {
        figures.result(
            "C2",
            Status::Pass,
            format!(
                "{} ECTS et {} h de science des données, pour un minimum de {} ECTS ou {} h.{excluded}",
                fr::number(ects),
                fr::number(hours),
                fr::number(MIN_ECTS),
                fr::number(MIN_HOURS)
            ),
        )
    } else {
        figures.result(
            "C2",
            Status::Fail,
            format!(
                "{} ECTS et {} h de science des données seulement : il faut au moins {} ECTS ou {} h ; ajoutez {} h (ou {} ECTS) d'enseignement déclarant des compétences du référentiel.{excluded}",
                fr::number(ects),
                fr::number(hours),
                fr::number(MIN_ECTS),
                fr::number(MIN_HOURS),
                fr::number((MIN_HOURS - hours).ceil()),
                fr::number((MIN_ECTS - ects).ceil())
            ),
        )
    }
}

// ---------------------------------------------------------------------------------------------
// C3 — share of the common core claimed at N2 or above.

fn c3_core_coverage(declaration: &Declaration, referentiel: &Referentiel, _today: Date) -> CriterionResult {
    let Some(niveau) = niveau(declaration) else {
        return not_applicable_short(
            "C3",
            declaration,
            "une formation courte couvre quelques compétences, pas le tronc commun ; la couverture n'est exigée que des formations diplômantes.",
        );
    };
    let levels = volume::highest_levels(declaration);
    let core: Vec<&skills::Competence> = referentiel.competences.iter().filter(|competence| competence.core).collect();
    let missing: Vec<String> = core
        .iter()
        .filter(|competence| levels.get(&competence.id).is_none_or(|level| *level < Level::N2))
        .map(|competence| competence.id.clone())
        .collect();
    let covered = core.len() - missing.len();
    let coverage = if core.is_empty() { 1.0 } else { covered as f64 / core.len() as f64 };
    let threshold = core_coverage_threshold(niveau);
    let figures = Figures::new()
        .add("niveau", niveau)
        .add("core_total", core.len())
        .add("core_at_n2", covered)
        .add("coverage", fr::round(coverage, 4))
        .add("threshold", threshold)
        .add("missing", missing.clone());
    let needed = ((threshold * core.len() as f64) - 1e-9).ceil() as usize;
    if covered >= needed {
        let rest = if missing.is_empty() {
            String::new()
        } else {
            format!(" Non couvertes au niveau N2 : {}.", missing.join(", "))
        };
        figures.result(
            "C3",
            Status::Pass,
            format!(
                "{covered} des {} compétences du tronc commun sont visées au niveau N2 ou plus ({}), pour un minimum de {} au niveau {niveau}.{rest}",
                core.len(),
                fr::percent(coverage),
                fr::percent(threshold)
            ),
        )
    } else {
        figures.result(
            "C3",
            Status::Fail,
            format!(
                "{covered} des {} compétences du tronc commun seulement sont visées au niveau N2 ou plus ({}) ; il en faut {} au niveau {niveau}. Visez au moins N2 pour {} de plus parmi : {}.",
                core.len(),
                fr::percent(coverage),
                fr::percent(threshold),
                needed - covered,
                missing.join(", ")
            ),
        )
    }
}

// ---------------------------------------------------------------------------------------------
// C4 — depth at niveau 7 and 8.

fn c4_depth(declaration: &Declaration, referentiel: &Referentiel, _today: Date) -> CriterionResult {
    let niveau = match niveau(declaration) {
        None => {
            return not_applicable_short(
                "C4",
                declaration,
                "la profondeur (niveau N3) n'est exigée qu'aux niveaux 7 et 8.",
            );
        }
        Some(niveau @ 5..=6) => {
            return Figures::new().add("niveau", niveau).result(
                "C4",
                Status::NotApplicable,
                format!(
                    "Sans objet au niveau {niveau} : la profondeur (niveau N3) n'est exigée qu'aux niveaux 7 et 8."
                ),
            );
        }
        Some(niveau) => niveau,
    };
    let levels = volume::highest_levels(declaration);
    let core_total = referentiel.competences.iter().filter(|competence| competence.core).count();
    let core_at_n3 = referentiel
        .competences
        .iter()
        .filter(|competence| competence.core && levels.get(&competence.id).is_some_and(|level| *level >= Level::N3))
        .count();
    let share = if core_total == 0 { 1.0 } else { core_at_n3 as f64 / core_total as f64 };
    let per_pillar: Vec<(Pillar, usize)> = Pillar::DISCIPLINARY
        .iter()
        .map(|pillar| {
            let count = levels
                .iter()
                .filter(|(id, level)| {
                    **level >= Level::N3
                        && referentiel.competence(id).is_some_and(|competence| competence.pillar == *pillar)
                })
                .count();
            (*pillar, count)
        })
        .collect();
    let figures = Figures::new()
        .add("niveau", niveau)
        .add("core_total", core_total)
        .add("core_at_n3", core_at_n3)
        .add("share_core_n3", fr::round(share, 4))
        .add("min_share", DEPTH_MIN_SHARE)
        .add("n3_inf", per_pillar[0].1)
        .add("n3_mst", per_pillar[1].1)
        .add("n3_met", per_pillar[2].1)
        .add("min_per_pillar", DEPTH_MIN_PER_PILLAR);
    let mut fixes = Vec::new();
    let needed = ((DEPTH_MIN_SHARE * core_total as f64) - 1e-9).ceil() as usize;
    if core_at_n3 < needed {
        fixes.push(format!(
            "visez le niveau N3 pour {} compétence(s) du tronc commun de plus ({core_at_n3} sur {core_total}, soit {}, pour un minimum de {})",
            needed - core_at_n3,
            fr::percent(share),
            fr::percent(DEPTH_MIN_SHARE)
        ));
    }
    for (pillar, count) in &per_pillar {
        if *count < DEPTH_MIN_PER_PILLAR {
            fixes.push(format!(
                "le pilier {} n'a que {count} compétence(s) visée(s) à N3 ou plus, il en faut {DEPTH_MIN_PER_PILLAR}",
                pillar_name(referentiel, *pillar)
            ));
        }
    }
    let counts = format!("INF {}, MST {}, MET {}", per_pillar[0].1, per_pillar[1].1, per_pillar[2].1);
    if fixes.is_empty() {
        figures.result(
            "C4",
            Status::Pass,
            format!(
                "{core_at_n3} des {core_total} compétences du tronc commun sont visées au niveau N3 ou plus ({}, minimum {}) ; compétences à N3 ou plus par pilier : {counts} (minimum {DEPTH_MIN_PER_PILLAR}).",
                fr::percent(share),
                fr::percent(DEPTH_MIN_SHARE)
            ),
        )
    } else {
        figures.result(
            "C4",
            Status::Fail,
            format!("Profondeur insuffisante au niveau {niveau} : {}.", fixes.join(" ; ")),
        )
    }
}

// ---------------------------------------------------------------------------------------------
// C5 — the niveau matches the diploma, and target levels match the niveau.

/// The highest target level credible for a programme: expertise (N4) needs niveau 7 or 8.
fn level_ceiling(niveau: Option<u8>) -> Level {
    match niveau {
        Some(7..=8) => Level::N4,
        _ => Level::N3,
    }
}

fn c5_level_coherence(declaration: &Declaration, _referentiel: &Referentiel, _today: Date) -> CriterionResult {
    let programme = &declaration.programme;
    let niveau = niveau(declaration);
    let expected = programme.diploma.fixed_level();
    let levels = volume::highest_levels(declaration);
    let highest = levels.values().max().copied();
    let ceiling = level_ceiling(niveau);
    let above: Vec<String> = levels.iter().filter(|(_, level)| **level > ceiling).map(|(id, _)| id.clone()).collect();
    let figures = Figures::new()
        .add("diploma", programme.diploma.code())
        .add("niveau", optional(niveau))
        .add("expected_niveau", optional(expected))
        .add("highest_level", optional(highest.map(Level::code)))
        .add("ceiling", ceiling.code())
        .add("above_ceiling", above.clone());
    let mut fixes = Vec::new();
    if let (Some(niveau), Some(expected)) = (niveau, expected)
        && niveau != expected
    {
        fixes.push(format!(
            "un diplôme de type {} est de niveau {expected}, pas {niveau} : corrigez level ou diploma",
            programme.diploma.label()
        ));
    }
    if !above.is_empty() {
        let whom = match niveau {
            Some(niveau) => format!("au niveau {niveau}"),
            None => short_kind(declaration).to_owned(),
        };
        fixes.push(format!(
            "le niveau {} (expertise) n'est pas crédible {whom}, le plafond est {ceiling} : ramenez à {ceiling} au plus {}",
            Level::N4,
            above.join(", ")
        ));
    }
    if fixes.is_empty() {
        let diploma = match (niveau, expected) {
            (Some(niveau), Some(_)) => {
                format!("Le niveau {niveau} correspond au diplôme ({}). ", programme.diploma.label())
            }
            (Some(niveau), None) => format!("Niveau {niveau} déclaré. "),
            _ => String::new(),
        };
        let whom = match niveau {
            Some(niveau) => format!("au niveau {niveau}"),
            None => format!("pour {}", short_kind(declaration)),
        };
        let highest = match highest {
            Some(level) => format!("Niveau visé le plus haut : {level}, dans la limite de {ceiling} {whom}."),
            None => "Aucune compétence déclarée.".to_owned(),
        };
        figures.result("C5", Status::Pass, format!("{diploma}{highest}"))
    } else {
        figures.result("C5", Status::Fail, sentence(&fixes))
    }
}

// ---------------------------------------------------------------------------------------------
// C6 — at least 70 % common core; specialisation only in the last third.

/// The first semester of the last third of a programme: semester `s` is late when `3s > 2n`.
pub fn first_late_semester(semesters: u32) -> u32 {
    2 * semesters / 3 + 1
}

fn c6_late_specialisation(declaration: &Declaration, _referentiel: &Referentiel, _today: Date) -> CriterionResult {
    let (Some(_), Some(semesters)) = (niveau(declaration), declaration.programme.semesters) else {
        return not_applicable_short(
            "C6",
            declaration,
            "sans semestres ni tronc commun, la différenciation tardive ne s'applique pas.",
        );
    };
    let total: f64 = declaration.units.iter().map(|unit| unit.volume_hours()).sum();
    let specialisation: f64 = declaration
        .units
        .iter()
        .filter(|unit| unit.kind == UnitKind::Specialisation)
        .map(|unit| unit.volume_hours())
        .sum();
    let core = total - specialisation;
    let core_share = if total > 0.0 { core / total } else { 1.0 };
    let first_late = first_late_semester(semesters);
    let early: Vec<String> = declaration
        .units
        .iter()
        .filter(|unit| {
            unit.kind == UnitKind::Specialisation && unit.semester.is_some_and(|semester| semester < first_late)
        })
        .map(|unit| format!("{} (S{})", unit.code, unit.semester.unwrap_or_default()))
        .collect();
    let figures = Figures::new()
        .add("units_hours", fr::round(total, 1))
        .add("core_hours", fr::round(core, 1))
        .add("specialisation_hours", fr::round(specialisation, 1))
        .add("core_share", fr::round(core_share, 4))
        .add("min_core_share", MIN_CORE_SHARE)
        .add("semesters", semesters)
        .add("first_late_semester", first_late)
        .add("early_specialisation", early.clone());
    let mut fixes = Vec::new();
    if core_share < MIN_CORE_SHARE - 1e-9 {
        fixes.push(format!(
            "le tronc commun ne représente que {} du volume des unités ({} h sur {} h) : il en faut au moins {} (spécialisation {} au plus)",
            fr::percent(core_share),
            fr::number(core),
            fr::number(total),
            fr::percent(MIN_CORE_SHARE),
            fr::percent(1.0 - MIN_CORE_SHARE)
        ));
    }
    if !early.is_empty() {
        fixes.push(format!(
            "la spécialisation commence trop tôt : {} ; sur {semesters} semestres, les unités de spécialisation vont au semestre {first_late} ou après (dernier tiers)",
            early.join(", ")
        ));
    }
    if fixes.is_empty() {
        figures.result(
            "C6",
            Status::Pass,
            format!(
                "Le tronc commun représente {} du volume des unités (minimum {}) et la spécialisation n'intervient qu'à partir du semestre {first_late} sur {semesters}.",
                fr::percent(core_share),
                fr::percent(MIN_CORE_SHARE)
            ),
        )
    } else {
        figures.result("C6", Status::Fail, sentence(&fixes))
    }
}

// ---------------------------------------------------------------------------------------------
// C7 — a graded project on real data of real size.

/// Which of the four conditions of C7 a project meets.
struct ProjectCheck<'a> {
    project: &'a Project,
    real: bool,
    size: bool,
    volume: bool,
    graded: bool,
}

impl ProjectCheck<'_> {
    fn met(&self) -> usize {
        usize::from(self.real) + usize::from(self.size) + usize::from(self.volume) + usize::from(self.graded)
    }

    fn gaps(&self) -> Vec<String> {
        let project = self.project;
        let mut gaps = Vec::new();
        if !self.real {
            gaps.push(if project.synthetic {
                "les données sont simulées (synthetic = true) : il faut des données réelles".to_owned()
            } else {
                "indiquez la provenance des données (data_provenance ou partner)".to_owned()
            });
        }
        if !self.size {
            gaps.push(format!(
                "données trop petites ({} Go, {} enregistrements, {} source(s)) : il faut au moins {} Go, ou {} enregistrements, ou {} sources",
                project.data_size_gb.map_or("?".to_owned(), fr::number),
                project.records.map_or("?".to_owned(), |records| fr::number(records as f64)),
                project.sources.map_or("?".to_owned(), |sources| sources.to_string()),
                fr::number(PROJECT_MIN_GB),
                fr::number(PROJECT_MIN_RECORDS as f64),
                PROJECT_MIN_SOURCES
            ));
        }
        if !self.volume {
            gaps.push(format!(
                "volume trop faible ({} ECTS, {} h) : il faut au moins {} ECTS ou {} h",
                fr::number(project.volume_ects()),
                fr::number(project.volume_hours()),
                fr::number(PROJECT_MIN_ECTS),
                fr::number(PROJECT_MIN_HOURS)
            ));
        }
        if !self.graded {
            gaps.push("le projet n'est pas noté (graded = false)".to_owned());
        }
        gaps
    }
}

fn check_project(project: &Project) -> ProjectCheck<'_> {
    ProjectCheck {
        project,
        real: !project.synthetic && (project.data_provenance.is_some() || project.partner.is_some()),
        size: project.data_size_gb.is_some_and(|size| size >= PROJECT_MIN_GB)
            || project.records.is_some_and(|records| records >= PROJECT_MIN_RECORDS)
            || project.sources.is_some_and(|sources| sources >= PROJECT_MIN_SOURCES),
        volume: project.volume_ects() >= PROJECT_MIN_ECTS || project.volume_hours() >= PROJECT_MIN_HOURS,
        graded: project.graded,
    }
}

fn c7_real_data_project(declaration: &Declaration, _referentiel: &Referentiel, _today: Date) -> CriterionResult {
    if declaration.is_short() {
        return not_applicable_short(
            "C7",
            declaration,
            "un projet de 5 ECTS ou 100 h dépasse le format ; il n'est exigé que des formations diplômantes.",
        );
    }
    let checks: Vec<ProjectCheck<'_>> = declaration.projects.iter().map(check_project).collect();
    let qualifying = checks.iter().filter(|check| check.met() == 4).count();
    let figures = Figures::new().add("projects", checks.len()).add("qualifying_projects", qualifying);
    // The first qualifying project, or the one closest to qualifying.
    let best = checks.iter().rev().max_by_key(|check| check.met());
    let Some(best) = best else {
        return figures.result(
            "C7",
            Status::Fail,
            format!(
                "Aucun projet déclaré : ajoutez un projet noté ([[projects]]) sur données réelles (data_provenance ou partner) d'au moins {} Go, {} enregistrements ou {} sources, de {} ECTS ou {} h au moins.",
                fr::number(PROJECT_MIN_GB),
                fr::number(PROJECT_MIN_RECORDS as f64),
                PROJECT_MIN_SOURCES,
                fr::number(PROJECT_MIN_ECTS),
                fr::number(PROJECT_MIN_HOURS)
            ),
        );
    };
    let project = best.project;
    let figures = figures
        .add("project", project.title.clone())
        .add("real_data", best.real)
        .add("data_size_gb", optional(project.data_size_gb))
        .add("records", optional(project.records))
        .add("sources", optional(project.sources))
        .add("project_hours", fr::round(project.volume_hours(), 1))
        .add("project_ects", fr::round(project.volume_ects(), 1))
        .add("graded", project.graded);
    if best.met() == 4 {
        let provenance = project
            .partner
            .as_ref()
            .map(|partner| format!("données fournies par {partner}"))
            .or_else(|| project.data_provenance.as_ref().map(|url| format!("données de {url}")))
            .unwrap_or_default();
        figures.result(
            "C7",
            Status::Pass,
            format!(
                "Le projet « {} » est noté, porte sur des données réelles ({provenance}) de taille réelle et pèse {} ECTS / {} h.",
                project.title,
                fr::number(project.volume_ects()),
                fr::number(project.volume_hours())
            ),
        )
    } else {
        figures.result(
            "C7",
            Status::Fail,
            format!(
                "Aucun des {} projet(s) ne remplit toutes les conditions. Le plus proche, « {} » : {}.",
                checks.len(),
                project.title,
                best.gaps().join(" ; ")
            ),
        )
    }
}

// ---------------------------------------------------------------------------------------------
// C8 — time in companies.

fn c8_company_immersion(declaration: &Declaration, _referentiel: &Referentiel, _today: Date) -> CriterionResult {
    let niveau = match niveau(declaration) {
        None => {
            return not_applicable_short(
                "C8",
                declaration,
                "l'immersion en entreprise n'est exigée que des formations diplômantes.",
            );
        }
        Some(8) => {
            return Figures::new().add("niveau", 8).result(
                "C8",
                Status::NotApplicable,
                "Sans objet au niveau 8 : le doctorat est une expérience professionnelle de recherche.".to_owned(),
            );
        }
        Some(niveau) => niveau,
    };
    let mandatory_weeks: u32 =
        declaration.placements.iter().filter(|placement| placement.mandatory).map(|placement| placement.weeks).sum();
    let apprenticeship = declaration.programme.apprenticeship
        || declaration
            .placements
            .iter()
            .any(|placement| placement.mandatory && placement.kind == PlacementKind::Alternance);
    let min_weeks = if niveau >= 7 { PLACEMENT_MIN_WEEKS_7 } else { PLACEMENT_MIN_WEEKS_5_6 };
    let figures = Figures::new()
        .add("niveau", niveau)
        .add("mandatory_weeks", mandatory_weeks)
        .add("min_weeks", min_weeks)
        .add("apprenticeship", apprenticeship);
    if apprenticeship {
        figures.result(
            "C8",
            Status::Pass,
            format!("La formation se suit en alternance : l'immersion en entreprise est acquise ({mandatory_weeks} semaines obligatoires déclarées)."),
        )
    } else if mandatory_weeks >= min_weeks {
        figures.result(
            "C8",
            Status::Pass,
            format!("{mandatory_weeks} semaines obligatoires en entreprise, pour un minimum de {min_weeks} au niveau {niveau}."),
        )
    } else {
        figures.result(
            "C8",
            Status::Fail,
            format!(
                "{mandatory_weeks} semaine(s) obligatoire(s) en entreprise seulement : il en faut au moins {min_weeks} au niveau {niveau} ; allongez le stage obligatoire de {} semaine(s) ([[placements]] avec mandatory = true) ou ouvrez la formation en alternance (apprenticeship = true).",
                min_weeks - mandatory_weeks
            ),
        )
    }
}

// ---------------------------------------------------------------------------------------------
// C9 — every competence claimed at N2 or above is assessed at that level.

fn c9_assessment(declaration: &Declaration, _referentiel: &Referentiel, _today: Date) -> CriterionResult {
    let levels = volume::highest_levels(declaration);
    // For each competence, where it reaches its highest level, and whether one of those places is graded.
    let mut places: BTreeMap<&str, (Vec<String>, bool)> = BTreeMap::new();
    for (container, claim) in declaration.claims() {
        if claim.level < Level::N2 || levels.get(&claim.id) != Some(&claim.level) {
            continue;
        }
        let entry = places.entry(claim.id.as_str()).or_default();
        entry.0.push(container_short(&container));
        entry.1 |= container.is_assessed();
    }
    let unassessed: Vec<String> =
        places.iter().filter(|(_, (_, assessed))| !assessed).map(|(id, _)| (*id).to_owned()).collect();
    let figures = Figures::new()
        .add("claimed_n2_plus", places.len())
        .add("assessed", places.len() - unassessed.len())
        .add("unassessed", unassessed.clone());
    if places.is_empty() {
        return figures.result(
            "C9",
            Status::Pass,
            "Aucune compétence n'est visée au niveau N2 ou plus : rien à évaluer.".to_owned(),
        );
    }
    if unassessed.is_empty() {
        figures.result(
            "C9",
            Status::Pass,
            if places.len() == 1 {
                "La compétence visée au niveau N2 ou plus est évaluée par une épreuve notée là où ce niveau est visé."
                    .to_owned()
            } else {
                format!(
                    "Les {} compétences visées au niveau N2 ou plus sont évaluées par une épreuve notée là où ce niveau est visé.",
                    places.len()
                )
            },
        )
    } else {
        let details: Vec<String> = unassessed
            .iter()
            .map(|id| {
                let level = levels.get(id).map_or("", |level| level.code());
                let where_ = places.get(id.as_str()).map(|(names, _)| names.join(", ")).unwrap_or_default();
                format!("{id} ({level}, {where_})")
            })
            .collect();
        figures.result(
            "C9",
            Status::Fail,
            format!(
                "{} compétence(s) visée(s) à N2 ou plus ne sont évaluées par aucune épreuve notée là où ce niveau est visé : {}. Ajoutez une modalité d'évaluation (assessments) à ces unités ou périodes, ou notez le projet (graded = true).",
                unassessed.len(),
                details.join(" ; ")
            ),
        )
    }
}

fn container_short(container: &Container<'_>) -> String {
    match container {
        Container::Unit(unit) => unit.code.clone(),
        Container::Project(project) => format!("projet « {} »", project.title),
        Container::Placement(placement) => placement.kind.label().to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// C10 — data law and ethics at N2 or above.

fn c10_law_and_ethics(declaration: &Declaration, referentiel: &Referentiel, _today: Date) -> CriterionResult {
    if declaration.is_short() {
        return not_applicable_short(
            "C10",
            declaration,
            "le droit et l'éthique des données ne sont exigés au niveau N2 que des formations diplômantes.",
        );
    }
    let levels = volume::highest_levels(declaration);
    let required: Vec<&skills::Competence> = referentiel.competences_in_group(LAW_AND_ETHICS_GROUP).collect();
    let mut claimed = Map::new();
    for competence in &required {
        claimed.insert(competence.id.clone(), optional(levels.get(&competence.id).map(|level| level.code())));
    }
    let figures = Figures::new().add("competences", Value::Object(claimed)).add("min_level", Level::N2.code());
    if required.is_empty() {
        return figures.result(
            "C10",
            Status::NotApplicable,
            format!(
                "Le référentiel {} n'a pas de groupe {LAW_AND_ETHICS_GROUP} (droit et éthique) : rien à vérifier.",
                referentiel.version
            ),
        );
    }
    let short: Vec<String> = required
        .iter()
        .filter(|competence| levels.get(&competence.id).is_none_or(|level| *level < Level::N2))
        .map(|competence| {
            let level = levels.get(&competence.id).map_or("absente".to_owned(), |level| format!("visée à {level}"));
            format!("{} — {} ({level})", competence.id, competence.label.fr)
        })
        .collect();
    if short.is_empty() {
        let names: Vec<String> =
            required.iter().map(|competence| format!("{} ({})", competence.label.fr, competence.id)).collect();
        figures.result("C10", Status::Pass, format!("{} sont visés au niveau N2 ou plus.", names.join(" et ")))
    } else {
        figures.result(
            "C10",
            Status::Fail,
            format!(
                "Le droit et l'éthique des données doivent être visés au niveau N2 ou plus ; à relever : {}.",
                short.join(" ; ")
            ),
        )
    }
}

// ---------------------------------------------------------------------------------------------
// C11 — recognition: national diploma, or an active RNCP/RS registration.

fn c11_recognition(declaration: &Declaration, _referentiel: &Referentiel, today: Date) -> CriterionResult {
    if declaration.is_short() {
        return not_applicable_short(
            "C11",
            declaration,
            "le label porte sur le contenu ; un enregistrement RNCP ou RS n'est pas exigé.",
        );
    }
    let programme = &declaration.programme;
    let national = programme.diploma.is_national();
    let figures = Figures::new()
        .add("diploma", programme.diploma.code())
        .add("national", national)
        .add("rncp", optional(programme.rncp.clone()))
        .add("rs", optional(programme.rs.clone()))
        .add("registration_end", optional(programme.registration_end.map(|date| date.to_string())));
    if national {
        return figures.result(
            "C11",
            Status::Pass,
            format!("Le diplôme ({}) est un diplôme national, enregistré de droit au RNCP.", programme.diploma.label()),
        );
    }
    let Some(code) = programme.rncp.as_ref().or(programme.rs.as_ref()) else {
        return figures.result(
            "C11",
            Status::Fail,
            format!(
                "Un {} n'est pas un diplôme national : indiquez son enregistrement au RNCP (rncp = \"RNCP…\") ou au répertoire spécifique (rs = \"RS…\").",
                programme.diploma.label()
            ),
        );
    };
    match programme.registration_end {
        Some(end) if end < today => figures.result(
            "C11",
            Status::Fail,
            format!("L'enregistrement {code} a pris fin le {end} : faites-le renouveler auprès de France compétences, puis mettez à jour registration_end."),
        ),
        Some(end) => figures.result(
            "C11",
            Status::Pass,
            format!("Enregistrement {code} en cours de validité jusqu'au {end}."),
        ),
        None => figures.result(
            "C11",
            Status::Declarative,
            format!("Enregistrement {code} déclaré ; sa validité sera vérifiée par l'instructeur (indiquez registration_end pour qu'elle le soit automatiquement)."),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// C12 — transparency: a public page and published outcomes.

fn c12_transparency(declaration: &Declaration, _referentiel: &Referentiel, _today: Date) -> CriterionResult {
    let programme = &declaration.programme;
    let outcomes = declaration.outcomes.as_ref();
    let published = outcomes.is_some_and(|outcomes| outcomes.published);
    let figures = Figures::new()
        .add("public_url", optional(programme.public_url.clone()))
        .add("outcomes_published", published)
        .add("graduates", optional(outcomes.and_then(|outcomes| outcomes.graduates)))
        .add("employment_6m", optional(outcomes.and_then(|outcomes| outcomes.employment_6m)));
    let mut fixes = Vec::new();
    if programme.public_url.is_none() {
        fixes.push("indiquez la page publique de la formation (public_url = \"https://…\")");
    }
    if !declaration.is_short() && !published {
        fixes.push("publiez le devenir des diplômés (nombre de diplômés, emploi à 6 mois) sur la page publique et déclarez-le ([outcomes] avec published = true)");
    }
    if fixes.is_empty() {
        let outcomes_text = if declaration.is_short() {
            String::new()
        } else {
            " ; le devenir des diplômés y est publié".to_owned()
        };
        figures.result(
            "C12",
            Status::Pass,
            format!("Page publique : {}{outcomes_text}.", programme.public_url.as_deref().unwrap_or_default()),
        )
    } else {
        figures.result("C12", Status::Fail, sentence(&fixes))
    }
}

// ---------------------------------------------------------------------------------------------
// C13 — practitioners' share of teaching (declarative).

fn c13_practitioners(declaration: &Declaration, _referentiel: &Referentiel, _today: Date) -> CriterionResult {
    let share = declaration.programme.practitioner_share;
    let figures = Figures::new().add("practitioner_share", optional(share)).add("min_share", PRACTITIONER_MIN_SHARE);
    match share {
        None => figures.result(
            "C13",
            Status::Fail,
            format!(
                "Part des enseignements assurés par des professionnels non déclarée : indiquez practitioner_share (au moins {}, par exemple 0.15 pour 15 %).",
                fr::number(PRACTITIONER_MIN_SHARE)
            ),
        ),
        Some(share) if share < PRACTITIONER_MIN_SHARE - 1e-9 => figures.result(
            "C13",
            Status::Fail,
            format!(
                "Les professionnels assurent {} des enseignements : il en faut au moins {}.",
                fr::percent(share),
                fr::percent(PRACTITIONER_MIN_SHARE)
            ),
        ),
        Some(share) => figures.result(
            "C13",
            Status::Declarative,
            format!(
                "Les professionnels assurent {} des enseignements selon la déclaration (minimum {}) ; l'instructeur vérifie les justificatifs.",
                fr::percent(share),
                fr::percent(PRACTITIONER_MIN_SHARE)
            ),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// C14 — the declaration is updated every year; a label lasts three years.

fn c14_yearly_update(declaration: &Declaration, _referentiel: &Referentiel, today: Date) -> CriterionResult {
    let updated = declaration.programme.updated;
    let due = updated.add_months(UPDATE_MONTHS);
    let valid_until = today.add_years(LABEL_VALIDITY_YEARS);
    let figures = Figures::new()
        .add("updated", updated.to_string())
        .add("age_days", updated.days_until(today))
        .add("next_update_due", due.to_string())
        .add("valid_until_if_granted_today", valid_until.to_string());
    if today < due {
        figures.result(
            "C14",
            Status::Pass,
            format!(
                "Déclaration mise à jour le {updated} ; prochaine mise à jour annuelle avant le {due}. Un label accordé aujourd'hui serait valable jusqu'au {valid_until}, sous réserve de cette mise à jour chaque année."
            ),
        )
    } else {
        figures.result(
            "C14",
            Status::Fail,
            format!(
                "Déclaration mise à jour le {updated}, il y a plus de {UPDATE_MONTHS} mois : mettez-la à jour (contenu et date updated) ; le label exige une mise à jour chaque année."
            ),
        )
    }
}
