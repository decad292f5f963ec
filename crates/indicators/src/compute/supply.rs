//! Supply against demand per competence: the share of postings citing it (polars, over the
//! records) against the share of registry programmes teaching it at level 2 or more, the
//! chapters teaching it and the questions assessing it (plain Rust, the supply is small).
//!
//! The gap index compares *weights*, not those shares: a posting cites a few competences and a
//! programme teaches many, so the share of programmes teaching a competence is nearly always
//! higher than the share of postings citing it. A competence's weight in demand is its part of
//! all the référentiel's competence citations in postings; its weight in supply its part of all
//! teachings at level 2 or more in programmes. Both sides sum to 100 %, and the index says which
//! competences count for more among employers than in training.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;
use records::{Kind, geo::region_name};

use super::frames::{Scanned, ints, texts};
use super::jobs::dedup;
use super::{Context, Engine, Filters, ProgrammeSupply};
use crate::Error;
use crate::output::{Cell, Column, Table};

/// A programme teaches a competence when it does so at this level or more.
const MINIMUM_LEVEL: u8 = 2;

pub(super) fn compute(engine: &Engine, id: &str, filters: &Filters, context: &Context) -> Result<Table, Error> {
    let demand = demand(engine, filters)?;
    let programmes: Vec<&ProgrammeSupply> = context
        .supply
        .programmes
        .iter()
        .filter(|programme| {
            filters.regions.is_empty()
                || programme.region_code.as_ref().is_some_and(|region| filters.regions.contains(region))
        })
        .collect();
    let competences: Vec<&(String, String)> = context
        .competences
        .iter()
        .filter(|(competence, _)| filters.competences.is_empty() || filters.competences.contains(competence))
        .collect();
    if id == "offre-demande" {
        national(&demand, &programmes, &competences, context)
    } else {
        regional(&demand, &programmes, &competences, context)
    }
}

/// Postings per region (`None`: without region) and per (region, competence).
struct Demand {
    postings: BTreeMap<Option<String>, i64>,
    citing: BTreeMap<(Option<String>, String), i64>,
    problems: Vec<String>,
}

fn demand(engine: &Engine, filters: &Filters) -> Result<Demand, Error> {
    let Scanned { frame, mut problems } = engine.query(Kind::Job, filters, false, &|frame| {
        frame.group_by([col("region")]).agg([len().cast(DataType::Int64).alias("count")])
    })?;
    let postings = texts(&frame, "region").into_iter().zip(ints(&frame, "count")).collect();
    let Scanned { frame, problems: more } = engine.query(Kind::Job, filters, false, &|frame| {
        frame
            .select([col("region"), col("competences")])
            .explode(cols(["competences"]), ExplodeOptions { empty_as_null: false, keep_nulls: false })
            .filter(col("competences").is_not_null())
            .group_by([col("region"), col("competences")])
            .agg([len().cast(DataType::Int64).alias("count")])
    })?;
    problems.extend(more);
    let mut citing = BTreeMap::new();
    for ((region, competence), count) in
        texts(&frame, "region").into_iter().zip(texts(&frame, "competences")).zip(ints(&frame, "count"))
    {
        if let Some(competence) = competence {
            *citing.entry((region, competence)).or_default() += count;
        }
    }
    Ok(Demand { postings, citing, problems: dedup(problems) })
}

#[allow(clippy::cast_precision_loss)]
fn share(part: i64, total: i64) -> f64 {
    if total > 0 { part as f64 / total as f64 * 100.0 } else { 0.0 }
}

/// (wd − ws) / max(wd, ws), 0 when both are 0.
fn gap(demand: f64, supply: f64) -> f64 {
    let largest = demand.max(supply);
    if largest > 0.0 { (demand - supply) / largest } else { 0.0 }
}

fn teaches(programme: &ProgrammeSupply, competence: &str) -> bool {
    programme.competences.iter().any(|(id, level)| id == competence && *level >= MINIMUM_LEVEL)
}

/// A number of items as a table's integer.
fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// How many of `programmes` teach `competence` at the minimum level or above.
fn programmes_teaching(programmes: &[&ProgrammeSupply], competence: &str) -> i64 {
    count(programmes.iter().filter(|programme| teaches(programme, competence)).count())
}

fn count_taught(items: &[super::Taught], competence: &str) -> i64 {
    count(items.iter().filter(|item| item.competences.iter().any(|id| id == competence)).count())
}

/// For each of `competences`, the cells from `offres` to `poids_offre` and the gap index of the
/// weights. `citations` and `taught` count the postings citing a competence and the programmes
/// teaching it (out of `postings` and `programmes`); a weight is a competence's count over the
/// sum for all the référentiel's competences (`all`), so that a filter on competences changes
/// no weight. Each count is computed once per competence of the référentiel.
fn sides(
    all: &[(String, String)],
    competences: &[&(String, String)],
    citations: impl Fn(&str) -> i64,
    taught: impl Fn(&str) -> i64,
    (postings, programmes): (i64, i64),
) -> Vec<(Vec<Cell>, f64)> {
    let counts: BTreeMap<&str, (i64, i64)> =
        all.iter().map(|(competence, _)| (competence.as_str(), (citations(competence), taught(competence)))).collect();
    let (all_citations, all_taught) = counts.values().fold((0, 0), |(c, t), (dc, dt)| (c + dc, t + dt));
    competences
        .iter()
        .map(|(competence, _)| {
            let (offres, taught) =
                counts.get(competence.as_str()).copied().unwrap_or_else(|| (citations(competence), taught(competence)));
            let (wd, ws) = (share(offres, all_citations), share(taught, all_taught));
            let cells = vec![
                Cell::Int(offres),
                Cell::Float(share(offres, postings)),
                Cell::Int(taught),
                Cell::Float(share(taught, programmes)),
                Cell::Float(wd),
                Cell::Float(ws),
            ];
            (cells, gap(wd, ws))
        })
        .collect()
}

fn common_columns() -> Vec<Column> {
    vec![
        Column::new("competence", "Compétence", None),
        Column::new("competence_libelle", "Libellé de la compétence", None),
        Column::new("offres", "Offres citant la compétence", Some("offres")),
        Column::new("part_offres", "Part des offres", Some("%")),
        Column::new("programmes", "Formations l'enseignant (niveau 2 ou plus)", Some("formations")),
        Column::new("part_programmes", "Part des formations", Some("%")),
        Column::new("poids_demande", "Poids dans la demande (part des citations)", Some("%")),
        Column::new("poids_offre", "Poids dans l'offre (part des enseignements)", Some("%")),
    ]
}

fn gap_column() -> Column {
    Column::new("indice_ecart", "Indice d'écart (demande − offre)", None)
}

fn national(
    demand: &Demand,
    programmes: &[&ProgrammeSupply],
    competences: &[&(String, String)],
    context: &Context,
) -> Result<Table, Error> {
    let total: i64 = demand.postings.values().sum();
    let mut citing: BTreeMap<&str, i64> = BTreeMap::new();
    for ((_, competence), count) in &demand.citing {
        *citing.entry(competence.as_str()).or_default() += count;
    }
    let citations = |competence: &str| citing.get(competence).copied().unwrap_or(0);
    let taught = |competence: &str| programmes_teaching(programmes, competence);
    let sides = sides(&context.competences, competences, citations, taught, (total, count(programmes.len())));
    let rows = competences
        .iter()
        .zip(sides)
        .map(|((competence, label), (cells, gap))| {
            let mut row = vec![Cell::text(competence.as_str()), Cell::text(label.as_str())];
            row.extend(cells);
            row.push(Cell::Int(count_taught(&context.supply.chapters, competence)));
            row.push(Cell::Int(count_taught(&context.supply.questions, competence)));
            row.push(Cell::Float(gap));
            row
        })
        .collect();
    let mut columns = common_columns();
    columns.push(Column::new("chapitres", "Chapitres l'enseignant", Some("chapitres")));
    columns.push(Column::new("questions", "Questions notées l'évaluant", Some("questions")));
    columns.push(gap_column());
    Ok(Table { columns, rows, problems: demand.problems.clone() })
}

fn regional(
    demand: &Demand,
    programmes: &[&ProgrammeSupply],
    competences: &[&(String, String)],
    context: &Context,
) -> Result<Table, Error> {
    let mut regions: BTreeSet<&str> = demand.postings.keys().flatten().map(String::as_str).collect();
    regions.extend(programmes.iter().filter_map(|programme| programme.region_code.as_deref()));
    let mut rows = Vec::new();
    for region in regions {
        let key = Some(region.to_string());
        let total = demand.postings.get(&key).copied().unwrap_or(0);
        let local: Vec<&ProgrammeSupply> =
            programmes.iter().copied().filter(|programme| programme.region_code.as_deref() == Some(region)).collect();
        let citations =
            |competence: &str| demand.citing.get(&(key.clone(), competence.to_string())).copied().unwrap_or(0);
        let taught = |competence: &str| programmes_teaching(&local, competence);
        let sides = sides(&context.competences, competences, citations, taught, (total, count(local.len())));
        for ((competence, label), (cells, gap)) in competences.iter().zip(sides) {
            let mut row = vec![
                Cell::text(region),
                Cell::text(region_name(region).unwrap_or(region)),
                Cell::text(competence.as_str()),
                Cell::text(label.as_str()),
            ];
            row.extend(cells);
            row.push(Cell::Float(gap));
            rows.push(row);
        }
    }
    let mut columns = vec![Column::new("region_code", "Code de région", None), Column::new("region", "Région", None)];
    columns.extend(common_columns());
    columns.push(gap_column());
    Ok(Table { columns, rows, problems: demand.problems.clone() })
}
