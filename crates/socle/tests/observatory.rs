//! The observatory pipeline through the binary, against the demo web's fixture server (which
//! also acts as the crawler's HTTP proxy for the fictional `.test` hosts): politeness, resume
//! after `kill -9`, conditional recrawl, hostile pages, and the personal-data scan of what
//! ingestion stores and indexes.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::TempDir;

/// The demo web served on 127.0.0.1, with its runtime.
struct Web {
    server: demoweb::Server,
    /// Runs the server's tasks; dropped (and with it the server) at the end of the test.
    _runtime: tokio::runtime::Runtime,
}

impl Web {
    fn start() -> Web {
        let runtime = tokio::runtime::Runtime::new().expect("moteur asynchrone");
        let web = Arc::new(demoweb::generate(demoweb::DEFAULT_SEED));
        let server = runtime.block_on(demoweb::Server::start(web)).expect("serveur du web de démonstration");
        Web { server, _runtime: runtime }
    }

    fn requests(&self) -> Vec<demoweb::LoggedRequest> {
        self.server.requests()
    }
}

/// Writes a sources file with one source per `(id, host, delay, seed)`.
fn sources(dir: &Path, entries: &[(&str, &str, f64, &str)]) -> std::path::PathBuf {
    let mut text = String::new();
    for (id, host, delay, seed) in entries {
        text.push_str(&format!(
            "[[source]]\nid = \"{id}\"\ntitle = \"{id}\"\nallowed_hosts = [\"{host}\"]\ndelay_seconds = {delay}\n\n\
             [[source.seeds]]\nurl = \"http://{host}{seed}\"\ntype = \"{}\"\n\n",
            if seed.ends_with(".xml") { "sitemap" } else { "page" }
        ));
    }
    let path = dir.join("sources.toml");
    std::fs::write(&path, text).expect("écriture des sources");
    path
}

/// `socle crawl` with these options; returns its standard output, failing on a non-zero exit.
fn crawl(data: &Path, sources: &Path, proxy: &str, options: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_socle"))
        .args(["crawl", "--sources"])
        .arg(sources)
        .arg("--data-dir")
        .arg(data)
        .args(["--proxy", proxy])
        .args(options)
        .output()
        .expect("lancement de socle crawl");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "socle crawl : {stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    stdout
}

/// URI of every `response` record of the crawl's WARC files, with repetitions.
fn archived(data: &Path) -> Vec<String> {
    let dir = data.join("crawl").join("warc");
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).expect("dossier warc").map(|entry| entry.expect("entrée").path()).collect();
    files.sort();
    let mut uris = Vec::new();
    for file in files {
        for record in crawler::warc::WarcReader::open(&file).expect("archive") {
            let record = record.expect("enregistrement WARC");
            if record.warc_type() == "response" {
                uris.push(record.target_uri().expect("adresse").to_owned());
            }
        }
    }
    uris
}

/// URI and `WARC-Truncated` value of every truncated response of the crawl's archives.
fn truncated(data: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(data.join("crawl").join("warc")).expect("dossier warc") {
        for record in crawler::warc::WarcReader::open(&entry.expect("entrée").path()).expect("archive") {
            let record = record.expect("enregistrement WARC");
            if let (Some(uri), Some(why)) = (record.target_uri(), record.header("WARC-Truncated")) {
                found.push((uri.to_owned(), why.to_owned()));
            }
        }
    }
    found
}

/// The smallest gap between two requests to `host` (request starts, robots.txt included).
fn smallest_gap(requests: &[demoweb::LoggedRequest], host: &str) -> Option<Duration> {
    let times: Vec<_> = requests.iter().filter(|request| request.host == host).map(|request| request.time).collect();
    times.windows(2).map(|pair| pair[1].duration_since(pair[0])).min()
}

#[test]
fn the_crawl_is_polite_per_host_and_honours_crawl_delay_and_robots() {
    let web = Web::start();
    let dir = TempDir::new("observatoire-politesse");
    let file = sources(
        &dir.path,
        &[
            ("zeta", demoweb::HOST_ZETA, 0.3, "/investissements?page=1"),
            ("kappa", demoweb::HOST_SLOW, 0.1, "/"),
            ("panne", demoweb::HOST_ROBOTS_DOWN, 0.1, "/"),
            ("beta", demoweb::HOST_BETA, 0.2, "/"),
        ],
    );
    let report = crawl(&dir.path, &file, &web.server.proxy_url(), &["--max-pages", "40"]);
    let requests = web.requests();
    let zeta = smallest_gap(&requests, demoweb::HOST_ZETA).expect("au moins deux requêtes vers zeta");
    assert!(zeta >= Duration::from_millis(300), "zeta : {zeta:?} < 300 ms\n{report}");
    // The site's Crawl-delay (2 s) wins over the source's 0.1 s.
    let kappa = smallest_gap(&requests, demoweb::HOST_SLOW).expect("au moins deux requêtes vers kappa");
    assert!(kappa >= Duration::from_secs(2), "kappa : {kappa:?} < 2 s\n{report}");
    let beta = smallest_gap(&requests, demoweb::HOST_BETA).expect("au moins deux requêtes vers beta");
    assert!(beta >= Duration::from_millis(200), "beta : {beta:?}");
    // robots.txt in 503: nothing but robots.txt on that host.
    let down: Vec<&str> =
        requests.iter().filter(|request| request.host == demoweb::HOST_ROBOTS_DOWN).map(|r| r.path.as_str()).collect();
    assert!(!down.is_empty() && down.iter().all(|path| *path == "/robots.txt"), "{down:?}");
    // Disallowed paths are never requested (beta forbids /candidature/).
    assert!(
        !requests.iter().any(|request| request.host == demoweb::HOST_BETA && request.path.starts_with("/candidature/")),
        "une page interdite par robots.txt a été demandée"
    );
    assert!(requests.iter().all(|request| request.absolute_form), "every request goes through the proxy");
}

#[test]
fn a_crawl_killed_at_random_points_resumes_without_losing_or_refetching_anything() {
    let web = Web::start();
    let dir = TempDir::new("observatoire-reprise");
    let file = sources(
        &dir.path,
        &[
            ("eta", demoweb::HOST_ETA, 0.0, "/sitemap.xml"),
            ("zeta", demoweb::HOST_ZETA, 0.0, "/investissements?page=1"),
        ],
    );
    // A fixed sequence of kill delays (no randomness in tests: the same run every time), spread
    // from the very start of a run to the middle of the pages.
    let delays_ms = [150u64, 900, 420, 1700, 60, 1200, 2600, 300];
    // Requests in flight at once; a kill can lose at most this many answered pages.
    const CONCURRENCY: usize = 4;
    let concurrency = CONCURRENCY.to_string();
    let proxy = web.server.proxy_url();
    // When each killed run started and when it was killed.
    let mut runs = Vec::new();
    for delay in delays_ms {
        let start = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_socle"))
            .args(["crawl", "--sources"])
            .arg(&file)
            .arg("--data-dir")
            .arg(&dir.path)
            .args(["--proxy", &proxy, "--no-politeness", "--concurrency", &concurrency])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("lancement de socle crawl");
        std::thread::sleep(Duration::from_millis(delay));
        // SIGKILL (std's kill); a run that already finished is simply reaped.
        let _ = child.kill();
        child.wait().expect("attente");
        runs.push((start, Instant::now()));
    }
    // The last run completes.
    let report = crawl(&dir.path, &file, &proxy, &["--no-politeness"]);
    let uris = archived(&dir.path);
    let unique: BTreeSet<&String> = uris.iter().collect();
    assert_eq!(unique.len(), uris.len(), "a page is archived twice:\n{report}");
    // Every page of the two sites was reached and archived once.
    let expected: BTreeSet<String> = demoweb::generate(demoweb::DEFAULT_SEED)
        .pages()
        .map(|page| page.url)
        .filter(|url| url.starts_with(&format!("http://{}/projets/", demoweb::HOST_ETA)))
        .collect();
    let missing: Vec<&String> = expected.iter().filter(|url| !unique.contains(url)).collect();
    assert!(missing.is_empty(), "{} project pages lost, e.g. {:?}\n{report}", missing.len(), missing.first());
    // No page that is stored was fetched again: each successful (2xx) request is for a URL
    // fetched once over all the runs.
    let mut fetched: BTreeMap<String, Vec<Instant>> = BTreeMap::new();
    for request in web.requests().iter().filter(|request| request.status == 200 && request.path != "/robots.txt") {
        fetched.entry(format!("http://{}{}", request.host, request.path)).or_default().push(request.time);
    }
    // A request in flight when the process died was answered but never stored: it is the only
    // kind of page that may be asked twice, only once more, and a kill interrupts at most
    // CONCURRENCY of them.
    let mut lost_per_run = vec![0usize; runs.len()];
    for (url, times) in fetched.iter().filter(|(url, times)| times.len() > 1 && unique.contains(*url)) {
        assert_eq!(times.len(), 2, "{url} fetched {} times", times.len());
        let first = times.iter().min().expect("two times");
        let run = runs.iter().position(|(start, killed)| start <= first && first <= killed);
        let run = run.unwrap_or_else(|| panic!("{url} fetched again although its first fetch was in no killed run"));
        lost_per_run[run] += 1;
    }
    assert!(
        lost_per_run.iter().all(|lost| *lost <= CONCURRENCY),
        "more pages fetched again than requests in flight at a kill: {lost_per_run:?} (at most {CONCURRENCY} each)"
    );
}

#[test]
fn a_recrawl_of_an_unchanged_site_is_conditional_and_answered_304() {
    let web = Web::start();
    let dir = TempDir::new("observatoire-recollecte");
    let file = sources(&dir.path, &[("eta", demoweb::HOST_ETA, 0.0, "/sitemap.xml")]);
    let proxy = web.server.proxy_url();
    crawl(&dir.path, &file, &proxy, &["--no-politeness"]);
    let first = web.requests().len();
    let report = crawl(&dir.path, &file, &proxy, &["--no-politeness", "--recrawl"]);
    let second: Vec<_> =
        web.requests().into_iter().skip(first).filter(|request| request.path != "/robots.txt").collect();
    assert!(second.len() > 100, "{} requêtes seulement\n{report}", second.len());
    let conditional = second
        .iter()
        .filter(|request| {
            (request.if_none_match.is_some() || request.if_modified_since.is_some()) && request.status == 304
        })
        .count();
    let share = conditional as f64 / second.len() as f64;
    println!(
        "recollecte : {conditional}/{} requêtes conditionnelles répondues 304 ({:.1} %)",
        second.len(),
        share * 100.0
    );
    assert!(share >= 0.95, "{conditional}/{} conditionnelles et 304\n{report}", second.len());
}

#[test]
fn hostile_pages_are_handled_within_bounds_and_the_crawl_completes_with_its_reasons() {
    let web = Web::start();
    let dir = TempDir::new("observatoire-hostile");
    let file = sources(&dir.path, &[("piege", demoweb::HOST_TRAP, 0.0, "/")]);
    let report =
        crawl(&dir.path, &file, &web.server.proxy_url(), &["--no-politeness", "--max-pages", "80", "--timeout", "5"]);
    let requests = web.requests();
    assert!(!requests.iter().any(|request| request.path.starts_with("/prive/")), "page interdite demandée");
    // The 429 page was retried and stored.
    assert!(archived(&dir.path).iter().any(|uri| uri.ends_with("/trop-vite")), "{report}");
    for reason in
        ["plus de 5 redirections", "corps trop volumineux", "réponse inachevée après 5 s", "profondeur maximale"]
    {
        assert!(report.contains(reason), "« {reason} » absent du rapport :\n{report}");
    }
    // The endless and the huge bodies are archived cut, and marked so (never used for links).
    let truncated = truncated(&dir.path);
    for (path, why) in [("/sans-fin", "time"), ("/enorme", "length")] {
        assert!(
            truncated.iter().any(|(uri, cut)| uri.ends_with(path) && cut == why),
            "{path} non marqué « {why} » : {truncated:?}\n{report}"
        );
    }
    // The archive holds no body beyond the 2 MiB cap.
    let largest = std::fs::read_dir(dir.path.join("crawl").join("warc"))
        .expect("warc")
        .map(|entry| entry.expect("entrée").metadata().expect("taille").len())
        .max()
        .expect("une archive");
    assert!(largest < 20 * 1024 * 1024, "archive de {largest} octets");
}

#[test]
fn nothing_stored_or_indexed_holds_an_email_address_or_a_phone_number() {
    let dir = TempDir::new("observatoire-pii");
    let output = support::socle(&["observatory", "demo", "--data-dir", dir.path.to_str().expect("chemin")]);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("Dans l'entrepôt"), "{stdout}");
    let store = indicators::RecordStore::open(&dir.path.join("observatoire").join("records")).expect("entrepôt");
    let stored = store.read_all().expect("lecture de l'entrepôt");
    assert!(stored.len() > 5000, "{} enregistrements", stored.len());
    let planted = demoweb::generate(demoweb::DEFAULT_SEED).truth().personal_data.clone();
    let mut found = Vec::new();
    for record in &stored {
        let json = serde_json::to_string(record).expect("JSON");
        found.extend(extract::pii::find(&json).into_iter().map(|hit| format!("{} : {hit}", record.id())));
        for datum in planted.iter().filter(|datum| datum.kind != demoweb::PersonalKind::Name) {
            if json.contains(&datum.text) {
                found.push(format!("{} : {}", record.id(), datum.text));
            }
        }
    }
    assert!(
        found.is_empty(),
        "{} données personnelles dans l'entrepôt, par exemple {:?}",
        found.len(),
        &found[..found.len().min(5)]
    );
    drop(store);
    // The index's stored fields and snippets, page by page over everything.
    let (index, _) = search::observatory::RecordIndex::open_or_create(
        &dir.path.join("observatoire").join("index"),
        search::IfUnreadable::Fail,
    )
    .expect("index");
    assert_eq!(index.len() as usize, stored.len());
    for text in [None, Some("contact"), Some("recrutement")] {
        let query = search::observatory::RecordQuery {
            text: text.map(str::to_owned),
            limit: search::observatory::MAX_LIMIT,
            ..Default::default()
        };
        let results = index.search(&query).expect("recherche");
        let json = format!("{:?}", results.hits);
        let hits = extract::pii::find(&json);
        assert!(hits.is_empty(), "index ({text:?}) : {:?}", &hits[..hits.len().min(5)]);
    }
}

#[test]
fn extract_prints_the_records_and_problems_of_a_saved_page_as_the_library_does() {
    let golden = support::workspace().join("crates/extract/tests/golden");
    for (file, url, content_type) in [
        ("jsonld-job.html", "https://emplois-rhone-data.example/offres/la-2026-031", "text/html; charset=utf-8"),
        ("malformed-jsonld.html", "https://emplois-rhone-data.example/offres/casse", "text/html"),
    ] {
        let page = golden.join(file);
        let output =
            support::socle(&["extract", page.to_str().expect("chemin"), "--url", url, "--content-type", content_type]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let printed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("sortie JSON");
        let bytes = std::fs::read(&page).expect("page");
        let text = String::from_utf8_lossy(&bytes);
        let referentiel = skills::embedded().expect("référentiel");
        let expected = extract::Extractor::new(&referentiel).extract(&extract::Page {
            url,
            content_type: Some(content_type),
            body: &text,
            adapter: None,
            rules: &[],
        });
        assert_eq!(printed["records"], serde_json::to_value(&expected.records).expect("JSON"), "{file}");
        assert_eq!(printed["problems"], serde_json::to_value(&expected.problems).expect("JSON"), "{file}");
        assert!(!expected.records.is_empty() || !expected.problems.is_empty(), "{file} : rien d'extrait");
    }
}

#[test]
fn bad_input_gets_a_french_message_naming_it_and_exit_2() {
    let dir = TempDir::new("observatoire-entrees");
    let missing = dir.path.join("absente.html");
    let bad_sources = dir.path.join("sources.toml");
    std::fs::write(&bad_sources, "[[source]]\nid = \"Mauvais Id\"\ntitle = \"x\"\nallowed_hosts = []\nseeds = []\n")
        .expect("écriture");
    let page = dir.path.join("page.html");
    std::fs::write(&page, "<html><body>bonjour</body></html>").expect("écriture");
    let garbage = dir.path.join("casse.warc");
    std::fs::write(&garbage, "ceci n'est pas une archive WARC\r\n\r\n").expect("écriture");
    let path = |p: &Path| p.to_str().expect("chemin").to_owned();
    let cases: Vec<(Vec<String>, i32, &str)> = vec![
        (vec!["extract".into(), path(&missing), "--url".into(), "https://a.fr/".into()], 2, "fichier introuvable"),
        (vec!["extract".into(), path(&page), "--url".into(), "pas-une-url".into()], 2, "attendu : l'adresse absolue"),
        (
            vec![
                "extract".into(),
                path(&page),
                "--url".into(),
                "https://a.fr/".into(),
                "--sources".into(),
                path(&bad_sources),
            ],
            2,
            "identifiant invalide",
        ),
        (vec!["crawl".into(), "--sources".into(), path(&bad_sources)], 2, "n'est pas utilisable"),
        (vec!["observatory".into(), "ingest".into(), "--warc".into(), path(&missing)], 2, "introuvable"),
        (
            vec![
                "observatory".into(),
                "ingest".into(),
                "--warc".into(),
                path(&garbage),
                "--data-dir".into(),
                path(&dir.path),
            ],
            3,
            "archive WARC",
        ),
    ];
    for (args, code, needle) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = support::socle(&args);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(code), "{args:?} : {stderr}");
        assert!(stderr.contains(needle), "{args:?} : « {needle} » absent de :\n{stderr}");
    }
}
