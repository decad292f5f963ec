//! Supply against demand per competence: the share of postings citing it (polars, over the
//! records) against the share of registry programmes teaching it at level 2 or more, the
//! chapters teaching it and the questions assessing it (plain Rust, the supply is small).

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
        regional(&demand, &programmes, &competences)
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

/// (d − s) / max(d, s), 0 when both are 0.
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

fn common_columns() -> Vec<Column> {
    vec![
        Column::new("competence", "Compétence", None),
        Column::new("competence_libelle", "Libellé de la compétence", None),
        Column::new("offres", "Offres citant la compétence", Some("offres")),
        Column::new("part_offres", "Part des offres", Some("%")),
        Column::new("programmes", "Formations l'enseignant (niveau 2 ou plus)", Some("formations")),
        Column::new("part_programmes", "Part des formations", Some("%")),
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
    let n_programmes = count(programmes.len());
    let rows = competences
        .iter()
        .map(|(competence, label)| {
            let offres = citing.get(competence.as_str()).copied().unwrap_or(0);
            let taught = programmes_teaching(programmes, competence);
            let (d, s) = (share(offres, total), share(taught, n_programmes));
            vec![
                Cell::text(competence.as_str()),
                Cell::text(label.as_str()),
                Cell::Int(offres),
                Cell::Float(d),
                Cell::Int(taught),
                Cell::Float(s),
                Cell::Int(count_taught(&context.supply.chapters, competence)),
                Cell::Int(count_taught(&context.supply.questions, competence)),
                Cell::Float(gap(d, s)),
            ]
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
) -> Result<Table, Error> {
    let mut regions: BTreeSet<&str> = demand.postings.keys().flatten().map(String::as_str).collect();
    regions.extend(programmes.iter().filter_map(|programme| programme.region_code.as_deref()));
    let mut rows = Vec::new();
    for region in regions {
        let total = demand.postings.get(&Some(region.to_string())).copied().unwrap_or(0);
        let local: Vec<&ProgrammeSupply> =
            programmes.iter().copied().filter(|programme| programme.region_code.as_deref() == Some(region)).collect();
        let n_local = count(local.len());
        for (competence, label) in competences {
            let offres = demand.citing.get(&(Some(region.to_string()), competence.clone())).copied().unwrap_or(0);
            let taught = programmes_teaching(&local, competence);
            let (d, s) = (share(offres, total), share(taught, n_local));
            rows.push(vec![
                Cell::text(region),
                Cell::text(region_name(region).unwrap_or(region)),
                Cell::text(competence.as_str()),
                Cell::text(label.as_str()),
                Cell::Int(offres),
                Cell::Float(d),
                Cell::Int(taught),
                Cell::Float(s),
                Cell::Float(gap(d, s)),
            ]);
        }
    }
    let mut columns = vec![Column::new("region_code", "Code de région", None), Column::new("region", "Région", None)];
    columns.extend(common_columns());
    columns.push(gap_column());
    Ok(Table { columns, rows, problems: demand.problems.clone() })
}
