//! Readers for API and file shapes: France Travail job offers (JSON), data.gouv.fr datasets
//! (JSON) and CORDIS projects (CSV). Each returns unfinished records and French problems.

use serde_json::{Map, Value};

pub mod cordis;
pub mod datagouv;
pub mod france_travail;

/// Most entries read from one response.
pub const MAX_ENTRIES: usize = 100_000;

/// Trimmed, non-empty text of a JSON string or number field.
fn text(object: &Map<String, Value>, key: &str) -> Option<String> {
    match object.get(key)? {
        Value::String(text) => Some(text.trim().to_owned()).filter(|text| !text.is_empty()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Text of `key` inside the object field `outer`.
fn nested(object: &Map<String, Value>, outer: &str, key: &str) -> Option<String> {
    object.get(outer).and_then(Value::as_object).and_then(|inner| text(inner, key))
}

/// The entry's own URL when it is an absolute http(s) URL, else the page URL with the entry id
/// as fragment.
fn entry_url(own: Option<String>, page_url: &str, entry_id: &str) -> String {
    match own.and_then(|url| crate::html::resolve(None, &url)) {
        Some(url) => url,
        None if entry_id.is_empty() => page_url.to_owned(),
        None => format!("{}#{entry_id}", page_url.split('#').next().unwrap_or(page_url)),
    }
}
