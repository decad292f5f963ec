//! The entry point: one fetched page, feed, API answer or CSV file → records, problems and links.

use std::collections::HashSet;

use records::Record;
use records::source::{Adapter, Rules};
use scraper::Html;
use serde::Serialize;
use serde_json::Value;
use url::Url;

use crate::adapters::{cordis, datagouv, france_travail};
use crate::competences::Recogniser;
use crate::schema::{self, Context};
use crate::{css, feed, html, jsonld, microdata, normalise};

/// Largest body read, in bytes; the crawler's cap is far below, this guards `socle extract`.
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// One fetched resource to read.
#[derive(Debug, Clone, Copy)]
pub struct Page<'a> {
    /// The URL it was fetched from (after redirects).
    pub url: &'a str,
    /// The `Content-Type` header, if any.
    pub content_type: Option<&'a str>,
    /// The body, already decoded to text.
    pub body: &'a str,
    /// The reader the source declares for it (`json_api` and `csv` seeds); detected when `None`.
    pub adapter: Option<Adapter>,
    /// The CSS rules of the page's source; those whose `pages` prefix matches the URL's path apply.
    pub rules: &'a [Rules],
}

/// What was read from a page.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Extraction {
    /// Normalised records, personal data removed, competences recognised, in page order.
    pub records: Vec<Record>,
    /// What could not be read, in French.
    pub problems: Vec<String>,
    /// Absolute URLs to follow: HTML links, feed item links, next pages of APIs.
    pub links: Vec<String>,
}

/// Reads pages into records. Build it once; it holds the competence recogniser.
pub struct Extractor {
    recogniser: Recogniser,
}

/// What a page holds, from its declared adapter, content type and first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Html,
    Feed,
    Json,
    Csv,
    OtherXml,
}

impl Extractor {
    /// An extractor recognising the competences of `referentiel`.
    pub fn new(referentiel: &skills::Referentiel) -> Extractor {
        Extractor { recogniser: Recogniser::new(referentiel) }
    }

    /// Reads one page. Never panics on its content; whatever cannot be read becomes a problem and
    /// the rest is still read.
    pub fn extract(&self, page: &Page<'_>) -> Extraction {
        let mut extraction = Extraction::default();
        if page.body.len() > MAX_BODY_BYTES {
            extraction.problems.push(format!(
                "contenu de {} octets, au-delà de la limite de {} Mio : non lu",
                page.body.len(),
                MAX_BODY_BYTES / (1024 * 1024)
            ));
            return extraction;
        }
        let body = page.body.trim_start_matches('\u{feff}');
        let raw = match detect(page, body) {
            Shape::Html => self.html(page, body, &mut extraction),
            Shape::Feed => {
                let (records, problems, links) = feed::extract(body, page.url, page.rules);
                extraction.problems.extend(problems);
                extraction.links = links;
                records
            }
            Shape::Json => json(page, body, &mut extraction),
            Shape::Csv => {
                if page.adapter == Some(Adapter::Cordis) || cordis::matches(body) {
                    let (records, problems) = cordis::extract(body, page.url);
                    extraction.problems.extend(problems);
                    records
                } else {
                    extraction.problems.push(
                        "fichier CSV non reconnu : seul l'export CORDIS des projets est lu (en-tête avec id, acronym et title)"
                            .to_owned(),
                    );
                    Vec::new()
                }
            }
            // Sitemaps are the crawler's business: nothing to extract, nothing to report.
            Shape::OtherXml if feed::root_name(body).is_some_and(|root| root == "urlset" || root == "sitemapindex") => {
                Vec::new()
            }
            Shape::OtherXml => {
                extraction.problems.push(
                    "document XML non reconnu : ni flux RSS (<rss>, <rdf:RDF>) ni flux Atom (<feed>) ; aucun enregistrement"
                        .to_owned(),
                );
                Vec::new()
            }
        };
        let mut seen = HashSet::new();
        for record in raw {
            let record = normalise::finish(record, &self.recogniser);
            if seen.insert(record.id().to_owned()) {
                extraction.records.push(record);
            }
        }
        extraction
    }

    fn html(&self, page: &Page<'_>, body: &str, extraction: &mut Extraction) -> Vec<Record> {
        if let Some(problem) = html::refuse_markup(body) {
            extraction.problems.push(problem);
            return Vec::new();
        }
        let document = Html::parse_document(body);
        let base = html::base_url(&document, page.url);
        let robots = html::robots_meta(&document);
        if !robots.nofollow {
            extraction.links = html::links(&document, base.as_ref());
        }
        if robots.noindex {
            extraction
                .problems
                .push("page marquée « noindex » (balise meta robots) : aucun enregistrement retenu".to_owned());
            return Vec::new();
        }
        let (mut roots, problems) = jsonld::scripts(&document);
        extraction.problems.extend(problems);
        roots.extend(microdata::items(&document, base.as_ref()));
        let context = Context { page_url: page.url, base: base.as_ref() };
        let mut records = schema::records(&roots, &context);
        for rules in page.rules.iter().filter(|rules| css::applies(rules, page.url)) {
            let (found, problems) = css::extract(&document, rules, page.url, base.as_ref());
            records.extend(found);
            extraction.problems.extend(problems);
        }
        records
    }
}

fn detect(page: &Page<'_>, body: &str) -> Shape {
    let media = page.content_type.unwrap_or_default().split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let head: String = body.trim_start().chars().take(256).collect::<String>().to_ascii_lowercase();
    let path = Url::parse(page.url).map(|url| url.path().to_ascii_lowercase()).unwrap_or_default();
    // A declared adapter decides, unless the answer plainly is something else (an error page,
    // the host's robots.txt).
    match page.adapter {
        Some(Adapter::FranceTravail | Adapter::Datagouv)
            if media.contains("json") || head.starts_with('{') || head.starts_with('[') =>
        {
            return Shape::Json;
        }
        Some(Adapter::Cordis)
            if media.contains("csv")
                || path.ends_with(".csv")
                || media == "application/octet-stream"
                || cordis::matches(body) =>
        {
            return Shape::Csv;
        }
        _ => {}
    }
    if media == "text/html"
        || media == "application/xhtml+xml"
        || head.starts_with("<!doctype html")
        || head.starts_with("<html")
    {
        return Shape::Html;
    }
    if media.contains("json") || head.starts_with('{') || head.starts_with('[') {
        return Shape::Json;
    }
    if media == "text/csv" || media == "application/csv" || path.ends_with(".csv") || cordis::matches(body) {
        return Shape::Csv;
    }
    if media.contains("rss")
        || media.contains("atom")
        || media.contains("xml")
        || head.starts_with("<?xml")
        || head.starts_with("<rss")
        || head.starts_with("<feed")
    {
        return if feed::looks_like_feed(body) { Shape::Feed } else { Shape::OtherXml };
    }
    Shape::Html
}

fn json(page: &Page<'_>, body: &str, extraction: &mut Extraction) -> Vec<Record> {
    let value: Value = match serde_json::from_str(body) {
        Ok(value) => value,
        Err(error) => {
            extraction
                .problems
                .push(format!("réponse JSON illisible : {} ; aucun enregistrement", jsonld::describe(&error)));
            return Vec::new();
        }
    };
    let is_jsonld = |value: &Value| match value {
        Value::Object(object) => object.contains_key("@type") || object.contains_key("@graph"),
        Value::Array(items) => items.iter().any(|item| item.get("@type").is_some()),
        _ => false,
    };
    let adapter = page.adapter.or_else(|| {
        if france_travail::matches(&value) {
            Some(Adapter::FranceTravail)
        } else if datagouv::matches(&value) && !is_jsonld(&value) {
            Some(Adapter::Datagouv)
        } else {
            None
        }
    });
    match adapter {
        Some(Adapter::FranceTravail) if france_travail::matches(&value) => {
            let (records, problems) = france_travail::extract(&value, page.url);
            extraction.problems.extend(problems);
            records
        }
        Some(Adapter::Datagouv) if datagouv::matches(&value) => {
            let (records, problems, links) = datagouv::extract(&value, page.url);
            extraction.problems.extend(problems);
            extraction.links.extend(links);
            records
        }
        Some(Adapter::FranceTravail) => {
            extraction.problems.push(
                "la réponse n'a pas la forme France Travail attendue : un objet avec « resultats » (liste d'offres) ou une offre avec « id » et « intitule »"
                    .to_owned(),
            );
            Vec::new()
        }
        Some(Adapter::Datagouv) => {
            extraction.problems.push(
                "la réponse n'a pas la forme data.gouv.fr attendue : un objet avec « data » (liste de jeux de données avec « title » et « resources ») ou un jeu de données"
                    .to_owned(),
            );
            Vec::new()
        }
        Some(Adapter::Cordis) => {
            extraction.problems.push("l'adaptateur cordis lit un fichier CSV, pas une réponse JSON".to_owned());
            Vec::new()
        }
        None if is_jsonld(&value) => {
            let base = Url::parse(page.url).ok();
            let context = Context { page_url: page.url, base: base.as_ref() };
            schema::records(std::slice::from_ref(&value), &context)
        }
        None => {
            extraction.problems.push(
                "réponse JSON de forme inconnue : ni France Travail (« resultats »), ni data.gouv.fr (« data » avec « resources »), ni JSON-LD (« @type »)"
                    .to_owned(),
            );
            Vec::new()
        }
    }
}
