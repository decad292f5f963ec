//! What the dashboard's pages show of an indicator (its chart, its table formatted in French,
//! its export links) and of a search hit.

use indicators::{Cell, ChartKind, Definition, Table};
use records::Contract;
use search::observatory::RecordHit;
use skills::Referentiel;

use super::chart::{self, ChartSpec, PairedRow, Series};
use super::export::FORMATS;
use super::map;
use super::params::Params;

/// An option of a `<select>`.
pub(crate) struct SelectOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// `2026-03` → `mars 2026`; anything else as given.
pub(crate) fn month_label(month: &str) -> String {
    records::month_label(month).unwrap_or_else(|| month.to_owned())
}

/// The text with its first letter in capitals.
pub(crate) fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The French label of a kind's URL code.
pub(crate) fn kind_label(code: &str) -> &'static str {
    super::params::KINDS.iter().find(|(_, known, _)| *known == code).map_or("Autre", |(_, _, label)| label)
}

/// Most bars a bar chart shows (the table behind it has every row).
const MAX_BARS: usize = 15;

/// An indicator as a page shows it.
pub(crate) struct IndicatorView {
    pub id: String,
    pub title: String,
    pub definition: String,
    /// The chart's SVG (built from escaped text), or none for a table-only indicator.
    pub svg: Option<String>,
    pub headers: Vec<String>,
    /// Whether each column holds numbers (aligned right).
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<String>>,
    pub exports: Vec<(&'static str, String)>,
    pub api: String,
    pub method: String,
    pub problems: Vec<String>,
    /// Whether the table sits behind a closed disclosure (it does when a chart shows it).
    pub folded: bool,
    /// A sentence on how to see the chart, when it needs a filter.
    pub hint: Option<&'static str>,
}

fn cell_number(cell: &Cell) -> Option<f64> {
    match cell {
        Cell::Int(value) => Some(*value as f64),
        Cell::Float(value) if value.is_finite() => Some(*value),
        _ => None,
    }
}

/// Decimals to show for the values of a column.
fn decimals_for(table: &Table, column: usize) -> usize {
    let mut decimals = 0;
    for row in &table.rows {
        if let Some(Cell::Float(value)) = row.get(column)
            && value.is_finite()
        {
            let wanted = if value.fract() == 0.0 {
                0
            } else if value.abs() < 1.0 {
                3
            } else if value.abs() < 100.0 {
                1
            } else {
                0
            };
            decimals = decimals.max(wanted);
        }
    }
    decimals
}

fn format_cell(cell: &Cell, decimals: usize) -> String {
    match cell {
        Cell::Text(text) => text.clone(),
        Cell::Int(value) => chart::format_number(*value as f64, 0),
        Cell::Float(value) if value.is_finite() => chart::format_number(*value, decimals),
        Cell::Float(_) | Cell::Null => "—".to_owned(),
    }
}

/// The column whose text names a row: a French label beside a code, else the first text column.
fn label_column(table: &Table) -> Option<usize> {
    let preferred = table.columns.iter().position(|column| column.name.ends_with("_libelle"));
    let named = ["region", "mois", "trimestre", "competence", "secteur", "stade", "programme", "rome", "financeur"]
        .iter()
        .find_map(|name| table.column(name));
    preferred.or(named).or_else(|| {
        (0..table.columns.len())
            .find(|&column| table.rows.iter().any(|row| matches!(row.get(column), Some(Cell::Text(_)))))
    })
}

/// Columns that count: where a region has no row, it has none.
const COUNTS: [&str; 4] = ["offres", "projets", "financements", "montant"];

/// The column a chart draws when it is not the first column of numbers.
const CHARTED: [&str; 4] = ["tendance", "mediane", "indice_ecart", "montant"];

/// The value a chart draws: a column of [`CHARTED`], else the first column of numbers.
fn value_column(table: &Table) -> Option<usize> {
    if let Some(column) = CHARTED.iter().find_map(|name| table.column(name)) {
        return Some(column);
    }
    (0..table.columns.len()).find(|&column| {
        !table.columns[column].name.ends_with("_code")
            && table.rows.iter().any(|row| row.get(column).and_then(cell_number).is_some())
            && table.rows.iter().all(|row| !matches!(row.get(column), Some(Cell::Text(_))))
    })
}

/// At most [`MAX_BARS`] competences of a supply-and-demand table with the widest gaps, ordered by
/// the index from the most demanded-but-untaught down to the most taught-but-undemanded: weight in
/// demand and weight in supply (the index compares those). Competences with neither postings nor
/// programmes and those with no gap are left out.
fn widest_gaps(table: &Table, labels: Option<usize>) -> Vec<PairedRow> {
    let (Some(labels), Some(gap), Some(demand), Some(supply)) =
        (labels, table.column("indice_ecart"), table.column("poids_demande"), table.column("poids_offre"))
    else {
        return Vec::new();
    };
    let number = |row: &[Cell], column: usize| row.get(column).and_then(cell_number).unwrap_or(f64::NAN);
    let mut rows: Vec<(f64, PairedRow)> = table
        .rows
        .iter()
        .filter_map(|row| {
            let gap = row.get(gap).and_then(cell_number)?;
            let label = match row.get(labels)? {
                Cell::Text(text) => text.clone(),
                other => format_cell(other, 0),
            };
            let (left, right) = (number(row, demand), number(row, supply));
            // A competence neither demanded nor taught has no gap to show.
            (gap != 0.0 && (left > 0.0 || right > 0.0)).then_some((gap, PairedRow { label, left, right }))
        })
        .collect();
    // Both ends: the most under-taught (highest index) and the most over-taught (lowest), half
    // each when both exist, so that one direction never hides the other.
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    let positive = rows.iter().filter(|(gap, _)| *gap > 0.0).count();
    let negative = rows.iter().filter(|(gap, _)| *gap < 0.0).count();
    let from_top = positive.min(MAX_BARS.div_ceil(2).max(MAX_BARS.saturating_sub(negative)));
    let from_bottom = negative.min(MAX_BARS - from_top);
    let bottom_start = rows.len() - from_bottom;
    rows.into_iter()
        .enumerate()
        .filter(|(index, _)| *index < from_top || *index >= bottom_start)
        .map(|(_, (_, row))| row)
        .collect()
}

impl IndicatorView {
    /// Draws `table` as its definition says, on a page at `path` with `params`.
    pub(crate) fn new(definition: &Definition, table: &Table, params: &Params, path: &str) -> IndicatorView {
        let filters = params.filter_query();
        let labels = label_column(table);
        let values = value_column(table);
        let value_label = values.map(|column| {
            let column = &table.columns[column];
            match &column.unit {
                Some(unit) if !unit.is_empty() => format!("{} ({unit})", column.label),
                _ => column.label.clone(),
            }
        });
        let spec = ChartSpec {
            id: &definition.id,
            title: &definition.title,
            x_label: labels.map_or("", |column| table.columns[column].label.as_str()),
            y_label: value_label.as_deref().unwrap_or(&definition.unit),
            unit: &definition.unit,
            source: &definition.source,
        };
        let points = |limit: usize| -> Vec<(String, f64)> {
            let (Some(labels), Some(values)) = (labels, values) else { return Vec::new() };
            table
                .rows
                .iter()
                .filter_map(|row| {
                    let label = match row.get(labels)? {
                        Cell::Text(text) => text.clone(),
                        other => format_cell(other, 0),
                    };
                    Some((label, row.get(values).and_then(cell_number)?))
                })
                .take(limit)
                .collect()
        };
        let svg = match definition.chart {
            // The supply-and-demand table lists every competence; its chart sets demand and
            // supply back to back for the widest gaps, from the most under-taught competence to
            // the most over-taught one.
            ChartKind::Table if table.column("indice_ecart").is_some() => {
                let rows = widest_gaps(table, labels);
                let title =
                    format!("{}\u{A0}: les {} écarts les plus forts, dans les deux sens", definition.title, rows.len());
                let spec = ChartSpec { title: &title, y_label: "Poids", ..spec };
                Some(chart::paired_bar_chart(
                    &spec,
                    "Demande : part des citations",
                    "Offre : part des enseignements",
                    &rows,
                ))
            }
            ChartKind::Table => None,
            ChartKind::Line => {
                let points = points(usize::MAX);
                let label = value_label.clone().unwrap_or_else(|| definition.unit.clone());
                Some(chart::line_chart(&spec, &[Series { label: &label, points }]))
            }
            ChartKind::Bar => Some(chart::bar_chart(&spec, &points(MAX_BARS))),
            // A map per region and competence needs one competence chosen.
            ChartKind::Map if table.column("competence").is_some() && params.competences.len() != 1 => None,
            ChartKind::Map => {
                let code = table.column("region_code");
                let mut regional: Vec<(String, f64)> = match (code, values) {
                    (Some(code), Some(values)) => table
                        .rows
                        .iter()
                        .filter_map(|row| match (row.get(code), row.get(values).and_then(cell_number)) {
                            (Some(Cell::Text(code)), Some(value)) => Some((code.clone(), value)),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                // A region absent from a count has none: 0, not « no data » (a median has no 0).
                let counted = values.is_some_and(|column| COUNTS.contains(&table.columns[column].name.as_str()));
                if counted && !regional.is_empty() {
                    for (code, _) in records::geo::REGIONS {
                        if !regional.iter().any(|(known, _)| known == code) {
                            regional.push((code.to_owned(), 0.0));
                        }
                    }
                }
                let link = |code: &str| -> Option<String> {
                    records::geo::region_name(code)?;
                    Some(params.toggled("region", code).href(path))
                };
                Some(map::region_map(&spec, &regional, &link))
            }
        };
        let numeric: Vec<bool> = (0..table.columns.len())
            .map(|column| table.rows.iter().any(|row| row.get(column).and_then(cell_number).is_some()))
            .collect();
        let decimals: Vec<usize> = (0..table.columns.len()).map(|column| decimals_for(table, column)).collect();
        IndicatorView {
            id: definition.id.clone(),
            title: definition.title.clone(),
            definition: definition.definition.clone(),
            svg,
            headers: table
                .columns
                .iter()
                .map(|column| match &column.unit {
                    Some(unit) if !unit.is_empty() => format!("{} ({unit})", column.label),
                    _ => column.label.clone(),
                })
                .collect(),
            numeric,
            rows: table
                .rows
                .iter()
                .map(|row| row.iter().enumerate().map(|(column, cell)| format_cell(cell, decimals[column])).collect())
                .collect(),
            exports: FORMATS
                .iter()
                .map(|(extension, label)| {
                    (*label, format!("/observatoire/indicateurs/{}.{extension}{filters}", definition.id))
                })
                .collect(),
            api: format!("/api/observatoire/indicateurs/{}{filters}", definition.id),
            method: format!("/observatoire/methode#{}", definition.id),
            problems: table.problems.clone(),
            folded: definition.chart != ChartKind::Table,
            hint: (definition.chart == ChartKind::Map && table.column("competence").is_some() && params.competences.len() != 1)
                .then_some("Choisissez une compétence dans les filtres pour voir sa carte ; le tableau donne toutes les régions et toutes les compétences."),
        }
    }
}

/// A search hit as the result list shows it.
pub(crate) fn hit_view(hit: &RecordHit, referentiel: &Referentiel) -> super::HitView {
    let mut meta = Vec::new();
    if let Some(organisation) = &hit.organisation {
        meta.push(organisation.clone());
    }
    if let Some(region) = hit.region.as_deref().and_then(records::geo::region_name) {
        meta.push(region.to_owned());
    }
    if let Some(contract) = hit.contract {
        meta.push(capitalise(Contract::label(contract)));
    }
    if let Some(sector) = hit.sector.as_deref().and_then(records::sector_label) {
        meta.push(sector.to_owned());
    }
    if let Some(salary) = &hit.salary {
        let period = match salary.period {
            records::SalaryPeriod::Year => "par an",
            records::SalaryPeriod::Month => "par mois",
            records::SalaryPeriod::Day => "par jour",
            records::SalaryPeriod::Hour => "de l'heure",
        };
        let figure = |value: f64| chart::format_number(value, 0);
        let range = match (salary.min, salary.max) {
            (Some(min), Some(max)) if min != max => {
                format!("{} à {} {} {period}", figure(min), figure(max), salary.currency)
            }
            (Some(value), _) | (None, Some(value)) => format!("{} {} {period}", figure(value), salary.currency),
            (None, None) => String::new(),
        };
        if !range.is_empty() {
            meta.push(range);
        }
    }
    if let Some(amount) = &hit.amount {
        meta.push(format!("{} {}", chart::format_number(amount.value, 0), amount.currency));
    }
    if let Some(funder) = &hit.funder {
        meta.push(format!("financeur : {funder}"));
    }
    if let Some(date) = &hit.date {
        meta.push(date.clone());
    }
    super::HitView {
        kind: hit.kind.label(),
        title: hit.title.clone(),
        source_url: safe_url(&hit.source_url),
        meta,
        competences: hit
            .competences
            .iter()
            .map(|id| referentiel.competence(id).map_or_else(|| id.clone(), |found| format!("{id} {}", found.label.fr)))
            .collect(),
        snippet: hit.snippet.html(),
    }
}

/// A crawled URL, kept only when it is `http` or `https` (a `javascript:` link is hostile).
fn safe_url(url: &str) -> String {
    let lower = url.trim_start().to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") { url.to_owned() } else { String::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_addresses_become_links() {
        assert_eq!(safe_url("https://emplois.test/offre/1"), "https://emplois.test/offre/1");
        assert_eq!(safe_url("javascript:alert(1)"), "");
        assert_eq!(safe_url(" JAVASCRIPT:alert(1)"), "");
        assert_eq!(safe_url("data:text/html,<script>"), "");
    }

    #[test]
    fn labels_and_values_are_found_by_their_column_names() {
        let table = Table {
            columns: vec![
                indicators::Column { name: "region_code".into(), label: "Code".into(), unit: None },
                indicators::Column { name: "region".into(), label: "Région".into(), unit: None },
                indicators::Column { name: "offres".into(), label: "Offres".into(), unit: Some("offres".into()) },
            ],
            rows: vec![
                vec![Cell::Text("84".into()), Cell::Text("Auvergne-Rhône-Alpes".into()), Cell::Int(12)],
                vec![Cell::Text("11".into()), Cell::Text("Île-de-France".into()), Cell::Int(40)],
            ],
            problems: Vec::new(),
        };
        assert_eq!(label_column(&table), Some(1));
        assert_eq!(value_column(&table), Some(2));
        assert_eq!(format_cell(&Cell::Float(0.1234), 3), "0,123");
        assert_eq!(format_cell(&Cell::Null, 0), "—");
    }

    #[test]
    fn the_widest_gaps_are_taken_from_both_ends() {
        let column = |name: &str| indicators::Column { name: name.into(), label: name.into(), unit: None };
        // 20 competences: gaps from 0.9 down to −1.0 by 0.1, one with no data, one with no gap.
        let mut rows: Vec<Vec<Cell>> = (0..20)
            .map(|n| {
                let gap = 0.9 - 0.1 * f64::from(n);
                vec![Cell::Text(format!("C{n:02}")), Cell::Float(10.0), Cell::Float(20.0), Cell::Float(gap)]
            })
            .collect();
        rows.push(vec![Cell::Text("vide".into()), Cell::Float(0.0), Cell::Float(0.0), Cell::Float(0.0)]);
        let table = Table {
            columns: vec![column("competence"), column("poids_demande"), column("poids_offre"), column("indice_ecart")],
            rows,
            problems: Vec::new(),
        };
        let labels: Vec<String> = widest_gaps(&table, Some(0)).into_iter().map(|row| row.label).collect();
        // Nine positive gaps (C00–C08) give their eight widest, then come the seven most negative.
        assert_eq!(labels.len(), MAX_BARS);
        assert_eq!(labels[..8], ["C00", "C01", "C02", "C03", "C04", "C05", "C06", "C07"]);
        assert_eq!(labels[8..], ["C13", "C14", "C15", "C16", "C17", "C18", "C19"]);
    }
}
