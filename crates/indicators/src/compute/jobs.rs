//! Indicators on job postings: counts per month and per dimension, advertised salaries, and
//! the share of postings citing each competence with its 12-month trend.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;
use records::{Contract, Kind, geo::region_name, sector_label};

use super::frames::{Scanned, floats, ints, texts};
use super::{Context, Engine, Filters, add_months, month_range, valid_month};
use crate::Error;
use crate::output::{Cell, Column, Table};

/// Postings with a salary, first quartile, median and third quartile.
type Quartiles = (i64, Option<f64>, Option<f64>, Option<f64>);

/// Postings citing, share over the period, over the last 12 months, over the 12 before, trend.
type Shares = (i64, Option<f64>, Option<f64>, Option<f64>, Option<f64>);

/// How many ROME codes `offres-par-rome` shows.
const TOP_ROME: usize = 20;
/// How many competences `competences-en-hausse` shows.
const TOP_RISING: usize = 10;

pub(super) fn compute(engine: &Engine, id: &str, filters: &Filters, context: &Context) -> Result<Table, Error> {
    match id {
        "offres-par-mois" => by_month(engine, filters),
        "offres-par-competence" => by_competence(engine, filters, context),
        "offres-par-region" => by_dimension(engine, filters, Dimension::Region),
        "offres-par-contrat" => by_dimension(engine, filters, Dimension::Contract),
        "offres-par-secteur" => by_dimension(engine, filters, Dimension::Sector),
        "offres-par-rome" => by_dimension(engine, filters, Dimension::Rome),
        "salaire-par-competence" => salaries(engine, filters, context, true),
        "salaire-par-region" => salaries(engine, filters, context, false),
        "part-par-competence" => shares(engine, filters, context, false),
        _ => shares(engine, filters, context, true),
    }
}

/// The dimensions of `offres-par-…`.
#[derive(Clone, Copy)]
enum Dimension {
    Region,
    Contract,
    Sector,
    Rome,
}

/// Sorts rows by a numeric value, descending, then by their code, ascending.
pub(super) fn by_value_then_code<T>(rows: &mut [(String, T)], value: impl Fn(&T) -> f64) {
    rows.sort_by(|left, right| {
        value(&right.1).partial_cmp(&value(&left.1)).unwrap_or(Ordering::Equal).then_with(|| left.0.cmp(&right.0))
    });
}

/// Number of postings per month partition (`inconnu` included), after the filters.
fn month_counts(
    engine: &Engine,
    filters: &Filters,
    by_posting: bool,
) -> Result<(BTreeMap<String, i64>, Vec<String>), Error> {
    let Scanned { frame, problems } = engine.query(Kind::Job, filters, by_posting, &|frame| {
        frame.group_by([col("month")]).agg([len().cast(DataType::Int64).alias("count")])
    })?;
    let counts = texts(&frame, "month")
        .into_iter()
        .zip(ints(&frame, "count"))
        .filter_map(|(month, count)| month.map(|month| (month, count)))
        .collect();
    Ok((counts, problems))
}

/// Number of postings per dated month, after every filter (for the key figures).
pub(super) fn monthly(engine: &Engine, filters: &Filters) -> Result<BTreeMap<String, i64>, Error> {
    let (mut counts, _) = month_counts(engine, filters, true)?;
    counts.retain(|month, count| valid_month(month) && *count > 0);
    Ok(counts)
}

/// Distinct competences cited by the postings of two windows of months.
pub(super) fn distinct_competences(
    engine: &Engine,
    filters: &Filters,
    current: &(String, String),
    previous: &(String, String),
) -> Result<(usize, usize), Error> {
    let counts = competence_months(engine, filters, true)?.0;
    let within = |(from, to): &(String, String)| -> usize {
        counts.iter().filter(|(_, months)| months.range(from.clone()..=to.clone()).any(|(_, count)| *count > 0)).count()
    };
    Ok((within(current), within(previous)))
}

/// For each competence cited, the number of postings citing it per month partition.
#[allow(clippy::type_complexity)]
fn competence_months(
    engine: &Engine,
    filters: &Filters,
    by_posting: bool,
) -> Result<(BTreeMap<String, BTreeMap<String, i64>>, Vec<String>), Error> {
    let Scanned { frame, problems } = engine.query(Kind::Job, filters, by_posting, &|frame| {
        frame
            .select([col("competences"), col("month")])
            .explode(cols(["competences"]), ExplodeOptions { empty_as_null: false, keep_nulls: false })
            .filter(col("competences").is_not_null())
            .group_by([col("competences"), col("month")])
            .agg([len().cast(DataType::Int64).alias("count")])
    })?;
    let mut counts: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for ((competence, month), count) in
        texts(&frame, "competences").into_iter().zip(texts(&frame, "month")).zip(ints(&frame, "count"))
    {
        if let (Some(competence), Some(month)) = (competence, month) {
            *counts.entry(competence).or_default().entry(month).or_default() += count;
        }
    }
    if !filters.competences.is_empty() {
        counts.retain(|competence, _| filters.competences.contains(competence));
    }
    Ok((counts, problems))
}

fn share(part: i64, total: i64) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)]
    (total > 0).then(|| part as f64 / total as f64 * 100.0)
}

fn offres_column(label: &str) -> Column {
    Column::new("offres", label, Some("offres"))
}

fn part_column(label: &str) -> Column {
    Column::new("part", label, Some("%"))
}

fn by_month(engine: &Engine, filters: &Filters) -> Result<Table, Error> {
    let (counts, problems) = month_counts(engine, filters, true)?;
    let dated: BTreeMap<&String, &i64> = counts.iter().filter(|(month, _)| valid_month(month)).collect();
    let mut rows = Vec::new();
    if let (Some(first), Some(last)) = (dated.keys().next(), dated.keys().next_back()) {
        for month in month_range(first, last) {
            let count = dated.get(&month).map_or(0, |count| **count);
            rows.push(vec![Cell::Text(month), Cell::Int(count)]);
        }
    }
    Ok(Table { columns: vec![Column::new("mois", "Mois", None), offres_column("Offres publiées")], rows, problems })
}

fn competence_columns() -> [Column; 2] {
    [Column::new("competence", "Compétence", None), Column::new("competence_libelle", "Libellé de la compétence", None)]
}

fn by_competence(engine: &Engine, filters: &Filters, context: &Context) -> Result<Table, Error> {
    let (totals, mut problems) = month_counts(engine, filters, false)?;
    let total: i64 = totals.values().sum();
    let (counts, more) = competence_months(engine, filters, false)?;
    problems.extend(more);
    let mut rows: Vec<(String, i64)> =
        counts.into_iter().map(|(competence, months)| (competence, months.values().sum())).collect();
    #[allow(clippy::cast_precision_loss)]
    by_value_then_code(&mut rows, |count| *count as f64);
    let rows = rows
        .into_iter()
        .map(|(competence, count)| {
            vec![
                Cell::text(competence.as_str()),
                Cell::Text(context.competence_label(&competence)),
                Cell::Int(count),
                Cell::float(share(count, total)),
            ]
        })
        .collect();
    let mut columns = competence_columns().to_vec();
    columns.push(offres_column("Offres citant la compétence"));
    columns.push(part_column("Part des offres"));
    Ok(Table { columns, rows, problems: dedup(problems) })
}

pub(super) fn dedup(mut problems: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    problems.retain(|problem| seen.insert(problem.clone()));
    problems
}

fn by_dimension(engine: &Engine, filters: &Filters, dimension: Dimension) -> Result<Table, Error> {
    let key = match dimension {
        Dimension::Region => "region",
        Dimension::Contract => "contract",
        Dimension::Sector => "sector",
        Dimension::Rome => "rome",
    };
    let Scanned { frame, problems } = engine.query(Kind::Job, filters, true, &|frame| {
        frame.filter(col(key).is_not_null()).group_by([col(key)]).agg([len().cast(DataType::Int64).alias("count")])
    })?;
    let mut rows: Vec<(String, i64)> = texts(&frame, key)
        .into_iter()
        .zip(ints(&frame, "count"))
        .filter_map(|(value, count)| value.map(|value| (value, count)))
        .collect();
    let total: i64 = rows.iter().map(|(_, count)| count).sum();
    #[allow(clippy::cast_precision_loss)]
    by_value_then_code(&mut rows, |count| *count as f64);
    if matches!(dimension, Dimension::Rome) {
        rows.truncate(TOP_ROME);
    }
    let (mut columns, label): (Vec<Column>, fn(&str) -> String) = match dimension {
        Dimension::Region => {
            (vec![Column::new("region_code", "Code de région", None), Column::new("region", "Région", None)], |code| {
                region_name(code).unwrap_or(code).to_string()
            })
        }
        Dimension::Contract => (
            vec![
                Column::new("contrat", "Code du contrat", None),
                Column::new("contrat_libelle", "Type de contrat", None),
            ],
            |code| Contract::parse(code).map_or_else(|| code.to_string(), |contract| contract.label().to_string()),
        ),
        Dimension::Sector => (
            vec![Column::new("secteur", "Code du secteur", None), Column::new("secteur_libelle", "Secteur", None)],
            |code| sector_label(code).unwrap_or(code).to_string(),
        ),
        Dimension::Rome => (vec![Column::new("rome", "Code ROME", None)], |_| String::new()),
    };
    columns.push(offres_column("Offres publiées"));
    columns.push(part_column("Part des offres"));
    let rows = rows
        .into_iter()
        .map(|(code, count)| {
            let mut row = vec![Cell::text(code.as_str())];
            if !matches!(dimension, Dimension::Rome) {
                row.push(Cell::Text(label(&code)));
            }
            row.push(Cell::Int(count));
            row.push(Cell::float(share(count, total)));
            row
        })
        .collect();
    Ok(Table { columns, rows, problems })
}

/// The advertised annual gross salary in euros: the midpoint of the bounds (or the one given),
/// times 1, 12, 218 or 1607 for a yearly, monthly, daily or hourly figure; null otherwise.
fn annual_salary() -> Expr {
    let minimum = col("salary_min");
    let maximum = col("salary_max");
    let value = when(minimum.clone().is_not_null().and(maximum.clone().is_not_null()))
        .then((minimum.clone() + maximum.clone()) / lit(2.0))
        .otherwise(minimum.fill_null(maximum));
    let period = col("salary_period");
    let factor = when(period.clone().eq(lit("year")))
        .then(lit(1.0))
        .when(period.clone().eq(lit("month")))
        .then(lit(12.0))
        .when(period.clone().eq(lit("day")))
        .then(lit(218.0))
        .when(period.eq(lit("hour")))
        .then(lit(1607.0))
        .otherwise(lit(NULL).cast(DataType::Float64));
    when(col("salary_currency").eq(lit("EUR"))).then(value * factor).otherwise(lit(NULL).cast(DataType::Float64))
}

fn salaries(engine: &Engine, filters: &Filters, context: &Context, per_competence: bool) -> Result<Table, Error> {
    let key = if per_competence { "competences" } else { "region" };
    let Scanned { frame, problems } = engine.query(Kind::Job, filters, !per_competence, &|frame| {
        let mut frame = frame.select([col(key), annual_salary().alias("salary")]).filter(col("salary").is_not_null());
        if per_competence {
            frame = frame.explode(cols(["competences"]), ExplodeOptions { empty_as_null: false, keep_nulls: false });
        }
        frame.filter(col(key).is_not_null()).group_by([col(key)]).agg([
            len().cast(DataType::Int64).alias("count"),
            col("salary").quantile(lit(0.25), QuantileMethod::Linear).alias("q1"),
            col("salary").quantile(lit(0.5), QuantileMethod::Linear).alias("median"),
            col("salary").quantile(lit(0.75), QuantileMethod::Linear).alias("q3"),
        ])
    })?;
    let mut rows: Vec<(String, Quartiles)> = texts(&frame, key)
        .into_iter()
        .zip(ints(&frame, "count"))
        .zip(floats(&frame, "q1").into_iter().zip(floats(&frame, "median")).zip(floats(&frame, "q3")))
        .filter_map(|((code, count), ((q1, median), q3))| code.map(|code| (code, (count, q1, median, q3))))
        .collect();
    if per_competence && !filters.competences.is_empty() {
        rows.retain(|(competence, _)| filters.competences.contains(competence));
    }
    by_value_then_code(&mut rows, |(_, _, median, _)| median.unwrap_or(f64::NEG_INFINITY));
    let mut columns = if per_competence {
        competence_columns().to_vec()
    } else {
        vec![Column::new("region_code", "Code de région", None), Column::new("region", "Région", None)]
    };
    columns.push(offres_column("Offres avec un salaire en euros"));
    columns.push(Column::new("premier_quartile", "Premier quartile", Some("euros")));
    columns.push(Column::new("mediane", "Médiane", Some("euros")));
    columns.push(Column::new("troisieme_quartile", "Troisième quartile", Some("euros")));
    let rows = rows
        .into_iter()
        .map(|(code, (count, q1, median, q3))| {
            let label = if per_competence {
                context.competence_label(&code)
            } else {
                region_name(&code).unwrap_or(&code).to_string()
            };
            vec![
                Cell::text(code.as_str()),
                Cell::Text(label),
                Cell::Int(count),
                Cell::float(q1),
                Cell::float(median),
                Cell::float(q3),
            ]
        })
        .collect();
    Ok(Table { columns, rows, problems })
}

/// `part-par-competence` (every competence cited) or `competences-en-hausse` (`rising`: the
/// ten whose share rose most).
fn shares(engine: &Engine, filters: &Filters, context: &Context, rising: bool) -> Result<Table, Error> {
    let (totals, mut problems) = month_counts(engine, filters, false)?;
    let (counts, more) = competence_months(engine, filters, false)?;
    problems.extend(more);
    let total: i64 = totals.values().sum();
    let reference =
        totals.iter().filter(|(month, count)| valid_month(month) && **count > 0).map(|(month, _)| month).max();
    let windows = reference.map(|reference| {
        ((add_months(reference, -11), reference.clone()), (add_months(reference, -23), add_months(reference, -12)))
    });
    let sum = |months: &BTreeMap<String, i64>, (from, to): &(String, String)| -> i64 {
        months.range(from.clone()..=to.clone()).map(|(_, count)| count).sum()
    };
    let window_totals = windows.as_ref().map(|(current, previous)| (sum(&totals, current), sum(&totals, previous)));
    let mut rows: Vec<(String, Shares)> = counts
        .iter()
        .map(|(competence, months)| {
            let count: i64 = months.values().sum();
            let (now, before) = match (&windows, window_totals) {
                (Some((current, previous)), Some((current_total, previous_total))) => {
                    (share(sum(months, current), current_total), share(sum(months, previous), previous_total))
                }
                _ => (None, None),
            };
            let trend = now.zip(before).map(|(now, before)| now - before);
            (competence.clone(), (count, share(count, total), now, before, trend))
        })
        .collect();
    let mut columns = competence_columns().to_vec();
    if rising {
        rows.retain(|(_, (_, _, _, _, trend))| trend.is_some_and(|trend| trend > 0.0));
        by_value_then_code(&mut rows, |(_, _, _, _, trend)| trend.unwrap_or(f64::NEG_INFINITY));
        rows.truncate(TOP_RISING);
    } else {
        by_value_then_code(&mut rows, |(_, part, _, _, _)| part.unwrap_or(f64::NEG_INFINITY));
        columns.push(offres_column("Offres citant la compétence"));
        columns.push(part_column("Part des offres sur la période"));
    }
    columns.push(Column::new("part_12_mois", "Part sur les 12 derniers mois", Some("%")));
    columns.push(Column::new("part_12_mois_precedents", "Part sur les 12 mois précédents", Some("%")));
    columns.push(Column::new("tendance", "Évolution sur 12 mois", Some("points")));
    let rows = rows
        .into_iter()
        .map(|(competence, (count, part, now, before, trend))| {
            let mut row = vec![Cell::text(competence.as_str()), Cell::Text(context.competence_label(&competence))];
            if !rising {
                row.push(Cell::Int(count));
                row.push(Cell::float(part));
            }
            row.extend([Cell::float(now), Cell::float(before), Cell::float(trend)]);
            row
        })
        .collect();
    Ok(Table { columns, rows, problems: dedup(problems) })
}
