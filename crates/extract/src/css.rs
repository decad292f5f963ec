//! Declarative CSS rules (`[[source.rules]]`) for pages without structured data: on pages whose
//! path starts with `rules.pages`, every element matching `item` (the whole page without it)
//! yields one record, each field read by its selector: the text of the first match, or an
//! attribute with `selector@attribute`. `organisations` and `formats` take every match.

use records::source::Rules;
use records::{Dataset, Funding, JobPosting, Kind, Project, Record};
use scraper::{ElementRef, Html, Selector};
use url::Url;

use crate::html::{MAX_FIELD_BYTES, element_text, resolve, truncate};
use crate::normalise;
use crate::schema::{MAX_RECORDS, format_name, rome_code};

/// Whether `rules` apply to the page at `page_url` (its path starts with `rules.pages`).
pub fn applies(rules: &Rules, page_url: &str) -> bool {
    let path = Url::parse(page_url).map(|url| url.path().to_owned()).unwrap_or_default();
    path.starts_with(&rules.pages)
}

/// A field selector: CSS, and the attribute to read instead of the text.
struct FieldSelector {
    /// `None`: the item element itself (`@data-id`).
    selector: Option<Selector>,
    attribute: Option<String>,
}

/// Splits `selector@attribute`; an `@` inside brackets or quotes belongs to the selector.
fn split_attribute(text: &str) -> (&str, Option<&str>) {
    if let Some(at) = text.rfind('@') {
        let (selector, attribute) = (&text[..at], &text[at + 1..]);
        let valid_name = !attribute.is_empty()
            && attribute.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'));
        if valid_name && !attribute.contains(']') {
            return (selector.trim(), Some(attribute));
        }
    }
    (text.trim(), None)
}

fn compile(text: &str) -> Result<FieldSelector, String> {
    let (css, attribute) = split_attribute(text);
    let selector = if css.is_empty() && attribute.is_some() {
        None
    } else {
        Some(Selector::parse(css).map_err(|_| format!("sélecteur CSS « {text} » invalide"))?)
    };
    Ok(FieldSelector { selector, attribute: attribute.map(str::to_owned) })
}

fn read(scope: &ElementRef<'_>, field: &FieldSelector, base: Option<&Url>, all: bool) -> Vec<String> {
    let mut out = Vec::new();
    let elements: Box<dyn Iterator<Item = ElementRef<'_>>> = match &field.selector {
        Some(selector) => Box::new(scope.select(selector)),
        None => Box::new(std::iter::once(*scope)),
    };
    for element in elements {
        let value = match &field.attribute {
            Some(name) if matches!(name.as_str(), "href" | "src") => {
                element.attr(name).and_then(|href| resolve(base, href)).unwrap_or_default()
            }
            Some(name) => {
                element.attr(name).map(|value| normalise::text(truncate(value, MAX_FIELD_BYTES))).unwrap_or_default()
            }
            None => normalise::text(&element_text(&element)),
        };
        let value = value.trim().to_owned();
        if !value.is_empty() {
            out.push(value);
            if !all {
                break;
            }
        }
    }
    out
}

/// Records of the page by `rules`, unfinished, and French problems (invalid selectors, items
/// without a title).
pub fn extract(document: &Html, rules: &Rules, page_url: &str, base: Option<&Url>) -> (Vec<Record>, Vec<String>) {
    let mut problems = Vec::new();
    let mut fields = Vec::new();
    for (name, text) in &rules.fields {
        match compile(text) {
            Ok(selector) => fields.push((name.as_str(), selector)),
            Err(problem) => problems.push(format!("règle « {} » (champ {name}) : {problem}", rules.pages)),
        }
    }
    let scopes: Vec<ElementRef<'_>> = match &rules.item {
        None => vec![document.root_element()],
        Some(item) => match Selector::parse(item) {
            Ok(selector) => document.select(&selector).take(MAX_RECORDS).collect(),
            Err(_) => {
                problems.push(format!("règle « {} » : sélecteur d'élément « {item} » invalide", rules.pages));
                return (Vec::new(), problems);
            }
        },
    };
    let several = scopes.len() > 1;
    let mut records = Vec::new();
    let mut untitled = 0;
    for (index, scope) in scopes.iter().enumerate() {
        let get = |name: &str| -> Option<String> {
            let (_, selector) = fields.iter().find(|(field, _)| *field == name)?;
            read(scope, selector, base, false).into_iter().next()
        };
        let get_all = |name: &str| -> Vec<String> {
            fields
                .iter()
                .find(|(field, _)| *field == name)
                .map(|(_, selector)| read(scope, selector, base, true))
                .unwrap_or_default()
        };
        let Some(title) = get("title") else {
            untitled += 1;
            continue;
        };
        // Several items on one page: each gets its own entry, numbered, unless an `id`-like
        // anchor exists (the item's `id` attribute).
        let source_url = match (several, scope.attr("id")) {
            (false, _) => page_url.to_owned(),
            (true, Some(anchor)) if !anchor.trim().is_empty() => format!("{page_url}#{}", anchor.trim()),
            (true, _) => format!("{page_url}#{}", index + 1),
        };
        records.push(build(rules.kind, title, &get, &get_all, source_url));
    }
    if untitled > 0 {
        problems.push(format!(
            "règle « {} » : {untitled} élément(s) sans titre (sélecteur « {} » sans résultat), non retenus",
            rules.pages,
            rules.fields.get("title").map(String::as_str).unwrap_or_default()
        ));
    }
    (records, problems)
}

fn build(
    kind: Kind,
    title: String,
    get: &dyn Fn(&str) -> Option<String>,
    get_all: &dyn Fn(&str) -> Vec<String>,
    source_url: String,
) -> Record {
    let date = |name: &str| get(name).and_then(|text| normalise::date(&text));
    let region = || get("region").and_then(|text| normalise::region_code(&text));
    let sector = || get("sector").and_then(|text| normalise::sector(&text));
    match kind {
        Kind::Job => {
            let description = get("description").unwrap_or_default();
            let date_posted = date("date_posted");
            let employer = get("employer");
            let mut location = normalise::location(
                get("city").as_deref(),
                get("postal_code").as_deref(),
                get("region").as_deref(),
                Some("FR"),
            );
            if location.city.is_none() && location.postal_code.is_none() && location.region_code.is_none() {
                location.country = None;
            }
            let id = normalise::stable_id(
                Kind::Job,
                &[
                    &source_url,
                    &title,
                    employer.as_deref().unwrap_or_default(),
                    date_posted.as_deref().unwrap_or_default(),
                ],
            );
            Record::Job(JobPosting {
                id,
                // The rule's `remote` element speaks of remote work, even when its text is only
                // « partiel » or « 2 jours par semaine »: read it with that context.
                remote: get("remote")
                    .and_then(|text| {
                        normalise::remote(&text).or_else(|| normalise::remote(&format!("télétravail {text}")))
                    })
                    .or_else(|| normalise::remote(&description)),
                contract: get("contract").and_then(|text| normalise::contract(&text)),
                salary: get("salary").and_then(|text| normalise::salary_text(&text)),
                rome_code: get("rome_code").and_then(|text| rome_code(&text)),
                sector: sector(),
                valid_through: date("valid_through"),
                title,
                description,
                date_posted,
                employer,
                location,
                competences: Vec::new(),
                source_url,
                duplicate_urls: Vec::new(),
            })
        }
        Kind::Funding => {
            let date = date("date");
            let recipient = get("recipient");
            let id = normalise::stable_id(
                Kind::Funding,
                &[&source_url, &title, recipient.as_deref().unwrap_or_default(), date.as_deref().unwrap_or_default()],
            );
            Record::Funding(Funding {
                id,
                funder: get("funder"),
                amount: get("amount").and_then(|text| normalise::amount(&text)),
                programme: get("programme"),
                stage: get("stage"),
                sector: sector(),
                region_code: region(),
                title,
                recipient,
                date,
                source_url,
            })
        }
        Kind::Project => {
            let start_date = date("start_date");
            let id =
                normalise::stable_id(Kind::Project, &[&source_url, &title, start_date.as_deref().unwrap_or_default()]);
            Record::Project(Project {
                id,
                description: get("description").unwrap_or_default(),
                organisations: get_all("organisations"),
                end_date: date("end_date"),
                budget: get("budget").and_then(|text| normalise::amount(&text)),
                funder: get("funder"),
                sector: sector(),
                region_code: region(),
                title,
                start_date,
                source_url,
            })
        }
        Kind::Dataset => {
            let mut formats: Vec<String> = get_all("formats")
                .iter()
                .flat_map(|text| text.split([',', ';', ' ']).filter_map(format_name).collect::<Vec<_>>())
                .collect();
            let mut seen = std::collections::HashSet::new();
            formats.retain(|format| seen.insert(format.clone()));
            let id = normalise::stable_id(Kind::Dataset, &[&source_url, &title]);
            Record::Dataset(Dataset {
                id,
                publisher: get("publisher"),
                licence: get("licence"),
                formats,
                updated: date("updated"),
                title,
                source_url,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_suffixes_are_split_outside_brackets() {
        assert_eq!(split_attribute("time@datetime"), ("time", Some("datetime")));
        assert_eq!(split_attribute("a[href^='mailto:x@y.fr']"), ("a[href^='mailto:x@y.fr']", None));
        assert_eq!(split_attribute("@data-id"), ("", Some("data-id")));
        assert_eq!(split_attribute("h1"), ("h1", None));
    }

    #[test]
    fn rules_apply_by_path_prefix() {
        let rules: Rules = toml::from_str("kind = \"job\"\npages = \"/offres/\"\nfields = { title = \"h1\" }").unwrap();
        assert!(applies(&rules, "https://a.fr/offres/12"));
        assert!(!applies(&rules, "https://a.fr/actualites/offres/12"));
    }
}
