//! Generation, ground truth and the fixture server of the demo web.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use demoweb::{DemoWeb, HOST_ALPHA, HOST_API, HOST_BETA, HOST_ROBOTS_DOWN, HOST_SLOW, HOST_TRAP, PersonalKind, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn web() -> &'static Arc<DemoWeb> {
    static WEB: OnceLock<Arc<DemoWeb>> = OnceLock::new();
    WEB.get_or_init(|| Arc::new(demoweb::generate(demoweb::DEFAULT_SEED)))
}

#[test]
fn generation_is_deterministic_and_depends_on_the_seed() {
    let again = demoweb::generate(demoweb::DEFAULT_SEED);
    assert_eq!(again.truth().hash(), web().truth().hash());
    assert_eq!(again.truth(), web().truth());
    let other = demoweb::generate(7);
    assert_ne!(other.truth().hash(), web().truth().hash());
}

#[test]
fn volumes_dates_regions_and_duplicates_are_as_documented() {
    let truth = web().truth();
    assert_eq!(truth.jobs.len(), demoweb::N_OFFERS);
    assert_eq!(truth.fundings.len(), demoweb::N_FUNDINGS);
    assert_eq!(truth.projects.len(), demoweb::N_PROJECTS);
    assert_eq!(truth.datasets.len(), demoweb::N_DATASETS);
    let share = truth.duplicate_groups.len() as f64 / truth.jobs.len() as f64;
    assert!((0.12..=0.18).contains(&share), "duplicate share {share}");
    let pages: usize = truth.jobs.iter().map(|job| 1 + job.duplicate_urls.len()).sum();
    assert_eq!(pages, truth.job_pages.len());
    let months: BTreeSet<&str> =
        truth.jobs.iter().filter_map(|job| job.date_posted.as_deref()).map(|d| &d[..7]).collect();
    assert_eq!(months.len(), 24);
    assert_eq!(months.first(), Some(&"2024-11"));
    assert_eq!(months.last(), Some(&"2026-10"));
    assert!(truth.jobs.iter().all(|job| job.date_posted.as_deref() <= Some(demoweb::TODAY)));
    // Growth: the last six months hold more offers than the first six.
    let count = |range: &[&str]| {
        truth.jobs.iter().filter(|j| range.iter().any(|m| j.date_posted.as_deref().unwrap().starts_with(m))).count()
    };
    assert!(
        count(&["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"])
            > count(&["2024-11", "2024-12", "2025-01", "2025-02", "2025-03", "2025-04"])
    );
    let regions: BTreeSet<&str> = truth.jobs.iter().filter_map(|job| job.location.region_code.as_deref()).collect();
    for overseas in ["01", "02", "03", "04", "06", "94", "11"] {
        assert!(regions.contains(overseas), "region {overseas} missing");
    }
    let contracts: BTreeSet<_> = truth.jobs.iter().filter_map(|job| job.contract).collect();
    assert_eq!(contracts.len(), 6);
    let with_competences = truth.jobs.iter().filter(|job| job.competences.len() >= 2).count();
    assert_eq!(with_competences, truth.jobs.len());
    let urls: BTreeSet<&str> = truth.job_pages.iter().map(|job| job.source_url.as_str()).collect();
    assert_eq!(urls.len(), truth.job_pages.len(), "page URLs are unique");
}

#[test]
fn every_record_url_is_unique_and_sectors_and_regions_speak_the_records_vocabulary() {
    let truth = web().truth();
    let mut urls: Vec<&str> = truth.job_pages.iter().map(|job| job.source_url.as_str()).collect();
    urls.extend(truth.fundings.iter().map(|funding| funding.source_url.as_str()));
    urls.extend(truth.projects.iter().map(|project| project.source_url.as_str()));
    urls.extend(truth.datasets.iter().map(|dataset| dataset.source_url.as_str()));
    let unique: BTreeSet<&str> = urls.iter().copied().collect();
    let repeated: Vec<&&str> = urls.iter().filter(|url| urls.iter().filter(|other| other == url).count() > 1).collect();
    assert_eq!(unique.len(), urls.len(), "URLs shared by several records: {repeated:?}");
    let datasets: BTreeSet<&str> = truth.datasets.iter().map(|dataset| dataset.source_url.as_str()).collect();
    assert_eq!(datasets.len(), demoweb::N_DATASETS);

    let mut sectors: Vec<&str> = truth.jobs.iter().filter_map(|job| job.sector.as_deref()).collect();
    sectors.extend(truth.job_pages.iter().filter_map(|job| job.sector.as_deref()));
    sectors.extend(truth.fundings.iter().filter_map(|funding| funding.sector.as_deref()));
    sectors.extend(truth.projects.iter().filter_map(|project| project.sector.as_deref()));
    assert!(sectors.len() > truth.jobs.len(), "sectors are given");
    for sector in &sectors {
        assert!(records::sector_label(sector).is_some(), "sector « {sector} » is not a slug of records::SECTORS");
    }
    let distinct: BTreeSet<&str> = sectors.into_iter().collect();
    assert!(distinct.len() >= 10, "{distinct:?}");
    let mut regions: Vec<&str> = truth.jobs.iter().filter_map(|job| job.location.region_code.as_deref()).collect();
    regions.extend(truth.fundings.iter().filter_map(|funding| funding.region_code.as_deref()));
    regions.extend(truth.projects.iter().filter_map(|project| project.region_code.as_deref()));
    for region in regions {
        assert!(records::geo::region_name(region).is_some(), "region « {region} »");
    }
}

/// Text of a page: UTF-8, or Windows-1252/Latin-1 byte per character when so declared.
fn text_of(content_type: &str, body: &[u8]) -> String {
    if content_type.contains("windows-1252") {
        body.iter().map(|byte| char::from(*byte)).collect()
    } else {
        String::from_utf8_lossy(body).into_owned()
    }
}

#[test]
fn every_planted_personal_datum_is_served_on_its_page() {
    let pages: BTreeMap<String, String> =
        web().pages().map(|page| (page.url.clone(), text_of(&page.content_type, &page.body))).collect();
    let api: String = pages
        .iter()
        .filter(|(url, _)| url.contains(HOST_API) && url.contains("range="))
        .map(|(_, t)| t.as_str())
        .collect();
    let data = &web().truth().personal_data;
    assert!(data.len() > 1000, "{} personal data planted", data.len());
    for kind in [PersonalKind::Name, PersonalKind::Email, PersonalKind::Phone] {
        assert!(data.iter().any(|datum| datum.kind == kind));
    }
    for datum in data {
        let text = if datum.url.contains(HOST_API) { &api } else { &pages[&datum.url] };
        assert!(text.contains(&datum.text), "« {} » absent from {}", datum.text, datum.url);
    }
    // Phone numbers come in several written forms.
    let phones: BTreeSet<String> = data
        .iter()
        .filter(|d| d.kind == PersonalKind::Phone)
        .map(|d| d.text.chars().map(|c| if c.is_ascii_digit() { '9' } else { c }).collect())
        .collect();
    assert!(phones.len() >= 6, "{phones:?}");
}

#[test]
fn pages_cover_every_record_url() {
    let urls: BTreeSet<String> = web().pages().map(|page| page.url).collect();
    let truth = web().truth();
    for job in &truth.job_pages {
        assert!(job.source_url.contains(HOST_API) || urls.contains(&job.source_url), "{}", job.source_url);
    }
    for funding in &truth.fundings {
        assert!(urls.contains(&funding.source_url), "{}", funding.source_url);
    }
    assert!(urls.contains(&format!("http://{HOST_ALPHA}/sitemap.xml")));
    assert!(!urls.iter().any(|url| url.contains(HOST_TRAP) || url.contains("/candidature/")));
}

struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim().to_string())
        })
    }
}

/// Sends one request on a new connection and reads the answer: the whole body when it has a
/// Content-Length of at most `max_body` bytes, else at most `max_body` bytes of it.
async fn send(server: &Server, request: &str, max_body: usize) -> Answer {
    let exchange = async {
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut buffer = Vec::new();
        let mut chunk = [0u8; 8192];
        let head_end = loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break end;
            }
            let read = stream.read(&mut chunk).await.unwrap();
            assert!(read > 0, "connection closed before the head");
            buffer.extend_from_slice(&chunk[..read]);
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        let mut body = buffer[head_end + 4..].to_vec();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        let length = head.lines().find_map(|l| {
            l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap())
        });
        let wanted = length.unwrap_or(usize::MAX).min(max_body);
        while body.len() < wanted {
            let read = stream.read(&mut chunk).await.unwrap_or(0);
            if read == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..read]);
        }
        body.truncate(max_body);
        Answer { status, head, body }
    };
    tokio::time::timeout(Duration::from_secs(20), exchange).await.expect("the server answers")
}

fn get(url_or_path: &str, host: &str, extra: &str) -> String {
    format!("GET {url_or_path} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n")
}

#[tokio::test]
async fn the_server_answers_absolute_and_origin_form_with_conditional_requests() {
    let server = Server::start(Arc::clone(web())).await.unwrap();
    let job = &web().truth().job_pages.iter().find(|job| job.source_url.contains(HOST_ALPHA)).unwrap().clone();
    let path = job.source_url.trim_start_matches(&format!("http://{HOST_ALPHA}"));
    let absolute = send(
        &server,
        &format!("GET {} HTTP/1.1\r\nHost: {HOST_ALPHA}\r\nConnection: close\r\n\r\n", job.source_url),
        1 << 20,
    )
    .await;
    assert_eq!(absolute.status, 200);
    let text = String::from_utf8(absolute.body.clone()).unwrap();
    assert!(text.contains("application/ld+json") && text.contains("JobPosting"));
    assert!(text.contains(&job.title.replace('\'', "&#39;")) || text.contains(&job.title), "{}", job.title);
    let origin = send(&server, &get(path, &format!("{HOST_ALPHA}:80"), ""), 1 << 20).await;
    assert_eq!(origin.status, 200);
    assert_eq!(origin.body, absolute.body);
    let etag = origin.header("etag").unwrap();
    let modified = origin.header("last-modified").unwrap();
    assert_eq!(absolute.header("etag").as_ref(), Some(&etag), "stable ETag");
    let by_tag = send(&server, &get(path, HOST_ALPHA, &format!("If-None-Match: {etag}\r\n")), 1 << 20).await;
    assert_eq!(by_tag.status, 304);
    assert!(by_tag.body.is_empty());
    let by_date = send(&server, &get(path, HOST_ALPHA, &format!("If-Modified-Since: {modified}\r\n")), 1 << 20).await;
    assert_eq!(by_date.status, 304);
    let stale = send(&server, &get(path, HOST_ALPHA, "If-None-Match: \"autre\"\r\n"), 1 << 20).await;
    assert_eq!(stale.status, 200);
    let missing = send(&server, &get("/nulle-part", HOST_ALPHA, ""), 1 << 20).await;
    assert_eq!(missing.status, 404);
    // France Travail paging.
    let api =
        send(&server, &get("/partenaire/offresdemploi/v2/offres/search?range=0-149", HOST_API, ""), 8 << 20).await;
    assert_eq!(api.status, 206);
    assert!(api.header("content-range").unwrap().starts_with("offres 0-149/"));
    let json: serde_json::Value = serde_json::from_slice(&api.body).unwrap();
    assert_eq!(json["resultats"].as_array().unwrap().len(), 150);
    let too_wide =
        send(&server, &get("/partenaire/offresdemploi/v2/offres/search?range=0-500", HOST_API, ""), 1 << 20).await;
    assert_eq!(too_wide.status, 400);
    let log = server.requests();
    assert_eq!(log.len(), 8);
    assert!(log[0].absolute_form && !log[1].absolute_form);
    assert_eq!(log[1].host, HOST_ALPHA);
    assert_eq!(log[1].path, path);
    assert_eq!(log[2].if_none_match.as_deref(), Some(etag.as_str()));
    assert_eq!(log[3].if_modified_since.as_deref(), Some(modified.as_str()));
    assert_eq!(log.iter().map(|r| r.status).collect::<Vec<_>>(), [200, 200, 304, 304, 200, 404, 206, 400]);
    assert!(log.windows(2).all(|pair| pair[0].time <= pair[1].time));
    server.shutdown().await;
}

#[tokio::test]
async fn robots_txt_differs_per_host() {
    let server = Server::start(Arc::clone(web())).await.unwrap();
    let alpha = send(&server, &get("/robots.txt", HOST_ALPHA, ""), 1 << 16).await;
    assert!(String::from_utf8_lossy(&alpha.body).contains("Disallow: /recherche"));
    let beta = send(&server, &get("/robots.txt", HOST_BETA, ""), 1 << 16).await;
    assert!(String::from_utf8_lossy(&beta.body).contains("Disallow: /candidature/"));
    let down = send(&server, &get("/robots.txt", HOST_ROBOTS_DOWN, ""), 1 << 16).await;
    assert_eq!(down.status, 503);
    let slow = send(&server, &get("/robots.txt", HOST_SLOW, ""), 1 << 16).await;
    assert!(String::from_utf8_lossy(&slow.body).contains("Crawl-delay: 2"));
    let trap = send(&server, &get("/robots.txt", HOST_TRAP, ""), 1 << 16).await;
    assert!(String::from_utf8_lossy(&trap.body).contains("Disallow: /prive/"));
    // Disallowed pages exist (so that fetching them shows in the log).
    let search = send(&server, &get("/recherche?q=data", HOST_ALPHA, ""), 1 << 16).await;
    assert_eq!(search.status, 200);
    server.shutdown().await;
}

#[tokio::test]
async fn hostile_pages_behave_as_listed() {
    let server = Server::start(Arc::clone(web())).await.unwrap();
    let kinds: BTreeSet<_> = web().hostile().iter().map(|h| h.kind).collect();
    assert_eq!(kinds.len(), 11);
    let redirect = send(&server, &get("/boucle/41", HOST_TRAP, ""), 1 << 16).await;
    assert_eq!(redirect.status, 302);
    assert_eq!(redirect.header("location").as_deref(), Some("/boucle/42"));
    // Never-ending body: headers without length, then bytes; read 64 bytes and hang up.
    let trickle = send(&server, &get("/sans-fin", HOST_TRAP, ""), 64).await;
    assert_eq!(trickle.status, 200);
    assert!(trickle.header("content-length").is_none());
    assert_eq!(trickle.body.len(), 64);
    // Huge body: 50 MiB announced, read 1 MiB of it.
    let huge = send(&server, &get("/enorme", HOST_TRAP, ""), 1 << 20).await;
    assert_eq!(huge.header("content-length").as_deref(), Some("52428800"));
    assert_eq!(huge.body.len(), 1 << 20);
    let invalid = send(&server, &get("/utf8-invalide", HOST_TRAP, ""), 1 << 16).await;
    assert!(String::from_utf8(invalid.body).is_err());
    let latin1 = send(&server, &get("/latin1", HOST_TRAP, ""), 1 << 16).await;
    assert_eq!(latin1.header("content-type").as_deref(), Some("text/html"));
    assert!(latin1.body.windows(7).any(|w| w == b"Soci\xe9t\xe9"));
    let first = send(&server, &get("/trop-vite", HOST_TRAP, ""), 1 << 16).await;
    assert_eq!(first.status, 429);
    assert_eq!(first.header("retry-after").as_deref(), Some("1"));
    let second = send(&server, &get("/trop-vite", HOST_TRAP, ""), 1 << 16).await;
    assert_eq!(second.status, 200);
    let agenda = send(&server, &get("/agenda?mois=2026-12", HOST_TRAP, ""), 1 << 16).await;
    let text = String::from_utf8(agenda.body).unwrap();
    assert!(text.contains("/agenda?mois=2027-01") && text.contains("/agenda?mois=2026-11"));
    let broken = send(&server, &get("/jsonld-casse", HOST_TRAP, ""), 1 << 16).await;
    assert!(String::from_utf8_lossy(&broken.body).contains("\"title\": 42"));
    let down = send(&server, &get("/page/1", HOST_ROBOTS_DOWN, ""), 1 << 16).await;
    assert_eq!(down.status, 200);
    // Shutdown ends the trickling connection too.
    server.shutdown().await;
}

#[tokio::test]
async fn keep_alive_serves_several_requests_on_one_connection() {
    let server = Server::start(Arc::clone(web())).await.unwrap();
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let request = format!("GET http://{HOST_BETA}/robots.txt HTTP/1.1\r\nHost: {HOST_BETA}\r\n\r\n");
    stream.write_all(format!("{request}{request}").as_bytes()).await.unwrap();
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    while received.windows(8).filter(|w| w == b"HTTP/1.1").count() < 2 || !received.ends_with(b"/candidature/\n") {
        let read = tokio::time::timeout(Duration::from_secs(20), stream.read(&mut chunk)).await.unwrap().unwrap();
        assert!(read > 0);
        received.extend_from_slice(&chunk[..read]);
    }
    assert_eq!(server.requests().len(), 2);
    server.shutdown().await;
}

#[test]
fn the_demo_sources_file_is_valid_and_every_seed_is_served() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../observatory/sources/demo.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let file = records::source::parse(&text).unwrap_or_else(|problems| panic!("{problems:?}"));
    let urls: BTreeSet<String> = web().pages().map(|page| page.url).collect();
    let hosts: BTreeSet<&str> = file.sources.iter().flat_map(|s| s.allowed_hosts.iter().map(String::as_str)).collect();
    assert_eq!(hosts, demoweb::NORMAL_HOSTS.into_iter().collect());
    for source in &file.sources {
        for seed in &source.seeds {
            assert!(urls.contains(&seed.url), "seed {} is not a page of the demo web", seed.url);
        }
    }
}

#[test]
fn the_published_corpus_summary_matches_the_generator() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/observatory-demo/corpus.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let value = |key: &str| -> String {
        text.lines()
            .find_map(|line| line.strip_prefix(&format!("{key} = ")))
            .unwrap_or_else(|| panic!("{key} missing"))
            .trim_matches('"')
            .to_string()
    };
    let truth = web().truth();
    assert_eq!(value("seed"), demoweb::DEFAULT_SEED.to_string());
    assert_eq!(value("today"), demoweb::TODAY);
    assert_eq!(value("offers"), truth.jobs.len().to_string());
    assert_eq!(value("offer_pages"), truth.job_pages.len().to_string());
    assert_eq!(value("duplicate_groups"), truth.duplicate_groups.len().to_string());
    assert_eq!(value("personal_data"), truth.personal_data.len().to_string());
    assert_eq!(value("normal_pages"), web().n_pages().to_string());
    assert_eq!(value("truth_hash"), format!("{:016x}", truth.hash()));
}
