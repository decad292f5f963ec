//! HTML microdata (`itemscope`, `itemtype`, `itemprop`) turned into JSON-LD-shaped nodes, so that
//! one mapping (`schema`) serves both. Values follow the HTML standard's rules (`content` of
//! `meta`, `href` of links, `src` of media, `datetime` of `time`, `value` of `data`), and a
//! `content` attribute on any element wins over its text, as schema.org examples use it.
//! `itemref` is not followed.

use scraper::{ElementRef, Html, Selector};
use serde_json::{Map, Value};
use url::Url;

use crate::html::{MAX_FIELD_BYTES, element_text, resolve, truncate};

/// Deepest nesting of items followed.
const MAX_DEPTH: usize = 32;
/// Most properties read on one page.
const MAX_PROPERTIES: usize = 50_000;

/// Every top-level item of the page (an `itemscope` element that is not itself a property).
pub fn items(document: &Html, base: Option<&Url>) -> Vec<Value> {
    let Ok(selector) = Selector::parse("[itemscope]") else { return Vec::new() };
    let mut budget = MAX_PROPERTIES;
    document
        .select(&selector)
        .filter(|element| element.attr("itemprop").is_none())
        .map(|element| item(element, base, 0, &mut budget))
        .collect()
}

fn item(element: ElementRef<'_>, base: Option<&Url>, depth: usize, budget: &mut usize) -> Value {
    let mut object = Map::new();
    if let Some(kind) = element.attr("itemtype").map(str::trim).filter(|kind| !kind.is_empty()) {
        object.insert("@type".into(), Value::String(kind.to_owned()));
    }
    if let Some(id) = element.attr("itemid").map(str::trim).filter(|id| !id.is_empty()) {
        object.insert("@id".into(), Value::String(id.to_owned()));
    }
    // Depth-first over the element's subtree with an explicit stack (hostile pages nest deeply),
    // stopping at nested items: their properties are theirs.
    let mut stack: Vec<ElementRef<'_>> = element.child_elements().collect();
    stack.reverse();
    while let Some(current) = stack.pop() {
        if *budget == 0 {
            break;
        }
        let nested = current.attr("itemscope").is_some();
        if let Some(names) = current.attr("itemprop") {
            *budget -= 1;
            let value = if nested {
                if depth < MAX_DEPTH { item(current, base, depth + 1, budget) } else { Value::Null }
            } else {
                Value::String(property_value(&current, base))
            };
            for name in names.split_ascii_whitespace() {
                let name = name.rsplit(['/', '#']).next().unwrap_or(name);
                add(&mut object, name, value.clone());
            }
        }
        if !nested {
            let mut children: Vec<ElementRef<'_>> = current.child_elements().collect();
            children.reverse();
            stack.extend(children);
        }
    }
    Value::Object(object)
}

fn add(object: &mut Map<String, Value>, name: &str, value: Value) {
    match object.get_mut(name) {
        None => {
            object.insert(name.to_owned(), value);
        }
        Some(Value::Array(values)) => values.push(value),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, value]);
        }
    }
}

fn property_value(element: &ElementRef<'_>, base: Option<&Url>) -> String {
    let attr = |name: &str| element.attr(name).map(|value| truncate(value.trim(), MAX_FIELD_BYTES).to_owned());
    let url = |name: &str| element.attr(name).and_then(|href| resolve(base, href)).unwrap_or_default();
    if let Some(content) = attr("content") {
        return content;
    }
    match element.value().name() {
        "meta" => String::new(),
        "audio" | "embed" | "iframe" | "img" | "source" | "track" | "video" => url("src"),
        "a" | "area" | "link" => url("href"),
        "object" => url("data"),
        "data" | "meter" => attr("value").unwrap_or_default(),
        "time" => attr("datetime").unwrap_or_else(|| element_text(element)),
        _ => element_text(element),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_items_and_attribute_values_are_read() {
        let page = r#"<div itemscope itemtype="https://schema.org/JobPosting">
              <h1 itemprop="title">Data engineer</h1>
              <time itemprop="datePosted" datetime="2026-02-01">1er février</time>
              <meta itemprop="employmentType" content="FULL_TIME">
              <a itemprop="url" href="/offres/7">voir</a>
              <div itemprop="hiringOrganization" itemscope itemtype="https://schema.org/Organization">
                <span itemprop="name">Lumière Analytique</span>
              </div>
              <span itemprop="skills">SQL</span><span itemprop="skills">Python</span>
            </div>
            <div itemscope itemtype="https://schema.org/Dataset"><span itemprop="name">Jeu</span></div>"#;
        let base = Url::parse("https://emplois.exemple.fr/liste").ok();
        let items = items(&Html::parse_document(page), base.as_ref());
        assert_eq!(items.len(), 2, "{items:?}");
        let job = &items[0];
        assert_eq!(job["title"], "Data engineer");
        assert_eq!(job["datePosted"], "2026-02-01");
        assert_eq!(job["employmentType"], "FULL_TIME");
        assert_eq!(job["url"], "https://emplois.exemple.fr/offres/7");
        assert_eq!(job["hiringOrganization"]["name"], "Lumière Analytique");
        assert_eq!(job["skills"], serde_json::json!(["SQL", "Python"]));
        assert!(job.get("name").is_none(), "the organisation's name must not leak into the posting");
        assert_eq!(items[1]["name"], "Jeu");
    }
}
