//! RSS 2.0 (and RSS 1.0) and Atom feeds: items read with a streaming XML parser; their links are
//! returned to be followed, and the items that are job postings become records.
//!
//! An item whose link is a page of the feed's host that a CSS rule of kind `job` reads is left to
//! that page. Otherwise an item is a job posting when a CSS rule of kind `job` applies to the
//! feed's path (the source says so), or else when it looks like one: its title or categories carry a marker of an offer
//! (« H/F », « CDI », « stage », « alternance », « recrute »…), or its description names a
//! contract (« CDI », « CDD ») or « offre d'emploi ». Other items are not kept. Authors are
//! never read (RSS `author` is an e-mail address, Atom `author` a person).

use std::collections::HashSet;
use std::sync::LazyLock;

use quick_xml::Reader;
use quick_xml::events::Event;
use records::source::Rules;
use records::{JobPosting, Kind, Location, Record};
use regex::Regex;
use url::Url;

use crate::css;
use crate::html::{MAX_FIELD_BYTES, resolve};
use crate::normalise;

/// Most items read from one feed.
const MAX_ITEMS: usize = 10_000;

static TITLE_MARKERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(\b[hf]\s*/\s*[fh]\b|\b(cdi|cdd|stage|stagiaire|alternance|alternant|apprenti|apprentissage|freelance|int[ée]rim|recrute|recrutons|recrutement|emploi|emplois|poste)\b|offre d['’]emploi)",
    )
    .expect("valid regex")
});
static DESCRIPTION_MARKERS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(\b(cdi|cdd)\b|\b[hf]\s*/\s*[fh]\b|offre d['’]emploi)").expect("valid regex"));
static SALARY_SENTENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(salaire|rémunération|remuneration|tjm)[^.;\n]{0,120}").expect("valid regex"));

/// One item or entry, as read.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Item {
    /// Title.
    pub title: String,
    /// Link to the item's page.
    pub link: Option<String>,
    /// Description, summary or content.
    pub description: String,
    /// Publication or update date, as written.
    pub date: Option<String>,
    /// `guid` or Atom `id`.
    pub guid: Option<String>,
    /// Categories (`category` text or Atom `term`).
    pub categories: Vec<String>,
}

/// Whether the text looks like a feed (RSS, RDF or Atom) rather than some other XML.
pub fn looks_like_feed(body: &str) -> bool {
    root_name(body).is_some_and(|root| matches!(root.as_str(), "rss" | "feed" | "RDF"))
}

/// Local name of the XML document's root element, if the first events reach it.
pub fn root_name(body: &str) -> Option<String> {
    let mut reader = Reader::from_str(body);
    for _ in 0..64 {
        match reader.read_event() {
            Ok(Event::Start(start) | Event::Empty(start)) => {
                return Some(String::from_utf8_lossy(start.local_name().as_ref()).into_owned());
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
    None
}

/// Every item of the feed, and a French problem if the XML breaks (the items before the break
/// are kept).
pub fn items(body: &str) -> (Vec<Item>, Vec<String>) {
    let mut reader = Reader::from_str(body);
    reader.config_mut().check_end_names = false;
    let mut items = Vec::new();
    let mut problems = Vec::new();
    let mut depth = 0usize;
    let mut item_depth: Option<usize> = None;
    let mut current = Item::default();
    let mut field: Option<String> = None;
    let mut buffer = String::new();
    let mut atom_link: Option<(i32, String)> = None;
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(_) => {
                problems.push(format!(
                    "flux XML mal formé vers l'octet {} : lecture arrêtée, les {} éléments lus avant sont gardés",
                    reader.buffer_position(),
                    items.len()
                ));
                break;
            }
        };
        match event {
            Event::Start(start) => {
                depth += 1;
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                match item_depth {
                    None if name == "item" || name == "entry" => {
                        item_depth = Some(depth);
                        current = Item::default();
                        atom_link = None;
                    }
                    Some(level) if depth == level + 1 => {
                        field = Some(name.clone());
                        buffer.clear();
                        read_attributes(&start, &name, &mut current, &mut atom_link);
                    }
                    _ => {}
                }
            }
            Event::Empty(start) if item_depth.is_some_and(|level| depth == level) => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                read_attributes(&start, &name, &mut current, &mut atom_link);
            }
            Event::Text(text) if field.is_some() => {
                push_text(&mut buffer, &text.xml10_content().unwrap_or_default());
            }
            Event::CData(data) if field.is_some() => {
                push_text(&mut buffer, &data.decode().unwrap_or_default());
            }
            Event::GeneralRef(reference) if field.is_some() => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(character)) => character.to_string(),
                    _ => {
                        let name = reference.decode().unwrap_or_default().into_owned();
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(text) => text.to_owned(),
                            // Left for the HTML-aware text cleaning to decode (`&eacute;`).
                            None => format!("&{name};"),
                        }
                    }
                };
                push_text(&mut buffer, &resolved);
            }
            Event::End(_) => {
                if let Some(level) = item_depth {
                    if depth == level + 1
                        && let Some(name) = field.take()
                    {
                        store(&mut current, &name, std::mem::take(&mut buffer));
                    } else if depth == level {
                        if let Some((_, href)) = atom_link.take()
                            && current.link.is_none()
                        {
                            current.link = Some(href);
                        }
                        items.push(std::mem::take(&mut current));
                        item_depth = None;
                        if items.len() >= MAX_ITEMS {
                            problems
                                .push(format!("plus de {MAX_ITEMS} éléments dans le flux : les suivants sont ignorés"));
                            break;
                        }
                    }
                }
                depth = depth.saturating_sub(1);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (items, problems)
}

/// Appends what fits under [`MAX_FIELD_BYTES`].
fn push_text(buffer: &mut String, text: &str) {
    let room = MAX_FIELD_BYTES.saturating_sub(buffer.len());
    buffer.push_str(crate::html::truncate(text, room));
}

/// Atom links (`<link href rel>`) and categories (`<category term>`) live in attributes. The
/// preferred link is `rel="alternate"` (or no `rel`), then any other.
fn read_attributes(
    start: &quick_xml::events::BytesStart<'_>,
    name: &str,
    current: &mut Item,
    atom_link: &mut Option<(i32, String)>,
) {
    let attribute = |wanted: &[u8]| {
        start
            .attributes()
            .flatten()
            .find(|attribute| attribute.key.local_name().as_ref() == wanted)
            .and_then(|attribute| attribute.unescape_value().ok().map(|value| value.trim().to_owned()))
    };
    match name {
        "link" => {
            if let Some(href) = attribute(b"href").filter(|href| !href.is_empty()) {
                let rank = match attribute(b"rel").as_deref() {
                    None | Some("alternate") => 2,
                    Some("self" | "enclosure" | "edit") => 0,
                    Some(_) => 1,
                };
                if atom_link.as_ref().is_none_or(|(best, _)| rank > *best) {
                    *atom_link = Some((rank, href));
                }
            }
        }
        "category" => {
            if let Some(term) = attribute(b"label").or_else(|| attribute(b"term")).filter(|term| !term.is_empty()) {
                current.categories.push(term);
            }
        }
        _ => {}
    }
}

fn store(item: &mut Item, name: &str, text: String) {
    let text = text.trim().to_owned();
    if text.is_empty() {
        return;
    }
    match name {
        "title" => item.title = text,
        "link" => item.link = Some(text),
        "description" | "summary" => item.description = text,
        "encoded" | "content" if item.description.is_empty() => item.description = text,
        "pubDate" | "published" | "date" => item.date = Some(text),
        "updated" if item.date.is_none() => item.date = Some(text),
        "guid" | "id" => item.guid = Some(text),
        "category" | "subject" => item.categories.push(text),
        _ => {}
    }
}

/// Whether an item looks like a job posting (see the module documentation).
pub fn looks_like_posting(item: &Item) -> bool {
    let head = format!("{} {}", item.title, item.categories.join(" "));
    TITLE_MARKERS.is_match(&head) || DESCRIPTION_MARKERS.is_match(&normalise::text(&item.description))
}

/// A job posting from a feed item, unfinished.
pub fn posting(item: &Item, feed_url: &str, base: Option<&Url>) -> JobPosting {
    let title = normalise::text(&item.title);
    let description = normalise::text(&item.description);
    let link = item.link.as_deref().and_then(|link| resolve(base, link));
    let source_url = match (&link, &item.guid) {
        (Some(link), _) => link.clone(),
        (None, Some(guid)) => format!("{feed_url}#{guid}"),
        (None, None) => feed_url.to_owned(),
    };
    let date_posted = item.date.as_deref().and_then(normalise::date);
    let contract = item
        .categories
        .iter()
        .map(String::as_str)
        .chain([title.as_str()])
        .find_map(normalise::contract)
        .or_else(|| normalise::contract(&description));
    let salary = SALARY_SENTENCE.find(&description).and_then(|found| normalise::salary_text(found.as_str()));
    let key = item.guid.as_deref().unwrap_or(&source_url);
    JobPosting {
        id: normalise::stable_id(Kind::Job, &[key, &title]),
        title,
        remote: normalise::remote(&description),
        description,
        date_posted,
        valid_through: None,
        employer: None,
        location: Location::default(),
        contract,
        salary,
        competences: Vec::new(),
        rome_code: None,
        sector: None,
        source_url,
        duplicate_urls: Vec::new(),
    }
}

/// Records and links of a feed, read with the CSS rules of its source: a `job` rule applying
/// to the feed's own path makes every item a posting; a `job` rule applying to an item's link
/// (a detail page the source knows how to read) leaves the item to that page, which holds more
/// than the item, so that one offer does not give two records.
pub fn extract(body: &str, feed_url: &str, rules: &[Rules]) -> (Vec<Record>, Vec<String>, Vec<String>) {
    let base = Url::parse(feed_url).ok();
    let job_rules: Vec<&Rules> = rules.iter().filter(|rules| rules.kind == Kind::Job).collect();
    let as_jobs = job_rules.iter().any(|rules| css::applies(rules, feed_url));
    let same_host = |link: &str| {
        let host = |url: &str| Url::parse(url).ok().and_then(|url| url.host_str().map(str::to_owned));
        host(link).is_some() && host(link) == host(feed_url)
    };
    let (items, mut problems) = items(body);
    let mut records = Vec::new();
    let mut links = Vec::new();
    let mut seen = HashSet::new();
    let mut skipped = 0;
    for item in &items {
        let link = item.link.as_deref().and_then(|link| resolve(base.as_ref(), link));
        if let Some(link) = &link
            && seen.insert(link.clone())
        {
            links.push(link.clone());
        }
        let read_elsewhere = link
            .as_deref()
            .is_some_and(|link| same_host(link) && job_rules.iter().any(|rules| css::applies(rules, link)));
        if read_elsewhere {
            continue;
        }
        if item.title.trim().is_empty() {
            skipped += 1;
        } else if as_jobs || looks_like_posting(item) {
            records.push(Record::Job(posting(item, feed_url, base.as_ref())));
        } else {
            skipped += 1;
        }
    }
    if skipped > 0 {
        problems.push(format!(
            "{skipped} élément(s) du flux sans titre ou qui ne ressemblent pas à des offres d'emploi : non retenus (leurs liens sont suivis)"
        ));
    }
    (records, problems, links)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_and_atom_items_are_read_with_entities_and_cdata() {
        let rss = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Offres</title><link>https://a.fr/</link>
            <item><title>Data analyst H/F &amp; BI</title><link>https://a.fr/o/1</link>
            <description><![CDATA[<p>CDI à Lyon</p>]]></description><pubDate>Mon, 02 Mar 2026 09:00:00 +0100</pubDate>
            <guid>o-1</guid><category>Emploi</category><author>rh@a.fr (Jeanne)</author></item></channel></rss>"#;
        let (items, problems) = items(rss);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].title, "Data analyst H/F & BI");
        assert_eq!(items[0].description, "<p>CDI à Lyon</p>");
        assert_eq!(items[0].guid.as_deref(), Some("o-1"));
        assert_eq!(items[0].categories, vec!["Emploi"]);
        assert!(looks_like_feed(rss));

        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><entry><title type="html">Stage &#233;t&#xE9;</title>
            <link rel="self" href="https://a.fr/self"/><link href="https://a.fr/e/2"/><id>urn:e:2</id>
            <updated>2026-03-01T10:00:00Z</updated><summary>Résumé</summary><category term="stage"/></entry></feed>"#;
        let (items, _) = super::items(atom);
        assert_eq!(items[0].title, "Stage été");
        assert_eq!(items[0].link.as_deref(), Some("https://a.fr/e/2"));
        assert_eq!(items[0].date.as_deref(), Some("2026-03-01T10:00:00Z"));
        assert_eq!(items[0].categories, vec!["stage"]);
    }

    #[test]
    fn broken_xml_keeps_the_items_before_the_break() {
        let broken = "<rss><channel><item><title>Poste de data engineer</title></item><item><title>x</titl";
        let (items, problems) = items(broken);
        assert_eq!(items.len(), 1);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("flux XML mal formé"));
    }

    #[test]
    fn news_items_are_not_postings() {
        let news = Item { title: "Résultats du concours d'innovation".into(), ..Item::default() };
        assert!(!looks_like_posting(&news));
        let job = Item { title: "Ingénieur données (F/H)".into(), ..Item::default() };
        assert!(looks_like_posting(&job));
    }
}
