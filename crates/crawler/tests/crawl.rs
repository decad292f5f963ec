//! The crawl loop against local servers: politeness and Crawl-delay, robots.txt, hostile
//! pages, sitemaps, seed types, `max_pages` and continuation, conditional recrawl.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use common::{Body, Reply, Server, hrefs, temp_dir};
use crawler::crawl::{CrawlConfig, CrawlReport, FetchedPage, WARC_DIR};
use crawler::warc::WarcReader;

fn links(page: &FetchedPage<'_>) -> Vec<String> {
    hrefs(page.text)
}

fn config(dir: &Path, proxy: Option<&Server>) -> CrawlConfig {
    let mut config = CrawlConfig::new(dir);
    config.fetch.proxy = proxy.map(Server::base);
    config.fetch.total_timeout = Duration::from_secs(1);
    config.fetch.base_backoff = Duration::from_millis(20);
    config.fetch.max_retry_wait = Duration::from_secs(2);
    config.fetch.max_retries = 1;
    config.progress = false;
    config
}

async fn crawl(sources: &str, config: &CrawlConfig) -> CrawlReport {
    let sources = records::source::parse(sources).unwrap_or_else(|problems| panic!("{problems:?}"));
    crawler::run(&sources, config, &links).await.unwrap()
}

/// Request times per host.
fn times_by_host(server: &Server) -> BTreeMap<String, Vec<tokio::time::Instant>> {
    let mut by_host: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for seen in server.seen() {
        by_host.entry(seen.host).or_default().push(seen.at);
    }
    by_host
}

fn site(seen: &common::Seen) -> Reply {
    match seen.path.as_str() {
        "/" => Reply::html(
            r#"<a href="/p1">1</a> <a href="/p2#x">2</a> <a href="p3?utm_source=a">3</a> <a href="http://loin.test/">x</a>"#,
        ),
        "/robots.txt" if seen.host == "b.test" => Reply::ok("text/plain", "User-agent: *\nCrawl-delay: 1\n"),
        "/robots.txt" => Reply::status(404),
        path => Reply::html(&format!("<p>page {path}</p> <a href=\"/\">accueil</a>")),
    }
}

#[tokio::test]
async fn requests_to_one_host_keep_the_delay_and_crawl_delay() {
    let server = Server::start(site).await;
    let dir = temp_dir("politesse");
    let sources = r#"
[[source]]
id = "deux-sites"
title = "Deux sites"
allowed_hosts = ["a.test", "b.test"]
delay_seconds = 0.3
[[source.seeds]]
url = "http://a.test/"
[[source.seeds]]
url = "http://b.test/"
"#;
    let report = crawl(sources, &config(&dir, Some(&server))).await;
    assert_eq!(report.fetched, 8, "{report}");
    assert_eq!(report.robots_fetched, 2);
    assert!(!server.seen().iter().any(|seen| seen.host == "loin.test"), "out of scope");
    let by_host = times_by_host(&server);
    for (host, minimum) in [("a.test", Duration::from_millis(300)), ("b.test", Duration::from_secs(1))] {
        let times = &by_host[host];
        assert_eq!(times.len(), 5, "{host}: robots.txt and four pages");
        for pair in times.windows(2) {
            assert!(pair[1] - pair[0] >= minimum, "{host}: {:?} < {minimum:?}", pair[1] - pair[0]);
        }
    }
    // Canonical URLs: /p2#x, p3?utm_source=a are /p2 and /p3, fetched once each.
    let mut paths = server.paths();
    paths.sort();
    paths.dedup();
    assert_eq!(paths, ["/", "/p1", "/p2", "/p3", "/robots.txt"]);
    assert_eq!(server.seen().len(), 10, "nothing fetched twice");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn robots_txt_rules_and_status_codes_are_obeyed() {
    let server = Server::start(|seen| match (seen.host.as_str(), seen.path.as_str()) {
        ("regles.test", "/robots.txt") => {
            Reply::ok("text/plain", "User-agent: *\nDisallow: /prive/\n\nUser-agent: autre-robot\nDisallow: /\n")
        }
        ("panne.test", "/robots.txt") => Reply::status(503),
        ("absent.test", "/robots.txt") => Reply::status(404),
        ("redirige.test", "/robots.txt") => Reply::redirect("/r1.txt"),
        ("redirige.test", path) if path.starts_with("/r") && path.len() == 7 => {
            let step: u32 = path[2..3].parse().unwrap_or(9);
            if step < 5 {
                Reply::redirect(&format!("/r{}.txt", step + 1))
            } else {
                Reply::ok("text/plain", "User-agent: *\nDisallow: /prive/\n")
            }
        }
        ("sans-fin.test", "/robots.txt") => Reply::redirect("/robots-1.txt"),
        ("sans-fin.test", path) if path.starts_with("/robots-") => {
            let step: u32 = path.trim_start_matches("/robots-").trim_end_matches(".txt").parse().unwrap_or(0);
            Reply::redirect(&format!("/robots-{}.txt", step + 1))
        }
        (_, "/") => Reply::html(r#"<a href="/public">p</a> <a href="/prive/secret">s</a> <a href="/detour">d</a>"#),
        (_, "/detour") => Reply::redirect("/prive/par-redirection"),
        _ => Reply::html("<p>contenu</p>"),
    })
    .await;
    let dir = temp_dir("robots");
    let sources = r#"
[[source]]
id = "robots"
title = "Robots"
allowed_hosts = ["regles.test", "panne.test", "absent.test", "redirige.test", "sans-fin.test"]
delay_seconds = 0.0
[[source.seeds]]
url = "http://regles.test/"
[[source.seeds]]
url = "http://panne.test/"
[[source.seeds]]
url = "http://absent.test/"
[[source.seeds]]
url = "http://redirige.test/"
[[source.seeds]]
url = "http://sans-fin.test/"
"#;
    let report = crawl(sources, &config(&dir, Some(&server))).await;
    let paths_of = |host: &str| -> Vec<String> {
        server.seen().into_iter().filter(|seen| seen.host == host).map(|seen| seen.path).collect()
    };
    let mut rules = paths_of("regles.test");
    rules.sort();
    assert_eq!(rules, ["/", "/detour", "/public", "/robots.txt"], "/prive/ is never requested, even redirected to");
    assert!(paths_of("panne.test").iter().all(|path| path == "/robots.txt"), "503 robots.txt: nothing else");
    let mut absent = paths_of("absent.test");
    absent.sort();
    assert_eq!(
        absent,
        ["/", "/detour", "/prive/par-redirection", "/prive/secret", "/public", "/robots.txt"],
        "404 robots.txt: everything"
    );
    // Five redirects are followed to reach a robots.txt (RFC 9309 2.3.1.2) ...
    let redirected = paths_of("redirige.test");
    assert!(redirected.contains(&"/r5.txt".to_string()) && !redirected.contains(&"/prive/secret".to_string()));
    // ... and past them robots.txt is unavailable: everything is allowed.
    let endless = paths_of("sans-fin.test");
    assert_eq!(endless.iter().filter(|path| path.starts_with("/robots")).count(), 6, "{endless:?}");
    assert!(endless.contains(&"/prive/secret".to_string()), "{endless:?}");
    assert_eq!(report.robots_disallowed, 4, "{report}");
    assert!(report.skipped.keys().any(|reason| reason.contains("panne.test en erreur 503")), "{report}");
    // The unreachable host's page is not given up: it stays queued for the next crawl.
    assert_eq!(report.queued_left, 1, "{report}");
    assert_eq!(report.skipped["robots.txt injoignable : adresse laissée en file pour une prochaine collecte"], 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn hostile_pages_are_bounded_and_reported() {
    let server = Server::start(|seen| {
        let path = seen.path.as_str();
        match path {
            "/robots.txt" => Reply::status(404),
            "/" => Reply::html(
                r#"<a href="/enorme">e</a> <a href="/sans-fin">s</a> <a href="/boucle-a">b</a> <a href="/r/0">r</a>
                   <a href="/latin1">l</a> <a href="/invalide">i</a> <a href="/calendrier?mois=0">c</a>
                   <a href="/occupe">o</a> <a href="/absent">a</a>"#,
            ),
            "/enorme" => Reply { status: 200, headers: Vec::new(), body: Body::Huge(50 * 1024 * 1024) },
            "/sans-fin" => Reply { status: 200, headers: Vec::new(), body: Body::Endless },
            "/boucle-a" => Reply::redirect("/boucle-b"),
            "/boucle-b" => Reply::redirect("/boucle-a"),
            "/latin1" => Reply::ok("text/html", b"<p>Ing\xe9nieur</p> <a href=\"/apr\xe8s\">x</a>".to_vec()),
            "/invalide" => {
                Reply::ok("text/html; charset=utf-8", b"<p>\xc3\x28 \xff</p><a href=\"/ok\">\xc3</a>".to_vec())
            }
            "/occupe" => Reply::status(429).with("Retry-After", "1"),
            "/absent" => Reply::status(404),
            _ if path.starts_with("/r/") => {
                let next: u32 = path[3..].parse().unwrap_or(0) + 1;
                Reply::redirect(&format!("/r/{next}"))
            }
            _ if path.starts_with("/calendrier?mois=") => {
                let month: u64 = path["/calendrier?mois=".len()..].parse().unwrap_or(0);
                Reply::html(&format!("<a href=\"/calendrier?mois={}\">suivant</a>", month + 1))
            }
            _ => Reply::html("<p>ok</p>"),
        }
    })
    .await;
    let dir = temp_dir("hostile");
    let sources = format!(
        r#"
[[source]]
id = "hostile"
title = "Site hostile"
allowed_hosts = ["{}"]
delay_seconds = 0.0
[[source.seeds]]
url = "{}/"
"#,
        server.host(),
        server.base()
    );
    let mut config = config(&dir, None);
    config.max_depth = 6;
    let report = crawl(&sources, &config).await;
    let text = report.to_string();
    let count = |prefix: &str| server.paths().iter().filter(|path| path.starts_with(prefix)).count();
    assert!(count("/calendrier") <= 6, "calendar trap: {} pages", count("/calendrier"));
    assert!(count("/r/") <= 6, "redirect chain: {} requests", count("/r/"));
    assert_eq!(count("/boucle-"), 2, "a redirect loop stops at the first URL seen again");
    assert_eq!(count("/occupe"), 2, "one retry");
    for expected in [
        "1 × corps trop volumineux : coupé à 2 Mio, page non exploitée",
        "1 × réponse inachevée après 1 s : page non exploitée",
        "plus de 5 redirections successives",
        "profondeur maximale (6) dépassée",
        "statut HTTP 429 après 2 tentatives",
        "statut HTTP 404",
    ] {
        assert!(text.contains(expected), "« {expected} » missing from:\n{text}");
    }
    // The Latin-1 page was decoded: its link (a non-ASCII path) was followed, percent-encoded.
    assert!(server.paths().contains(&"/apr%C3%A8s".to_string()), "{:?}", server.paths());
    assert!(server.paths().contains(&"/ok".to_string()));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn sitemaps_and_data_seeds() {
    let server = Server::start(|seen| match seen.path.as_str() {
        "/robots.txt" => {
            Reply::ok("text/plain", "User-agent: *\nAllow: /\nSitemap: http://donnees.test/plan-index.xml\n")
        }
        "/plan-index.xml" => Reply::ok(
            "application/xml",
            "<sitemapindex><sitemap><loc>http://donnees.test/plan-1.xml</loc></sitemap></sitemapindex>",
        ),
        "/plan-1.xml" => Reply::ok(
            "application/xml",
            "<urlset><url><loc>http://donnees.test/offres/1</loc><lastmod>2026-01-01</lastmod></url>\
             <url><loc>http://donnees.test/offres/2</loc></url><url><loc>http://ailleurs.test/x</loc></url></urlset>",
        ),
        "/api/offres" => Reply::ok("application/json", r#"{"resultats": [{"href": "/offres/99"}]}"#),
        "/export.csv" => Reply::ok("text/csv", "id,href=\"/offres/98\"\n"),
        _ => Reply::html(r#"<a href="/offres/97">lien non suivi</a>"#),
    })
    .await;
    let dir = temp_dir("sitemaps");
    let sources = r#"
[[source]]
id = "donnees"
title = "Données"
allowed_hosts = ["donnees.test"]
delay_seconds = 0.0
follow_links = false
[[source.seeds]]
url = "http://donnees.test/"
[[source.seeds]]
url = "http://donnees.test/api/offres"
type = "json_api"
adapter = "france_travail"
[[source.seeds]]
url = "http://donnees.test/export.csv"
type = "csv"
adapter = "cordis"
"#;
    let report = crawl(sources, &config(&dir, Some(&server))).await;
    let mut paths = server.paths();
    paths.sort();
    assert_eq!(
        paths,
        ["/", "/api/offres", "/export.csv", "/offres/1", "/offres/2", "/plan-1.xml", "/plan-index.xml", "/robots.txt"]
    );
    assert_eq!(report.fetched, 7, "{report}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// URLs of the response (or revisit) records of every WARC file of a crawl folder.
fn archived(dir: &Path, warc_type: &str) -> Vec<String> {
    let mut urls = Vec::new();
    let files = crawler::warc::list(&dir.join(WARC_DIR)).unwrap();
    assert!(!files.is_empty());
    for file in files {
        let mut reader = WarcReader::open(&file).unwrap();
        for record in reader.by_ref() {
            let record = record.unwrap();
            if record.warc_type() == warc_type {
                urls.push(record.target_uri().unwrap().to_string());
            }
        }
        assert_eq!(reader.torn_at(), None);
    }
    urls
}

fn catalogue(seen: &common::Seen) -> Reply {
    let path = seen.path.as_str();
    if path == "/robots.txt" {
        return Reply::status(404);
    }
    let etag = format!("\"v-{}\"", path.len());
    if seen.header("if-none-match") == Some(etag.as_str()) {
        return Reply::status(304).with("ETag", &etag);
    }
    let index: usize = path.trim_start_matches("/page/").parse().unwrap_or(0);
    let next = (1..=3).map(|step| format!("<a href=\"/page/{}\">s</a>", (index * 3 + step) % 40)).collect::<String>();
    Reply::html(&next).with("ETag", &etag)
}

#[tokio::test]
async fn max_pages_leaves_the_rest_queued_and_a_recrawl_is_conditional() {
    let server = Server::start(catalogue).await;
    let dir = temp_dir("recrawl");
    let sources = format!(
        r#"
[[source]]
id = "catalogue"
title = "Catalogue"
allowed_hosts = ["{}"]
delay_seconds = 0.0
[[source.seeds]]
url = "{}/page/0"
"#,
        server.host(),
        server.base()
    );
    let mut first = config(&dir, None);
    first.max_pages = Some(10);
    let report = crawl(&sources, &first).await;
    assert_eq!(report.fetched, 10, "{report}");
    assert!(report.queued_left > 0);
    // Continuing finishes the site without fetching anything twice.
    let report = crawl(&sources, &config(&dir, None)).await;
    assert_eq!(report.fetched, 30, "{report}");
    assert_eq!(report.queued_left, 0);
    let pages: Vec<String> = server.paths().into_iter().filter(|path| path != "/robots.txt").collect();
    let mut unique = pages.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((pages.len(), unique.len()), (40, 40));
    let responses = archived(&dir, "response");
    assert_eq!(responses.len(), 40);
    // Within recrawl_hours nothing is due: no request at all.
    let before = server.seen().len();
    let report = crawl(&sources, &config(&dir, None)).await;
    assert_eq!((report.fetched, report.not_modified, server.seen().len()), (0, 0, before));
    // A forced recrawl of the unchanged site: conditional requests answered 304.
    let mut again = config(&dir, None);
    again.force_recrawl = true;
    let report = crawl(&sources, &again).await;
    let recrawl: Vec<_> = server.seen().into_iter().skip(before).filter(|seen| seen.path != "/robots.txt").collect();
    let conditional = recrawl.iter().filter(|seen| seen.header("if-none-match").is_some()).count();
    assert_eq!(recrawl.len(), 40);
    assert!(conditional * 100 >= recrawl.len() * 95, "{conditional} conditional of {}", recrawl.len());
    assert_eq!((report.not_modified, report.conditional, report.fetched), (40, 40, 0), "{report}");
    assert_eq!(archived(&dir, "revisit").len(), 40);
    std::fs::remove_dir_all(&dir).unwrap();
}
