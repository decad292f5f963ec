//! Indicators on funding events (amount in euros and count, per month, sector, stage, region,
//! programme) and on projects (new projects per quarter, sector, region).

use std::collections::BTreeMap;

use polars::prelude::*;
use records::{Kind, geo::region_name, sector_label};

use super::frames::{Scanned, floats, ints, texts};
use super::jobs::by_value_then_code;
use super::{Engine, Filters, month_range, quarter, valid_month};
use crate::Error;
use crate::output::{Cell, Column, Table};

/// Rows keyed by a code, and the problems met reading the records.
type Groups<T> = (Vec<(String, T)>, Vec<String>);

/// The label of a code, for the dimensions that have one.
type Labeller = fn(&str) -> Option<String>;

pub(super) fn compute(engine: &Engine, id: &str, filters: &Filters) -> Result<Table, Error> {
    match id {
        "financements-par-mois" => funding_by(engine, filters, "month"),
        "financements-par-secteur" => funding_by(engine, filters, "sector"),
        "financements-par-stade" => funding_by(engine, filters, "stage"),
        "financements-par-region" => funding_by(engine, filters, "region"),
        "financements-par-programme" => funding_by(engine, filters, "programme"),
        "projets-par-trimestre" => projects_by_quarter(engine, filters),
        "projets-par-secteur" => projects_by(engine, filters, "sector"),
        _ => projects_by(engine, filters, "region"),
    }
}

/// The sum of the amounts given in euros (others count as nothing).
fn euros() -> Expr {
    when(col("currency").eq(lit("EUR"))).then(col("amount")).otherwise(lit(NULL).cast(DataType::Float64)).sum()
}

/// Amount in euros and number of funding events per value of `key` (null values left out).
fn funding_groups(engine: &Engine, filters: &Filters, key: &str) -> Result<Groups<(f64, i64)>, Error> {
    let Scanned { frame, problems } = engine.query(Kind::Funding, filters, true, &|frame| {
        frame
            .filter(col(key).is_not_null())
            .group_by([col(key)])
            .agg([euros().alias("amount"), len().cast(DataType::Int64).alias("count")])
    })?;
    let rows = texts(&frame, key)
        .into_iter()
        .zip(floats(&frame, "amount").into_iter().zip(ints(&frame, "count")))
        .filter_map(|(code, (amount, count))| code.map(|code| (code, (amount.unwrap_or(0.0), count))))
        .collect();
    Ok((rows, problems))
}

/// Amount in euros and number of funding events per dated month (for the key figures).
pub(super) fn monthly_funding(engine: &Engine, filters: &Filters) -> Result<BTreeMap<String, (f64, i64)>, Error> {
    let (rows, _) = funding_groups(engine, filters, "month")?;
    Ok(rows.into_iter().filter(|(month, (_, count))| valid_month(month) && *count > 0).collect())
}

/// New projects per dated month (for the key figures and the quarters).
fn project_groups(engine: &Engine, filters: &Filters, key: &str) -> Result<Groups<i64>, Error> {
    let Scanned { frame, problems } = engine.query(Kind::Project, filters, true, &|frame| {
        frame.filter(col(key).is_not_null()).group_by([col(key)]).agg([len().cast(DataType::Int64).alias("count")])
    })?;
    let rows = texts(&frame, key)
        .into_iter()
        .zip(ints(&frame, "count"))
        .filter_map(|(code, count)| code.map(|code| (code, count)))
        .collect();
    Ok((rows, problems))
}

pub(super) fn monthly_projects(engine: &Engine, filters: &Filters) -> Result<BTreeMap<String, i64>, Error> {
    let (rows, _) = project_groups(engine, filters, "month")?;
    Ok(rows.into_iter().filter(|(month, count)| valid_month(month) && *count > 0).collect())
}

/// The code and label columns of a dimension, and the label of a code.
fn dimension(key: &str) -> (Vec<Column>, Labeller) {
    match key {
        "month" => (vec![Column::new("mois", "Mois", None)], |_| None),
        "sector" => (
            vec![Column::new("secteur", "Code du secteur", None), Column::new("secteur_libelle", "Secteur", None)],
            |code| Some(sector_label(code).unwrap_or(code).to_string()),
        ),
        "region" => {
            (vec![Column::new("region_code", "Code de région", None), Column::new("region", "Région", None)], |code| {
                Some(region_name(code).unwrap_or(code).to_string())
            })
        }
        "stage" => (vec![Column::new("stade", "Stade", None)], |_| None),
        _ => (vec![Column::new("programme", "Programme", None)], |_| None),
    }
}

fn funding_by(engine: &Engine, filters: &Filters, key: &str) -> Result<Table, Error> {
    let (mut rows, problems) = funding_groups(engine, filters, key)?;
    if key == "month" {
        let dated: BTreeMap<String, (f64, i64)> = rows.into_iter().filter(|(month, _)| valid_month(month)).collect();
        rows = match (dated.keys().next(), dated.keys().next_back()) {
            (Some(first), Some(last)) => month_range(first, last)
                .into_iter()
                .map(|month| {
                    let value = dated.get(&month).copied().unwrap_or((0.0, 0));
                    (month, value)
                })
                .collect(),
            _ => Vec::new(),
        };
    } else {
        by_value_then_code(&mut rows, |(amount, _)| *amount);
    }
    let (mut columns, label) = dimension(key);
    columns.push(Column::new("montant", "Montant", Some("euros")));
    columns.push(Column::new("financements", "Financements", Some("financements")));
    let rows = rows
        .into_iter()
        .map(|(code, (amount, count))| {
            let mut row = vec![Cell::text(code.as_str())];
            row.extend(label(&code).map(Cell::Text));
            row.push(Cell::Float(amount));
            row.push(Cell::Int(count));
            row
        })
        .collect();
    Ok(Table { columns, rows, problems })
}

fn projects_column() -> Column {
    Column::new("projets", "Nouveaux projets", Some("projets"))
}

fn projects_by_quarter(engine: &Engine, filters: &Filters) -> Result<Table, Error> {
    let (rows, problems) = project_groups(engine, filters, "month")?;
    let mut quarters: BTreeMap<String, i64> = BTreeMap::new();
    for (month, count) in rows.iter().filter(|(month, _)| valid_month(month)) {
        *quarters.entry(quarter(month)).or_default() += count;
    }
    let dated: Vec<&String> = rows.iter().map(|(month, _)| month).filter(|month| valid_month(month)).collect();
    let mut table_rows = Vec::new();
    if let (Some(first), Some(last)) = (dated.iter().min(), dated.iter().max()) {
        let mut seen = Vec::new();
        for month in month_range(first, last) {
            let label = quarter(&month);
            if !seen.contains(&label) {
                table_rows
                    .push(vec![Cell::text(label.as_str()), Cell::Int(quarters.get(&label).copied().unwrap_or(0))]);
                seen.push(label);
            }
        }
    }
    Ok(Table {
        columns: vec![Column::new("trimestre", "Trimestre de début", None), projects_column()],
        rows: table_rows,
        problems,
    })
}

fn projects_by(engine: &Engine, filters: &Filters, key: &str) -> Result<Table, Error> {
    let (mut rows, problems) = project_groups(engine, filters, key)?;
    #[allow(clippy::cast_precision_loss)]
    by_value_then_code(&mut rows, |count| *count as f64);
    let (mut columns, label) = dimension(key);
    columns.push(projects_column());
    let rows = rows
        .into_iter()
        .map(|(code, count)| {
            let mut row = vec![Cell::text(code.as_str())];
            row.extend(label(&code).map(Cell::Text));
            row.push(Cell::Int(count));
            row
        })
        .collect();
    Ok(Table { columns, rows, problems })
}
