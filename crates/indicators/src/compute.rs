//! The indicators' engine: reads the store's Parquet files directly (no lock, lazy scans of the
//! current file list), applies the dashboard's filters and computes each declared indicator with
//! polars group-bys. The supply side (programmes, chapters, questions) is small and given in
//! memory.

mod frames;
mod funding;
mod jobs;
mod supply;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use records::Kind;

use crate::Error;
use crate::catalogue::Definition;
use crate::output::Table;

/// Filters applied before aggregation. An empty list means no filter. Months are `YYYY-MM`,
/// both ends included.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// First month included (`YYYY-MM`).
    pub from: Option<String>,
    /// Last month included (`YYYY-MM`).
    pub to: Option<String>,
    /// INSEE region codes kept.
    pub regions: Vec<String>,
    /// Sector slugs kept.
    pub sectors: Vec<String>,
    /// Contract codes kept (postings only).
    pub contracts: Vec<String>,
    /// Competence ids kept (postings only): postings citing at least one of them; in tables by
    /// competence, the competences shown.
    pub competences: Vec<String>,
}

impl Filters {
    /// Checks the months' format and order.
    fn check(&self) -> Result<(), Error> {
        for (name, month) in [("début", &self.from), ("fin", &self.to)] {
            if let Some(month) = month
                && !valid_month(month)
            {
                return Err(Error::Filter {
                    reason: format!(
                        "le mois de {name} de période « {} » n'est pas un mois au format AAAA-MM (par exemple 2026-03)",
                        crate::table::excerpt(month)
                    ),
                });
            }
        }
        if let (Some(from), Some(to)) = (&self.from, &self.to)
            && from > to
        {
            return Err(Error::Filter {
                reason: format!("la période commence ({from}) après sa fin ({to}) : inversez les deux mois"),
            });
        }
        Ok(())
    }

    /// Whether a month partition (`YYYY-MM` or `inconnu`) is within the period.
    fn keeps_month(&self, month: &str) -> bool {
        if self.from.is_none() && self.to.is_none() {
            return true;
        }
        valid_month(month)
            && self.from.as_deref().is_none_or(|from| month >= from)
            && self.to.as_deref().is_none_or(|to| month <= to)
    }
}

/// What the dashboard knows besides the records: the référentiel's competences and the supply
/// side.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The référentiel's competences: (id, French label), in référentiel order.
    pub competences: Vec<(String, String)>,
    /// What is taught and assessed.
    pub supply: Supply,
}

impl Context {
    /// The French label of a competence, or its id when the référentiel does not know it.
    pub(crate) fn competence_label(&self, id: &str) -> String {
        self.competences
            .iter()
            .find(|(known, _)| known == id)
            .map_or_else(|| id.to_string(), |(_, label)| label.clone())
    }
}

/// The supply side of competences: public registry programmes, course chapters and graded
/// questions.
#[derive(Debug, Clone, Default)]
pub struct Supply {
    /// Programmes of the public registry.
    pub programmes: Vec<ProgrammeSupply>,
    /// Course chapters and the competences they teach.
    pub chapters: Vec<Taught>,
    /// Graded questions and the competences they assess.
    pub questions: Vec<Taught>,
}

/// A programme of the public registry.
#[derive(Debug, Clone)]
pub struct ProgrammeSupply {
    /// Programme id.
    pub id: String,
    /// INSEE code of the region where it is given.
    pub region_code: Option<String>,
    /// Competences taught: (id, level 1..=4).
    pub competences: Vec<(String, u8)>,
}

/// A chapter or a question and the competences it teaches or assesses.
#[derive(Debug, Clone)]
pub struct Taught {
    /// Its id.
    pub id: String,
    /// Competence ids.
    pub competences: Vec<String>,
}

/// A key figure of the dashboard's front page.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyFigure {
    /// Stable id (`offres`, `financements-montant`, `financements`, `projets`,
    /// `competences-demandees`).
    pub id: String,
    /// French label.
    pub label: String,
    /// Value over the 12 months up to the reference month.
    pub value: f64,
    /// French unit.
    pub unit: String,
    /// The same figure over the 12 months before.
    pub previous: Option<f64>,
    /// Relative change from `previous` to `value`, in %; `None` when `previous` is 0 or unknown.
    pub change_percent: Option<f64>,
    /// The period, in French (« nov. 2025 – oct. 2026 »).
    pub period: String,
}

/// Computes the indicators over a records directory.
#[derive(Debug, Clone)]
pub struct Engine {
    root: PathBuf,
}

impl Engine {
    /// Reads the records under `records_dir` (`<data>/observatoire/records`) without taking the
    /// store's lock: the store writes by atomic renames, so a file is always whole.
    pub fn new(records_dir: &Path) -> Engine {
        Engine { root: records_dir.to_path_buf() }
    }

    /// Computes one indicator of the catalogue.
    pub fn compute(&self, definition: &Definition, filters: &Filters, context: &Context) -> Result<Table, Error> {
        filters.check()?;
        let id = definition.id.as_str();
        let fail = |error: Error| match error {
            Error::Indicator { reason, .. } => Error::Indicator { id: id.to_string(), reason },
            other => other,
        };
        let table = match id {
            "offres-par-mois"
            | "offres-par-competence"
            | "offres-par-region"
            | "offres-par-contrat"
            | "offres-par-secteur"
            | "offres-par-rome"
            | "salaire-par-competence"
            | "salaire-par-region"
            | "part-par-competence"
            | "competences-en-hausse" => jobs::compute(self, id, filters, context),
            "financements-par-mois"
            | "financements-par-secteur"
            | "financements-par-stade"
            | "financements-par-region"
            | "financements-par-programme"
            | "projets-par-trimestre"
            | "projets-par-secteur"
            | "projets-par-region" => funding::compute(self, id, filters),
            "offre-demande" | "offre-demande-par-region" => supply::compute(self, id, filters, context),
            _ => Err(Error::Indicator {
                id: id.to_string(),
                reason: "le moteur ne sait pas calculer cet identifiant ; les identifiants connus sont ceux du \
                         catalogue livré avec socle (observatory/indicators.toml)"
                    .into(),
            }),
        };
        table.map_err(fail)
    }

    /// Key figures for the dashboard's front page: postings, funding amount, funding count, new
    /// projects over the 12 months up to the reference month (the last month with records of
    /// any kind, after the filters), each with the same figure over the 12 months before and the
    /// relative change in %; plus the number of distinct competences demanded over the same
    /// months. Empty when no dated record passes the filters.
    pub fn key_figures(&self, filters: &Filters) -> Result<Vec<KeyFigure>, Error> {
        filters.check()?;
        self.figures(filters).map_err(|error| match error {
            Error::Indicator { reason, .. } => Error::Indicator { id: "chiffres-cles".into(), reason },
            other => other,
        })
    }

    fn figures(&self, filters: &Filters) -> Result<Vec<KeyFigure>, Error> {
        let jobs = jobs::monthly(self, filters)?;
        let funding = funding::monthly_funding(self, filters)?;
        let projects = funding::monthly_projects(self, filters)?;
        let last = [jobs.keys().next_back(), funding.keys().next_back(), projects.keys().next_back()]
            .into_iter()
            .flatten()
            .max()
            .cloned();
        let Some(reference) = last else { return Ok(Vec::new()) };
        let current = (add_months(&reference, -11), reference.clone());
        let previous = (add_months(&reference, -23), add_months(&reference, -12));
        let sum = |series: &BTreeMap<String, f64>, (from, to): &(String, String)| -> f64 {
            series.range(from.clone()..=to.clone()).map(|(_, value)| value).sum()
        };
        let jobs_f: BTreeMap<String, f64> = jobs.iter().map(|(month, count)| (month.clone(), *count as f64)).collect();
        let amounts: BTreeMap<String, f64> =
            funding.iter().map(|(month, (amount, _))| (month.clone(), *amount)).collect();
        let counts: BTreeMap<String, f64> =
            funding.iter().map(|(month, (_, count))| (month.clone(), *count as f64)).collect();
        let projects_f: BTreeMap<String, f64> =
            projects.iter().map(|(month, count)| (month.clone(), *count as f64)).collect();
        let (distinct_now, distinct_before) = jobs::distinct_competences(self, filters, &current, &previous)?;
        let period = format!("{} – {}", month_label(&current.0), month_label(&current.1));
        let figure = |id: &str, label: &str, unit: &str, value: f64, before: f64| {
            let change = (before != 0.0).then(|| (value - before) / before * 100.0);
            KeyFigure {
                id: id.into(),
                label: label.into(),
                value,
                unit: unit.into(),
                previous: Some(before),
                change_percent: change,
                period: period.clone(),
            }
        };
        Ok(vec![
            figure("offres", "Offres d'emploi publiées", "offres", sum(&jobs_f, &current), sum(&jobs_f, &previous)),
            figure(
                "financements-montant",
                "Montant des financements",
                "euros",
                sum(&amounts, &current),
                sum(&amounts, &previous),
            ),
            figure(
                "financements",
                "Financements accordés",
                "financements",
                sum(&counts, &current),
                sum(&counts, &previous),
            ),
            figure("projets", "Nouveaux projets", "projets", sum(&projects_f, &current), sum(&projects_f, &previous)),
            figure(
                "competences-demandees",
                "Compétences demandées",
                "compétences",
                distinct_now as f64,
                distinct_before as f64,
            ),
        ])
    }

    /// Months (`YYYY-MM`) covered by the records of every kind: (first, last), `None` when
    /// there is none. Read from the partition directories; undated records do not count.
    pub fn months(&self) -> Result<Option<(String, String)>, Error> {
        let mut months: Vec<String> = Vec::new();
        for kind in Kind::ALL {
            months.extend(frames::list_files(&self.root, kind)?.into_iter().map(|file| file.month));
        }
        months.retain(|month| valid_month(month));
        let first = months.iter().min().cloned();
        let last = months.iter().max().cloned();
        Ok(first.zip(last))
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }
}

/// Whether `text` is a `YYYY-MM` month.
pub(crate) fn valid_month(text: &str) -> bool {
    text.len() == 7 && crate::table::parse_date(&format!("{text}-01")).is_some()
}

/// The month `delta` months after (or before) a `YYYY-MM` month.
pub(crate) fn add_months(month: &str, delta: i32) -> String {
    let year: i32 = month.get(..4).and_then(|year| year.parse().ok()).unwrap_or(1970);
    let number: i32 = month.get(5..7).and_then(|number| number.parse().ok()).unwrap_or(1);
    let index = year * 12 + (number - 1) + delta;
    format!("{:04}-{:02}", index.div_euclid(12), index.rem_euclid(12) + 1)
}

/// Every month from `first` to `last`, both included.
pub(crate) fn month_range(first: &str, last: &str) -> Vec<String> {
    let mut months = Vec::new();
    let mut month = first.to_string();
    while month.as_str() <= last && months.len() < 12 * 200 {
        months.push(month.clone());
        month = add_months(&month, 1);
    }
    months
}

/// « nov. 2025 » for `2025-11`.
pub(crate) fn month_label(month: &str) -> String {
    const NAMES: [&str; 12] =
        ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];
    let number: usize = month.get(5..7).and_then(|number| number.parse().ok()).unwrap_or(1);
    format!("{} {}", NAMES[(number.clamp(1, 12)) - 1], month.get(..4).unwrap_or(month))
}

/// `2026-T3` for `2026-07`.
pub(crate) fn quarter(month: &str) -> String {
    let number: u32 = month.get(5..7).and_then(|number| number.parse().ok()).unwrap_or(1);
    format!("{}-T{}", month.get(..4).unwrap_or(month), (number.clamp(1, 12) - 1) / 3 + 1)
}
