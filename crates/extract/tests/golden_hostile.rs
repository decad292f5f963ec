//! Hostile inputs: the extractor never panics, bounds what it returns, and says what it skipped.
//! Complements the golden cases (`golden.rs`), which pin the output of well-formed pages.

use std::sync::OnceLock;

use extract::{Extraction, Extractor, Page};
use records::Record;
use records::source::Adapter;

fn extract(url: &str, content_type: Option<&str>, body: &str, adapter: Option<Adapter>) -> Extraction {
    static EXTRACTOR: OnceLock<Extractor> = OnceLock::new();
    let extractor = EXTRACTOR.get_or_init(|| {
        let referentiel = skills::embedded().expect("the embedded référentiel loads");
        Extractor::new(&referentiel)
    });
    extractor.extract(&Page { url, content_type, body, adapter, rules: &[] })
}

#[test]
fn deeply_nested_markup_and_json_are_refused_or_bounded() {
    let depth = 100_000;
    let nested_items = "<div itemscope itemtype=\"https://schema.org/Thing\" itemprop=\"x\">".repeat(depth);
    let html = format!(
        "<div itemscope itemtype=\"https://schema.org/JobPosting\"><h1 itemprop=\"title\">T</h1>{nested_items}</div>"
    );
    let extraction = extract("https://a.example/p", Some("text/html"), &html, None);
    assert!(extraction.records.is_empty());
    assert!(
        extraction.problems[0].starts_with("page HTML imbriquée sur plus de 1000 niveaux"),
        "{:?}",
        extraction.problems
    );

    // Nested items within the parser's bound are read, down to the item bound.
    let nested_items = "<div itemscope itemtype=\"https://schema.org/Thing\" itemprop=\"x\">".repeat(900);
    let html = format!(
        "<div itemscope itemtype=\"https://schema.org/JobPosting\"><h1 itemprop=\"title\">T</h1>{nested_items}</div>"
    );
    let extraction = extract("https://a.example/p", Some("text/html"), &html, None);
    assert_eq!(extraction.records.len(), 1, "{:?}", extraction.problems);
    assert_eq!(extraction.records[0].title(), "T");

    let json = "[".repeat(depth);
    let extraction = extract("https://a.example/api", Some("application/json"), &json, None);
    assert!(extraction.records.is_empty());
    assert!(extraction.problems[0].starts_with("réponse JSON illisible"), "{:?}", extraction.problems);

    let mut jsonld = String::from("{\"@type\": \"WebPage\", \"a\": ");
    for _ in 0..120 {
        jsonld.push_str("{\"@type\": \"Thing\", \"a\": ");
    }
    jsonld.push_str("{\"@type\": \"JobPosting\", \"title\": \"Profond\"}");
    jsonld.push_str(&"}".repeat(121));
    let page = format!("<script type=\"application/ld+json\">{jsonld}</script>");
    let extraction = extract("https://a.example/p", None, &page, None);
    assert!(extraction.records.is_empty(), "nodes deeper than the walk's bound are not read");
}

#[test]
fn links_and_fields_are_capped() {
    let anchors: String = (0..20_000).map(|index| format!("<a href=\"/p/{index}\">{index}</a>")).collect();
    let extraction = extract("https://a.example/", Some("text/html"), &anchors, None);
    assert_eq!(extraction.links.len(), 5_000);

    let long_title = "données ".repeat(200_000);
    let feed =
        format!("<rss><channel><item><title>Poste H/F {long_title}</title><link>/o/1</link></item></channel></rss>");
    let extraction = extract("https://a.example/flux", Some("application/rss+xml"), &feed, None);
    assert_eq!(extraction.records.len(), 1);
    assert!(extraction.records[0].title().len() <= 64 * 1024, "title of {} bytes", extraction.records[0].title().len());
    assert_eq!(extraction.links, vec!["https://a.example/o/1".to_string()]);
}

#[test]
fn garbage_in_every_shape_gives_problems_not_panics() {
    let garbage = "\u{0}\u{1}<<<&&&;;;\"\"{[}]\u{fffd}é\r\n".repeat(1_000);
    for content_type in
        [Some("text/html"), Some("application/json"), Some("application/rss+xml"), Some("text/csv"), None]
    {
        let extraction = extract("https://a.example/x", content_type, &garbage, None);
        assert!(extraction.records.is_empty(), "{content_type:?}: {:?}", extraction.records);
    }
    for adapter in [Adapter::FranceTravail, Adapter::Datagouv, Adapter::Cordis] {
        let extraction = extract("https://a.example/x", None, "{\"autre\": 1}", Some(adapter));
        assert!(extraction.records.is_empty());
        assert_eq!(extraction.problems.len(), 1, "{adapter:?}: {:?}", extraction.problems);
    }
    let extraction = extract("https://a.example/x", Some("application/xml"), "<catalogue><livre/></catalogue>", None);
    assert!(extraction.problems[0].starts_with("document XML non reconnu"), "{:?}", extraction.problems);
    let sitemap = "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>https://a.example/o/1</loc></url></urlset>";
    let extraction = extract("https://a.example/sitemap.xml", Some("application/xml"), sitemap, None);
    assert_eq!(extraction, Extraction::default(), "sitemaps are the crawler's: nothing extracted, nothing reported");
    let extraction = extract("https://a.example/x.csv", None, "nom;prenom\nDupont;Jean\n", None);
    assert!(extraction.problems[0].starts_with("fichier CSV non reconnu"), "{:?}", extraction.problems);
}

#[test]
fn noindex_pages_give_no_records_and_nofollow_no_links() {
    let page = r#"<meta name="robots" content="noindex,nofollow">
        <script type="application/ld+json">{"@type": "JobPosting", "title": "Caché"}</script><a href="/b">b</a>"#;
    let extraction = extract("https://a.example/p", Some("text/html"), page, None);
    assert!(extraction.records.is_empty());
    assert!(extraction.links.is_empty());
    assert!(extraction.problems[0].contains("noindex"), "{:?}", extraction.problems);
}

#[test]
fn courses_and_persons_are_not_records_and_duplicates_are_kept_once() {
    let page = r#"<script type="application/ld+json">[
        {"@type": "Course", "name": "Formation"},
        {"@type": "EducationalOccupationalProgram", "name": "Programme"},
        {"@type": "Person", "name": "Jeanne Martin", "worksFor": {"@type": "Project", "name": "Projet caché"}},
        {"@type": "JobPosting", "title": "Data analyst", "datePosted": "2026-01-05"}]</script>
        <div itemscope itemtype="https://schema.org/JobPosting"><span itemprop="title">Data analyst</span>
        <meta itemprop="datePosted" content="2026-01-05"></div>"#;
    let extraction = extract("https://a.example/p", Some("text/html"), page, None);
    let kinds: Vec<&str> = extraction.records.iter().map(|record| record.kind().as_str()).collect();
    assert_eq!(kinds, vec!["job"], "{:?}", extraction.records);
    assert!(matches!(&extraction.records[0], Record::Job(job) if job.date_posted.as_deref() == Some("2026-01-05")));
}

#[test]
fn a_json_ld_document_served_as_json_is_read() {
    let body = r#"{"@context": "https://schema.org", "@type": "Dataset", "name": "Jeu", "distribution": {"encodingFormat": "CSV"}}"#;
    let extraction = extract("https://a.example/jeu.jsonld", Some("application/ld+json"), body, None);
    assert_eq!(extraction.records.len(), 1, "{:?}", extraction.problems);
    assert!(matches!(&extraction.records[0], Record::Dataset(dataset) if dataset.formats == ["csv"]));
}

#[test]
fn a_tag_with_thousands_of_attributes_is_refused_before_parsing() {
    let attributes: String = (0..200_000).map(|index| format!(" a{index}=1")).collect();
    let page = format!("<div{attributes}>x</div><a href=\"/b\">b</a>");
    let extraction = extract("https://a.example/p", Some("text/html"), &page, None);
    assert!(extraction.links.is_empty() && extraction.records.is_empty());
    assert!(extraction.problems[0].contains("plus de 1000 attributs"), "{:?}", extraction.problems);
}
