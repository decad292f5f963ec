//! CORDIS projects CSV exports (« CORDIS - EU research projects under HORIZON EUROPE / H2020 »,
//! `project.csv`): `;`-separated, one project per row, with a header row.
//!
//! Columns read (by name, case folded, in any order): `id`, `acronym`, `title`, `objective`,
//! `startDate`, `endDate`, `totalCost`, and, in the older H2020 layout,
//! `coordinator` and `participants` (organisation names separated by `;`). The current layout
//! lists organisations in a separate `organization.csv`, so `organisations` stays empty for it.

use std::collections::HashMap;

use records::{Amount, Kind, Project, Record};

use super::MAX_ENTRIES;
use crate::normalise;

/// Whether a text looks like a CORDIS projects CSV (its header names `id`, `acronym` and `title`).
pub fn matches(body: &str) -> bool {
    let header = body.trim_start_matches('\u{feff}').lines().next().unwrap_or_default().to_lowercase();
    let names: Vec<&str> = header.split([';', ',']).map(|name| name.trim().trim_matches('"')).collect();
    ["id", "acronym", "title"].iter().all(|wanted| names.contains(wanted))
}

/// Every project of the file.
pub fn extract(body: &str, page_url: &str) -> (Vec<Record>, Vec<String>) {
    let body = body.trim_start_matches('\u{feff}');
    let first_line = body.lines().next().unwrap_or_default();
    let delimiter = if first_line.matches(';').count() >= first_line.matches(',').count() { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(body.as_bytes());
    let mut problems = Vec::new();
    let columns: HashMap<String, usize> = match reader.headers() {
        Ok(headers) => headers.iter().enumerate().map(|(index, name)| (name.trim().to_lowercase(), index)).collect(),
        Err(_) => return (Vec::new(), vec!["CORDIS : ligne d'en-tête illisible".to_owned()]),
    };
    if columns.contains_key("projectid") && columns.contains_key("name") {
        problems.push(
            "CORDIS : fichier des organisations (organization.csv) : il ne donne pas de projets ; les organisations d'un projet \
             ne se lisent qu'avec project.csv (colonnes coordinator et participants des anciens exports)"
                .to_owned(),
        );
        return (Vec::new(), problems);
    }
    let missing: Vec<&str> = ["id", "title"].into_iter().filter(|name| !columns.contains_key(*name)).collect();
    if !missing.is_empty() {
        problems.push(format!(
            "CORDIS : colonne(s) {} absente(s) de l'en-tête ; attendues au moins id et title (et acronym, objective, startDate, endDate, totalCost…)",
            missing.join(", ")
        ));
        return (Vec::new(), problems);
    }
    let mut records = Vec::new();
    for (index, row) in reader.records().take(MAX_ENTRIES).enumerate() {
        // Line numbers as a spreadsheet shows them: the header is line 1.
        let line = index + 2;
        let row = match row {
            Ok(row) => row,
            Err(_) => {
                problems.push(format!("CORDIS : ligne {line} illisible (guillemets ou encodage), ignorée"));
                continue;
            }
        };
        let get = |name: &str| -> Option<String> {
            let value = row.get(*columns.get(name)?)?.trim();
            (!value.is_empty()).then(|| value.to_owned())
        };
        let Some(title) = get("title").or_else(|| get("acronym")).map(|title| normalise::text(&title)) else {
            problems.push(format!("CORDIS : ligne {line} sans titre ni acronyme, ignorée"));
            continue;
        };
        let project_id = get("id").unwrap_or_default();
        let description = get("objective").map(|text| normalise::text(&text)).unwrap_or_default();
        let mut organisations: Vec<String> = Vec::new();
        for name in get("coordinator").into_iter().chain(get("participants")).flat_map(|list| {
            list.split(';').map(|name| name.trim().to_owned()).filter(|name| !name.is_empty()).collect::<Vec<_>>()
        }) {
            if !organisations.contains(&name) {
                organisations.push(name);
            }
        }
        let id = normalise::stable_id(Kind::Project, &["cordis", &project_id, &title]);
        records.push(Record::Project(Project {
            id,
            sector: None,
            title,
            description,
            organisations,
            start_date: get("startdate").and_then(|text| normalise::date(&text)),
            end_date: get("enddate").and_then(|text| normalise::date(&text)),
            budget: get("totalcost")
                .and_then(|text| number(&text))
                .map(|value| Amount { value, currency: "EUR".into() }),
            funder: Some("Commission européenne".to_owned()),
            region_code: None,
            source_url: if project_id.is_empty() { page_url.to_owned() } else { format!("{page_url}#{project_id}") },
        }));
    }
    (records, problems)
}

/// A CORDIS figure: `1234567,8` (older exports), `1234567.80`, `1 234 567,80`.
pub fn number(text: &str) -> Option<f64> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace() && *c != '\u{202f}').collect();
    let normalised = match (compact.contains(','), compact.contains('.')) {
        (true, false) => compact.replace(',', "."),
        (true, true) => compact.replace(',', ""),
        _ => compact,
    };
    normalised.parse::<f64>().ok().filter(|value| value.is_finite() && *value >= 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_in_every_written_form() {
        assert_eq!(number("1234567,8"), Some(1_234_567.8));
        assert_eq!(number("1 234 567,80"), Some(1_234_567.8));
        assert_eq!(number("1,234,567.80"), Some(1_234_567.8));
        assert_eq!(number("abc"), None);
        assert_eq!(number("-5"), None);
    }

    #[test]
    fn the_header_decides() {
        assert!(matches("id;acronym;status;title;startDate\n1;A;SIGNED;T;2024-01-01\n"));
        assert!(!matches("nom;prenom\nx;y\n"));
    }
}
