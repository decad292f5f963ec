//! data.gouv.fr datasets API (`/api/1/datasets/`): a page `{"data": [dataset…], "next_page": …}`
//! or a single dataset (`/api/1/datasets/{id}/`).
//!
//! Fields read: `id`, `title`, `organization.name` (the `owner` of a dataset published by a
//! person is never read), `license`, `resources[].format`, `last_update` then `last_modified`,
//! `page` (the dataset's page on data.gouv.fr). `next_page` is returned as a link to follow.

use records::{Dataset, Kind, Record};
use serde_json::{Map, Value};

use super::{MAX_ENTRIES, entry_url, nested, text};
use crate::normalise;
use crate::schema::format_name;

/// Whether a JSON value has the data.gouv.fr datasets shape.
pub fn matches(value: &Value) -> bool {
    let is_dataset =
        |value: &Value| value.get("resources").is_some_and(Value::is_array) && value.get("title").is_some();
    match value.get("data") {
        Some(Value::Array(items)) => items.first().is_none_or(is_dataset),
        _ => is_dataset(value),
    }
}

/// Every dataset of the answer, and the next page to fetch.
pub fn extract(value: &Value, page_url: &str) -> (Vec<Record>, Vec<String>, Vec<String>) {
    let mut problems = Vec::new();
    let datasets: Vec<&Value> = match value.get("data") {
        Some(Value::Array(items)) => items.iter().take(MAX_ENTRIES).collect(),
        _ => vec![value],
    };
    let mut records = Vec::new();
    for (index, dataset) in datasets.into_iter().enumerate() {
        match dataset.as_object().and_then(|object| read(object, page_url)) {
            Some(dataset) => records.push(Record::Dataset(dataset)),
            None => problems.push(format!(
                "data.gouv.fr : jeu de données n° {} sans « title » (ou qui n'est pas un objet JSON), non retenu",
                index + 1
            )),
        }
    }
    let links = value
        .get("next_page")
        .and_then(Value::as_str)
        .and_then(|next| crate::html::resolve(url::Url::parse(page_url).ok().as_ref(), next))
        .into_iter()
        .collect();
    (records, problems, links)
}

fn read(dataset: &Map<String, Value>, page_url: &str) -> Option<Dataset> {
    let title = normalise::text(&text(dataset, "title")?);
    if title.is_empty() {
        return None;
    }
    let dataset_id = text(dataset, "id").unwrap_or_default();
    let mut formats: Vec<String> = dataset
        .get("resources")
        .and_then(Value::as_array)
        .map(|resources| {
            resources
                .iter()
                .filter_map(|resource| resource.get("format").and_then(Value::as_str))
                .filter_map(format_name)
                .collect()
        })
        .unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    formats.retain(|format| seen.insert(format.clone()));
    let source_url = entry_url(text(dataset, "page"), page_url, &dataset_id);
    let id = if dataset_id.is_empty() {
        normalise::stable_id(Kind::Dataset, &["data.gouv.fr", &source_url, &title])
    } else {
        normalise::stable_id(Kind::Dataset, &["data.gouv.fr", &dataset_id])
    };
    Some(Dataset {
        id,
        title,
        publisher: nested(dataset, "organization", "name").map(|name| normalise::text(&name)),
        licence: text(dataset, "license"),
        formats,
        updated: ["last_update", "last_modified", "created_at"]
            .iter()
            .find_map(|key| text(dataset, key).and_then(|text| normalise::date(&text))),
        source_url,
    })
}
