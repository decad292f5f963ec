//! Source declarations (`observatory/sources/*.toml`): what the crawler may fetch, how politely,
//! and how the extraction reads pages that carry no structured data.
//!
//! A file holds one or more `[[source]]` tables:
//!
//! ```toml
//! [[source]]
//! id = "emplois-exemple"
//! title = "Emplois Exemple"
//! allowed_hosts = ["emplois.exemple.fr"]
//! allowed_paths = ["/offres/", "/sitemap.xml"]
//! delay_seconds = 1.0
//! recrawl_hours = 24
//!
//! [[source.seeds]]
//! url = "https://emplois.exemple.fr/sitemap.xml"
//! type = "sitemap"
//!
//! [[source.rules]]
//! kind = "job"
//! pages = "/offres/"
//! item = "article.offre"
//! fields = { title = "h1", description = ".description", date_posted = "time@datetime" }
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Kind;

/// Default minimum delay between two requests to one host, in seconds.
pub const DEFAULT_DELAY_SECONDS: f64 = 1.0;
/// Default interval before a page is fetched again, in hours.
pub const DEFAULT_RECRAWL_HOURS: u32 = 24;

/// A parsed sources file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcesFile {
    /// The sources, in file order.
    #[serde(rename = "source")]
    pub sources: Vec<Source>,
}

/// One site or API to collect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Slug, unique in the file.
    pub id: String,
    /// Human name.
    pub title: String,
    /// Hosts the crawler may fetch (`host` or `host:port`); links elsewhere are not followed.
    pub allowed_hosts: Vec<String>,
    /// Path prefixes the crawler may fetch; empty means every path of the allowed hosts.
    #[serde(default)]
    pub allowed_paths: Vec<String>,
    /// Minimum delay between two requests to one host, in seconds (a larger Crawl-delay of the
    /// site wins, up to 30 s).
    #[serde(default = "default_delay")]
    pub delay_seconds: f64,
    /// Interval before a page is fetched again (conditionally), in hours.
    #[serde(default = "default_recrawl")]
    pub recrawl_hours: u32,
    /// Whether links found in HTML pages are followed (within the allowed hosts and paths).
    #[serde(default = "default_true")]
    pub follow_links: bool,
    /// Where the crawl starts.
    pub seeds: Vec<Seed>,
    /// Extraction rules for pages without structured data.
    #[serde(default)]
    pub rules: Vec<Rules>,
}

fn default_delay() -> f64 {
    DEFAULT_DELAY_SECONDS
}

fn default_recrawl() -> u32 {
    DEFAULT_RECRAWL_HOURS
}

fn default_true() -> bool {
    true
}

/// What a seed URL returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeedType {
    /// An HTML page whose links are followed.
    Page,
    /// An XML sitemap or sitemap index.
    Sitemap,
    /// An RSS or Atom feed.
    Feed,
    /// A JSON API answer, read by an adapter.
    JsonApi,
    /// A CSV file, read by an adapter.
    Csv,
}

/// Readers for API and file shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Adapter {
    /// France Travail job offers (`resultats` of `offres/search`).
    FranceTravail,
    /// data.gouv.fr datasets API (`data` of `/api/1/datasets/`).
    Datagouv,
    /// CORDIS projects CSV export.
    Cordis,
}

/// A starting point of a crawl.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    /// Absolute URL.
    pub url: String,
    /// What the URL returns.
    #[serde(rename = "type", default = "default_seed_type")]
    pub seed_type: SeedType,
    /// Reader for `json_api` and `csv` seeds.
    #[serde(default)]
    pub adapter: Option<Adapter>,
}

fn default_seed_type() -> SeedType {
    SeedType::Page
}

/// CSS extraction rules: on pages whose path starts with `pages`, every element matching `item`
/// yields one record of `kind`, its fields read by the selectors of `fields`. A selector may end
/// with `@attribute` to read an attribute instead of the text (`time@datetime`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Kind of the records.
    pub kind: Kind,
    /// Path prefix of the pages the rules apply to.
    #[serde(default = "default_pages")]
    pub pages: String,
    /// Selector of the element holding one record; the whole page when absent.
    #[serde(default)]
    pub item: Option<String>,
    /// Record field → selector.
    pub fields: BTreeMap<String, String>,
}

fn default_pages() -> String {
    "/".into()
}

/// Fields CSS rules may fill, per kind.
pub fn rule_fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Job => &[
            "title",
            "description",
            "date_posted",
            "valid_through",
            "employer",
            "city",
            "postal_code",
            "region",
            "remote",
            "contract",
            "salary",
            "rome_code",
            "sector",
        ],
        Kind::Funding => &["title", "funder", "recipient", "amount", "date", "programme", "stage", "sector", "region"],
        Kind::Project => {
            &["title", "description", "organisations", "start_date", "end_date", "budget", "funder", "sector", "region"]
        }
        Kind::Dataset => &["title", "publisher", "licence", "formats", "updated"],
    }
}

/// A problem found in a sources file, in French.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: the source id and the field, or the TOML position.
    pub place: String,
    /// What is wrong and what is accepted.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} : {}", self.place, self.message)
    }
}

/// Reads a sources file; returns every problem at once when it cannot be used.
pub fn parse(text: &str) -> Result<SourcesFile, Vec<Problem>> {
    let file: SourcesFile = toml::from_str(text).map_err(|error| {
        let place = match error.span() {
            Some(span) => format!("ligne {}", text[..span.start.min(text.len())].lines().count().max(1)),
            None => "fichier".to_string(),
        };
        vec![Problem { place, message: format!("TOML invalide : {}", error.message()) }]
    })?;
    let problems = check(&file);
    if problems.is_empty() { Ok(file) } else { Err(problems) }
}

fn check(file: &SourcesFile) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut push = |place: String, message: String| problems.push(Problem { place, message });
    if file.sources.is_empty() {
        push("fichier".into(), "aucune source : déclarez au moins une table [[source]]".into());
    }
    let mut seen = std::collections::BTreeSet::new();
    for source in &file.sources {
        let at = |field: &str| format!("source « {} », {field}", source.id);
        let slug_ok = !source.id.is_empty()
            && source.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !slug_ok {
            push(at("id"), "identifiant invalide : lettres minuscules sans accent, chiffres et tirets".into());
        }
        if !seen.insert(source.id.clone()) {
            push(at("id"), "identifiant déjà utilisé par une autre source du fichier".into());
        }
        if source.allowed_hosts.is_empty() {
            push(at("allowed_hosts"), "liste vide : nommez au moins un hôte autorisé".into());
        }
        for path in &source.allowed_paths {
            if !path.starts_with('/') {
                push(at("allowed_paths"), format!("« {path} » doit commencer par « / »"));
            }
        }
        if !(source.delay_seconds.is_finite() && (0.0..=3600.0).contains(&source.delay_seconds)) {
            push(
                at("delay_seconds"),
                format!("{} n'est pas un délai accepté (0 à 3600 secondes)", source.delay_seconds),
            );
        }
        if source.seeds.is_empty() {
            push(at("seeds"), "aucune graine : déclarez au moins une table [[source.seeds]]".into());
        }
        for (index, seed) in source.seeds.iter().enumerate() {
            let place = at(&format!("seeds[{}]", index + 1));
            let Some(host) = host_of(&seed.url) else {
                push(place, format!("« {} » n'est pas une URL http ou https absolue", seed.url));
                continue;
            };
            if !source.allowed_hosts.iter().any(|allowed| allowed.eq_ignore_ascii_case(&host)) {
                push(place.clone(), format!("l'hôte « {host} » n'est pas dans allowed_hosts"));
            }
            match (seed.seed_type, seed.adapter) {
                (SeedType::JsonApi | SeedType::Csv, None) => push(
                    place,
                    "une graine json_api ou csv demande un adapter (france_travail, datagouv ou cordis)".into(),
                ),
                (SeedType::Page | SeedType::Sitemap | SeedType::Feed, Some(_)) => {
                    push(place, "adapter ne s'applique qu'aux graines json_api et csv".into())
                }
                _ => {}
            }
        }
        for (index, rules) in source.rules.iter().enumerate() {
            let place = at(&format!("rules[{}]", index + 1));
            let accepted = rule_fields(rules.kind);
            for field in rules.fields.keys() {
                if !accepted.contains(&field.as_str()) {
                    push(
                        place.clone(),
                        format!("champ « {field} » inconnu pour ce type ; acceptés : {}", accepted.join(", ")),
                    );
                }
            }
            if !rules.fields.contains_key("title") {
                push(place, "le champ title est obligatoire dans fields".into());
            }
        }
    }
    problems
}

/// `host` or `host:port` of an absolute http(s) URL, lowercase.
fn host_of(url: &str) -> Option<String> {
    let rest = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    (!authority.is_empty()).then(|| authority.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[source]]
id = "emplois-exemple"
title = "Emplois Exemple"
allowed_hosts = ["emplois.exemple.fr"]
allowed_paths = ["/offres/"]

[[source.seeds]]
url = "https://emplois.exemple.fr/sitemap.xml"
type = "sitemap"

[[source.rules]]
kind = "job"
pages = "/offres/"
item = "article.offre"
fields = { title = "h1", date_posted = "time@datetime" }
"#;

    #[test]
    fn a_valid_file_is_read_with_defaults() {
        let file = parse(GOOD).unwrap();
        let source = &file.sources[0];
        assert_eq!(source.delay_seconds, DEFAULT_DELAY_SECONDS);
        assert_eq!(source.recrawl_hours, DEFAULT_RECRAWL_HOURS);
        assert!(source.follow_links);
        assert_eq!(source.seeds[0].seed_type, SeedType::Sitemap);
        assert_eq!(source.rules[0].fields["date_posted"], "time@datetime");
    }

    #[test]
    fn every_problem_is_reported_at_once_in_french() {
        let bad = r#"
[[source]]
id = "Mauvais Id"
title = "x"
allowed_hosts = ["a.fr"]
allowed_paths = ["offres"]
delay_seconds = -1.0

[[source.seeds]]
url = "https://b.fr/api"
type = "json_api"

[[source.rules]]
kind = "funding"
fields = { salary = ".s" }
"#;
        let problems = parse(bad).unwrap_err();
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        let all = text.join("\n");
        for expected in [
            "identifiant invalide",
            "doit commencer par « / »",
            "délai accepté",
            "n'est pas dans allowed_hosts",
            "demande un adapter",
            "champ « salary » inconnu",
            "title est obligatoire",
        ] {
            assert!(all.contains(expected), "manque « {expected} » dans :\n{all}");
        }
    }

    #[test]
    fn toml_errors_name_the_line() {
        let problems = parse("[[source]]\nid = \"a\"\nzorglub = 3\n").unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].place.starts_with("ligne"), "{problems:?}");
        assert!(problems[0].message.contains("TOML invalide"));
    }
}
