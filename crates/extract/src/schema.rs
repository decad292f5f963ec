//! schema.org nodes (from JSON-LD, or microdata turned into the same JSON shape) → records.
//!
//! Mapped types: `JobPosting`; `MonetaryGrant` and `Grant`; `Project` and `ResearchProject`;
//! `Dataset`. `Organization` and its subtypes only give names (employer, funder, recipient,
//! publisher, organisations). `Person` nodes are never read, wherever they appear. `Course` and
//! `EducationalOccupationalProgram` are not observatory records: they are skipped silently.

use std::collections::HashMap;

use records::{Amount, Dataset, Funding, JobPosting, Kind, Location, Project, Record};
use serde_json::{Map, Value};
use url::Url;

use crate::html::{MAX_FIELD_BYTES, truncate};
use crate::normalise;

/// Deepest nesting walked; serde_json already refuses deeper documents, microdata is capped too.
const MAX_DEPTH: usize = 64;
/// Most records taken from one page.
pub const MAX_RECORDS: usize = 2_000;

/// Where the nodes come from.
pub struct Context<'a> {
    /// URL of the page.
    pub page_url: &'a str,
    /// Parsed page URL, to resolve relative `url` values.
    pub base: Option<&'a Url>,
}

/// Every record of a set of root nodes (JSON-LD scripts or microdata items), unfinished.
pub fn records(roots: &[Value], context: &Context<'_>) -> Vec<Record> {
    let mut ids = HashMap::new();
    for root in roots {
        index_ids(root, &mut ids, 0);
    }
    let reader = Reader { context, ids };
    let mut out = Vec::new();
    for root in roots {
        reader.walk(root, &mut out, 0);
    }
    out
}

/// Nodes with an `@id` and at least one other property, so that `{"@id": …}` references can be
/// followed (a `@graph` names the organisation once and points to it from each posting).
fn index_ids<'v>(value: &'v Value, ids: &mut HashMap<String, &'v Value>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Array(items) => items.iter().for_each(|item| index_ids(item, ids, depth + 1)),
        Value::Object(object) => {
            if let Some(Value::String(id)) = object.get("@id")
                && object.len() > 1
            {
                ids.entry(id.clone()).or_insert(value);
            }
            object.values().for_each(|item| index_ids(item, ids, depth + 1));
        }
        _ => {}
    }
}

/// The local names of a node's `@type` (`JobPosting` for `http://schema.org/JobPosting`).
pub fn types(object: &Map<String, Value>) -> Vec<String> {
    let local = |text: &str| text.trim().rsplit(['/', '#', ':']).next().unwrap_or_default().to_owned();
    match object.get("@type") {
        Some(Value::String(text)) => text.split_whitespace().map(local).collect(),
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(local).collect(),
        _ => Vec::new(),
    }
}

fn is_person(value: &Value) -> bool {
    value.as_object().is_some_and(|object| types(object).iter().any(|name| name == "Person"))
}

struct Reader<'a, 'v> {
    context: &'a Context<'a>,
    ids: HashMap<String, &'v Value>,
}

impl<'a, 'v> Reader<'a, 'v> {
    fn walk(&self, value: &'v Value, out: &mut Vec<Record>, depth: usize) {
        if depth > MAX_DEPTH || out.len() >= MAX_RECORDS {
            return;
        }
        match value {
            Value::Array(items) => items.iter().for_each(|item| self.walk(item, out, depth + 1)),
            Value::Object(object) => {
                let names = types(object);
                let has = |wanted: &[&str]| names.iter().any(|name| wanted.contains(&name.as_str()));
                if has(&["Person"]) {
                    return;
                }
                let record = if has(&["JobPosting"]) {
                    Some(Record::Job(self.job(object)))
                } else if has(&["MonetaryGrant", "Grant"]) {
                    Some(Record::Funding(self.funding(object)))
                } else if has(&["Project", "ResearchProject"]) {
                    Some(Record::Project(self.project(object)))
                } else if has(&["Dataset"]) {
                    Some(Record::Dataset(self.dataset(object)))
                } else {
                    None
                };
                match record {
                    Some(record) if !record.title().is_empty() => out.push(record),
                    Some(_) => {}
                    None => {
                        for (key, item) in object {
                            if key != "@context" {
                                self.walk(item, out, depth + 1);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// Follows a `{"@id": …}` reference to the node it names, if the document has it.
    fn deref(&self, value: &'v Value) -> &'v Value {
        if let Value::Object(object) = value
            && object.len() == 1
            && let Some(Value::String(id)) = object.get("@id")
            && let Some(target) = self.ids.get(id)
        {
            return target;
        }
        value
    }

    /// The property's values, references followed, arrays flattened.
    fn all(&self, object: &'v Map<String, Value>, key: &str) -> Vec<&'v Value> {
        let found = object.get(key).or_else(|| object.get(&format!("schema:{key}")));
        match found {
            Some(Value::Array(items)) => items.iter().map(|item| self.deref(item)).collect(),
            Some(Value::Null) | None => Vec::new(),
            Some(value) => vec![self.deref(value)],
        }
    }

    fn first(&self, object: &'v Map<String, Value>, keys: &[&str]) -> Option<&'v Value> {
        keys.iter().find_map(|key| self.all(object, key).into_iter().next())
    }

    /// Plain text of the first of `keys` that has some.
    fn text(&self, object: &'v Map<String, Value>, keys: &[&str]) -> Option<String> {
        keys.iter().find_map(|key| self.all(object, key).into_iter().find_map(scalar_text))
    }

    /// Name of an organisation (never of a person), given as text or as a node.
    fn name(&self, value: &'v Value) -> Option<String> {
        match value {
            Value::Object(object) => {
                if is_person(value) {
                    return None;
                }
                self.text(object, &["name", "legalName", "alternateName"])
            }
            other => scalar_text(other),
        }
    }

    fn names(&self, object: &'v Map<String, Value>, keys: &[&str]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for key in keys {
            for value in self.all(object, key) {
                if let Some(name) = self.name(value)
                    && !out.contains(&name)
                {
                    out.push(name);
                }
            }
        }
        out
    }

    fn date(&self, object: &'v Map<String, Value>, keys: &[&str]) -> Option<String> {
        keys.iter().find_map(|key| {
            self.all(object, key).into_iter().filter_map(scalar_text).find_map(|text| normalise::date(&text))
        })
    }

    /// The node's own URL when it is on the page's host, else the page URL.
    fn source_url(&self, object: &'v Map<String, Value>) -> String {
        let own =
            self.text(object, &["url"]).and_then(|href| crate::html::resolve(self.context.base, &href)).filter(|url| {
                let host = |text: &str| Url::parse(text).ok().and_then(|url| url.host_str().map(str::to_owned));
                host(url).is_some() && host(url) == host(self.context.page_url)
            });
        own.unwrap_or_else(|| self.context.page_url.to_owned())
    }

    fn identifier(&self, object: &'v Map<String, Value>) -> String {
        let value = self.first(object, &["identifier"]);
        let from_identifier = value.and_then(|value| match value {
            Value::Object(inner) => self.text(inner, &["value", "@id"]),
            other => scalar_text(other),
        });
        from_identifier.or_else(|| object.get("@id").and_then(scalar_text)).unwrap_or_default()
    }

    /// Location from a `Place` (its `address`), a `PostalAddress` or a plain text.
    fn location(&self, value: &'v Value) -> Location {
        let Value::Object(object) = value else {
            return normalise::location(scalar_text(value).as_deref(), None, None, None);
        };
        let address = self.first(object, &["address"]).unwrap_or(value);
        let Value::Object(address_object) = address else {
            return normalise::location(scalar_text(address).as_deref(), None, None, None);
        };
        let country = self.first(address_object, &["addressCountry"]).and_then(|country| match country {
            Value::Object(inner) => self.text(inner, &["identifier", "name"]),
            other => scalar_text(other),
        });
        normalise::location(
            self.text(address_object, &["addressLocality"]).as_deref(),
            self.text(address_object, &["postalCode"]).as_deref(),
            self.text(address_object, &["addressRegion"]).as_deref(),
            country.as_deref(),
        )
    }

    fn region_of(&self, values: &[&'v Value]) -> Option<String> {
        values.iter().find_map(|value| {
            let Value::Object(object) = value else { return None };
            let place = self.first(object, &["address", "location"]).unwrap_or(value);
            if is_person(place) {
                return None;
            }
            self.location(place).region_code
        })
    }

    fn amount(&self, value: &'v Value) -> Option<Amount> {
        match value {
            Value::Number(number) => number.as_f64().map(|value| Amount { value, currency: "EUR".into() }),
            Value::String(text) => normalise::amount(text),
            Value::Object(object) => {
                let currency = self.text(object, &["currency"]).map(|text| text.to_uppercase());
                let figure = self.first(object, &["value", "amount", "maxValue", "minValue"])?;
                let mut amount = self.amount(figure)?;
                if let Some(currency) = currency.filter(|code| code.len() == 3) {
                    amount.currency = currency;
                }
                Some(amount)
            }
            _ => None,
        }
    }

    /// Sector of a grant or a project: its `industry`, else the first of its `keywords` (a list
    /// or a comma-separated text) that names one.
    fn sector(&self, object: &'v Map<String, Value>) -> Option<String> {
        if let Some(sector) = self.text(object, &["industry"]).and_then(|text| normalise::sector(&text)) {
            return Some(sector);
        }
        self.all(object, "keywords")
            .into_iter()
            .filter_map(scalar_text)
            .flat_map(|text| text.split(',').map(str::trim).map(str::to_owned).collect::<Vec<_>>())
            .find_map(|keyword| normalise::sector(&keyword))
    }

    fn job(&self, object: &'v Map<String, Value>) -> JobPosting {
        let title = self.text(object, &["title", "name"]).unwrap_or_default();
        let description = self.text(object, &["description"]).unwrap_or_default();
        let source_url = self.source_url(object);
        let date_posted = self.date(object, &["datePosted"]);
        let location = self.first(object, &["jobLocation"]).map(|place| self.location(place)).unwrap_or_default();
        let telecommute = self
            .all(object, "jobLocationType")
            .into_iter()
            .filter_map(scalar_text)
            .any(|kind| kind.eq_ignore_ascii_case("TELECOMMUTE"));
        let remote = if telecommute {
            Some(true)
        } else {
            self.text(object, &["workHours", "jobBenefits"])
                .and_then(|text| normalise::remote(&text))
                .or_else(|| normalise::remote(&description))
        };
        let contract = self
            .all(object, "employmentType")
            .into_iter()
            .filter_map(scalar_text)
            .find_map(|text| normalise::contract(&text));
        let salary = ["baseSalary", "estimatedSalary"].iter().find_map(|key| {
            self.all(object, key).into_iter().find_map(|value| match value {
                Value::Object(_) => normalise::salary_schema(value),
                other => scalar_text(other).and_then(|text| normalise::salary_text(&text)),
            })
        });
        let rome_code = self.text(object, &["occupationalCategory"]).and_then(|text| rome_code(&text));
        let sector = self.text(object, &["industry"]).and_then(|text| normalise::sector(&text));
        let employer = self.first(object, &["hiringOrganization"]).and_then(|value| self.name(value));
        let identifier = self.identifier(object);
        let id = normalise::stable_id(
            Kind::Job,
            &[
                &source_url,
                &identifier,
                &title,
                employer.as_deref().unwrap_or_default(),
                date_posted.as_deref().unwrap_or_default(),
            ],
        );
        JobPosting {
            id,
            title,
            description,
            date_posted,
            valid_through: self.date(object, &["validThrough"]),
            employer,
            location,
            remote,
            contract,
            salary,
            competences: Vec::new(),
            rome_code,
            sector,
            source_url,
            duplicate_urls: Vec::new(),
        }
    }

    fn funding(&self, object: &'v Map<String, Value>) -> Funding {
        let title = self.text(object, &["name", "headline", "title"]).unwrap_or_default();
        let source_url = self.source_url(object);
        let date = self.date(object, &["startDate", "datePublished", "dateCreated", "dateModified"]);
        let recipients: Vec<&Value> = ["fundedItem", "recipient"]
            .iter()
            .flat_map(|key| self.all(object, key))
            .filter(|value| !is_person(value))
            .collect();
        let recipient = recipients.iter().find_map(|value| self.name(value));
        let amount = self.first(object, &["amount"]).and_then(|value| self.amount(value));
        let programme = self.first(object, &["isPartOf", "category"]).and_then(|value| self.name(value));
        let funder = self.names(object, &["funder", "sponsor"]).into_iter().next();
        // Only a declared industry or keywords: guessing a sector from the announcement's words
        // misfires.
        let sector = self.sector(object);
        let id = normalise::stable_id(
            Kind::Funding,
            &[
                &source_url,
                &self.identifier(object),
                &title,
                recipient.as_deref().unwrap_or_default(),
                date.as_deref().unwrap_or_default(),
            ],
        );
        Funding {
            id,
            title,
            funder,
            recipient,
            amount,
            date,
            programme,
            stage: None,
            sector,
            region_code: self.region_of(&recipients),
            source_url,
        }
    }

    fn project(&self, object: &'v Map<String, Value>) -> Project {
        let title = self.text(object, &["name", "title"]).unwrap_or_default();
        let description = self.text(object, &["description"]).unwrap_or_default();
        let source_url = self.source_url(object);
        let start_date = self.date(object, &["foundingDate", "startDate"]);
        let fundings = self.all(object, "funding");
        let budget = fundings
            .iter()
            .filter_map(|value| value.as_object())
            .find_map(|grant| self.first(grant, &["amount"]).and_then(|value| self.amount(value)));
        let funder = self.names(object, &["funder", "sponsor"]).into_iter().next().or_else(|| {
            fundings
                .iter()
                .filter_map(|value| value.as_object())
                .find_map(|grant| self.names(grant, &["funder", "sponsor"]).into_iter().next())
        });
        let members: Vec<&Value> = ["member", "participant", "parentOrganization"]
            .iter()
            .flat_map(|key| self.all(object, key))
            .filter(|value| !is_person(value))
            .collect();
        let region_code = self
            .first(object, &["address", "location"])
            .and_then(|place| self.location(place).region_code)
            .or_else(|| self.region_of(&members));
        let sector = self.sector(object);
        let id = normalise::stable_id(
            Kind::Project,
            &[&source_url, &self.identifier(object), &title, start_date.as_deref().unwrap_or_default()],
        );
        Project {
            id,
            title,
            description,
            organisations: self.names(object, &["member", "participant", "parentOrganization"]),
            start_date,
            end_date: self.date(object, &["dissolutionDate", "endDate"]),
            budget,
            funder,
            sector,
            region_code,
            source_url,
        }
    }

    fn dataset(&self, object: &'v Map<String, Value>) -> Dataset {
        let title = self.text(object, &["name", "title"]).unwrap_or_default();
        let source_url = self.source_url(object);
        let licence = self.first(object, &["license"]).and_then(|value| match value {
            Value::Object(inner) => self.text(inner, &["name", "url", "@id"]),
            other => scalar_text(other),
        });
        let mut formats: Vec<String> = Vec::new();
        let mut add = |value: &Value| {
            if let Some(format) = scalar_text(value).and_then(|text| format_name(&text))
                && !formats.contains(&format)
            {
                formats.push(format);
            }
        };
        for key in ["encodingFormat", "fileFormat"] {
            self.all(object, key).into_iter().for_each(&mut add);
        }
        for distribution in self.all(object, "distribution") {
            if let Value::Object(inner) = distribution {
                for key in ["encodingFormat", "fileFormat"] {
                    self.all(inner, key).into_iter().for_each(&mut add);
                }
            }
        }
        let updated = self.date(object, &["dateModified", "datePublished"]);
        let id = normalise::stable_id(Kind::Dataset, &[&source_url, &self.identifier(object), &title]);
        Dataset {
            id,
            title,
            publisher: self.names(object, &["publisher", "creator", "author"]).into_iter().next(),
            licence,
            formats,
            updated,
            source_url,
        }
    }
}

/// Text of a scalar (or of a `{"@value": …}` node), entities decoded, tags dropped, whitespace
/// collapsed; `None` when empty.
pub fn scalar_text(value: &Value) -> Option<String> {
    let raw = match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => flag.to_string(),
        Value::Object(object) => return object.get("@value").and_then(scalar_text),
        Value::Array(items) => return items.iter().find_map(scalar_text),
        Value::Null => return None,
    };
    let text = normalise::text(truncate(&raw, MAX_FIELD_BYTES));
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// A ROME code (`M1405`) found in an occupational category.
pub fn rome_code(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .find(|word| {
            let bytes = word.as_bytes();
            bytes.len() == 5 && bytes[0].is_ascii_uppercase() && bytes[1..].iter().all(u8::is_ascii_digit)
        })
        .map(str::to_owned)
}

/// A file format name (`csv`) from a media type, an extension or a name.
pub fn format_name(text: &str) -> Option<String> {
    let lower = text.trim().trim_start_matches('.').to_lowercase();
    let mapped = match lower.as_str() {
        "" => return None,
        "text/csv" | "application/csv" => "csv",
        "application/json" => "json",
        "application/geo+json" | "application/vnd.geo+json" => "geojson",
        "application/xml" | "text/xml" => "xml",
        "application/zip" | "application/x-zip-compressed" => "zip",
        "application/pdf" => "pdf",
        "application/vnd.ms-excel" => "xls",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        "application/vnd.oasis.opendocument.spreadsheet" => "ods",
        "application/vnd.apache.parquet" | "application/x-parquet" | "application/parquet" => "parquet",
        other => other.rsplit('/').next().unwrap_or(other).trim_start_matches("x-"),
    };
    let clean: String = mapped.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '+').collect();
    (!clean.is_empty() && clean.len() <= 20).then_some(clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rome_codes_and_formats_are_recognised() {
        assert_eq!(rome_code("M1405 - Data scientist").as_deref(), Some("M1405"));
        assert_eq!(rome_code("Développeur"), None);
        assert_eq!(format_name("text/csv").as_deref(), Some("csv"));
        assert_eq!(format_name(".PARQUET").as_deref(), Some("parquet"));
        assert_eq!(format_name("application/x-shapefile").as_deref(), Some("shapefile"));
        assert_eq!(format_name("  "), None);
    }

    #[test]
    fn types_keep_local_names() {
        let node: Value = serde_json::json!({"@type": ["http://schema.org/JobPosting", "schema:Thing"]});
        assert_eq!(types(node.as_object().unwrap()), vec!["JobPosting", "Thing"]);
    }
}
