//! `cargo xtask bench crawl`: socle's crawler and extractor against Scrapy, on the same pages
//! of the demo web, in one run.
//!
//! The demo web's fixture server runs in this process (it is also the HTTP proxy of the
//! fictional `.test` hosts and logs every request). Both tools get the same sources — those of
//! `observatory/sources/demo.toml` for the hosts asked, with the sitemaps their robots.txt
//! announces added as seeds — the same concurrency, no politeness delay, robots.txt obeyed. Socle
//! is timed as `socle crawl` then `socle observatory ingest` of its archive (fetched, then
//! extracted, normalised, stored and indexed); Scrapy as one `scrapy runspider` of
//! `tools/bench/spider.py` (fetched and extracted to JSON lines). The pages each tool fetched
//! are counted from the server's log, and compared.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use records::source::{Seed, SeedType, SourcesFile};

use crate::Paths;
use crate::bench::timed_output;

/// Hosts crawled when `--hosts` is not given: the JSON-LD and the microdata job boards.
const DEFAULT_HOSTS: [&str; 2] = [demoweb::HOST_ALPHA, demoweb::HOST_BETA];
/// Requests in flight at once when `--concurrency` is not given (socle crawl's default).
const DEFAULT_CONCURRENCY: usize = 8;
/// Pages fetched by each untimed warm-up run.
const WARM_UP_PAGES: usize = 20;

/// Options of `bench crawl`.
#[derive(Debug, PartialEq)]
struct Options {
    hosts: Vec<String>,
    concurrency: usize,
}

const OPTIONS_HELP: &str = "options : --hosts HÔTE,HÔTE… (hôtes du web de démonstration déclarés dans \
     observatory/sources/demo.toml ; par défaut emplois-alpha.test,carrieres-beta.test), --concurrency N \
     (requêtes simultanées, 8 par défaut)";

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        hosts: DEFAULT_HOSTS.iter().map(|host| host.to_string()).collect(),
        concurrency: DEFAULT_CONCURRENCY,
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--hosts" => {
                let list = iter.next().ok_or("--hosts attend une liste d'hôtes séparés par des virgules")?;
                options.hosts = list
                    .split(',')
                    .map(|host| host.trim().to_ascii_lowercase())
                    .filter(|host| !host.is_empty())
                    .collect();
                if options.hosts.is_empty() {
                    return Err("--hosts attend au moins un hôte (par exemple emplois-alpha.test)".into());
                }
            }
            "--concurrency" => {
                options.concurrency = iter
                    .next()
                    .and_then(|text| text.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or("--concurrency attend un entier positif")?;
            }
            "-h" | "--help" => return Err(format!("aide demandée ; {OPTIONS_HELP}")),
            other => return Err(format!("option inconnue « {other} » ; {OPTIONS_HELP}")),
        }
    }
    Ok(options)
}

/// The sources of `demo` whose allowed hosts include one of `hosts`, every asked host covered,
/// with politeness delays dropped and the sitemaps each host's robots.txt announces (as served
/// by `web`) added as sitemap seeds, so that both crawlers start from the same URLs.
fn select_sources(demo: &SourcesFile, hosts: &[String], web: &demoweb::DemoWeb) -> Result<SourcesFile, String> {
    let declared: BTreeSet<String> = demo
        .sources
        .iter()
        .flat_map(|source| source.allowed_hosts.iter().map(|host| host.to_ascii_lowercase()))
        .collect();
    let missing: Vec<&str> = hosts.iter().filter(|host| !declared.contains(*host)).map(String::as_str).collect();
    if !missing.is_empty() {
        return Err(format!(
            "--hosts : {} absent(s) de observatory/sources/demo.toml ; hôtes déclarés : {}",
            missing.join(", "),
            declared.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    let robots: Vec<(String, String)> = web
        .pages()
        .filter_map(|page| {
            let host = page.url.strip_prefix("http://")?.strip_suffix("/robots.txt")?.to_string();
            Some((host, String::from_utf8_lossy(&page.body).into_owned()))
        })
        .collect();
    let mut selected = Vec::new();
    for source in &demo.sources {
        if !source.allowed_hosts.iter().any(|host| hosts.contains(&host.to_ascii_lowercase())) {
            continue;
        }
        if let Some(seed) = source.seeds.iter().find(|seed| matches!(seed.seed_type, SeedType::JsonApi | SeedType::Csv))
        {
            return Err(format!(
                "--hosts : la source « {} » a une graine {} ({}) que l'araignée Scrapy ne sait pas lire ; \
                 acceptées : des sources de pages HTML, de sitemaps et de flux",
                source.id,
                if seed.seed_type == SeedType::Csv { "csv" } else { "json_api" },
                seed.url
            ));
        }
        let mut source = source.clone();
        source.delay_seconds = 0.0;
        for host in &source.allowed_hosts {
            let Some((_, text)) = robots.iter().find(|(name, _)| name.eq_ignore_ascii_case(host)) else { continue };
            for line in text.lines() {
                let Some((key, value)) = line.split_once(':') else { continue };
                let url = value.trim().to_string();
                if key.trim().eq_ignore_ascii_case("sitemap") && !source.seeds.iter().any(|seed| seed.url == url) {
                    source.seeds.push(Seed { url, seed_type: SeedType::Sitemap, adapter: None });
                }
            }
        }
        selected.push(source);
    }
    Ok(SourcesFile { sources: selected })
}

/// What the fixture server saw during one run.
struct Traffic {
    /// Requests other than robots.txt.
    pages: usize,
    /// robots.txt requests.
    robots: usize,
    /// Answers with a status other than 200, robots.txt excluded.
    not_ok: usize,
    /// Distinct `host/path` fetched, robots.txt excluded.
    urls: BTreeSet<String>,
}

impl Traffic {
    fn of(requests: &[demoweb::LoggedRequest]) -> Traffic {
        let (robots, pages): (Vec<_>, Vec<_>) = requests.iter().partition(|request| request.path == "/robots.txt");
        Traffic {
            pages: pages.len(),
            robots: robots.len(),
            not_ok: pages.iter().filter(|request| request.status != 200).count(),
            urls: pages.iter().map(|request| format!("{}{}", request.host, request.path)).collect(),
        }
    }
}

/// Sum of the counts of `Enregistrements extraits : 3346 offre(s) d'emploi, 12 …` in socle's
/// ingest report.
fn records_extracted(report: &str) -> Option<usize> {
    let line = report.lines().find_map(|line| line.strip_prefix("Enregistrements extraits :"))?;
    if line.trim() == "aucun" {
        return Some(0);
    }
    line.split(',').map(|part| part.split_whitespace().next().and_then(|n| n.parse::<usize>().ok())).sum()
}

/// One tool's figures.
struct Figures {
    pages: usize,
    records: usize,
    seconds: f64,
}

impl Figures {
    fn rate(&self) -> f64 {
        self.pages as f64 / self.seconds.max(1e-9)
    }
}

/// The commands of one benchmark run, with their files.
struct Bench<'a> {
    paths: &'a Paths,
    socle: PathBuf,
    sources_toml: PathBuf,
    sources_json: PathBuf,
    proxy: String,
    concurrency: String,
}

impl Bench<'_> {
    fn socle_crawl(&self, data: &Path, max_pages: Option<usize>) -> Command {
        let mut command = Command::new(&self.socle);
        command.arg("crawl").arg("--sources").arg(&self.sources_toml).arg("--data-dir").arg(data).args([
            "--proxy",
            &self.proxy,
            "--no-politeness",
            "--concurrency",
            &self.concurrency,
        ]);
        if let Some(max) = max_pages {
            command.args(["--max-pages", &max.to_string()]);
        }
        command
    }

    fn socle_ingest(&self, data: &Path) -> Command {
        let mut command = Command::new(&self.socle);
        command
            .args(["observatory", "ingest", "--warc"])
            .arg(data.join("crawl").join("warc"))
            .arg("--sources")
            .arg(&self.sources_toml)
            .arg("--data-dir")
            .arg(data);
        command
    }

    fn scrapy(&self, items: &Path, stats: &Path, max_pages: Option<usize>) -> Command {
        let mut command = Command::new(self.paths.venv().join("bin/python"));
        command
            .args(["-m", "scrapy", "runspider"])
            .arg(self.paths.root.join("tools/bench/spider.py"))
            .arg("-a")
            .arg(format!("sources={}", self.sources_json.display()))
            .arg("-a")
            .arg(format!("stats={}", stats.display()))
            .arg("-O")
            .arg(items)
            .args(["-s", &format!("CONCURRENT_REQUESTS={}", self.concurrency)])
            .args(["-s", &format!("CONCURRENT_REQUESTS_PER_DOMAIN={}", self.concurrency)])
            // Scrapy's HttpProxyMiddleware reads the proxy from the environment, robots.txt
            // requests included.
            .env("http_proxy", &self.proxy)
            .env_remove("no_proxy")
            .env_remove("NO_PROXY")
            .env_remove("https_proxy")
            .env_remove("HTTPS_PROXY")
            .env_remove("HTTP_PROXY")
            .env_remove("SCRAPY_SETTINGS_MODULE")
            .current_dir(self.items_dir(items));
        if let Some(max) = max_pages {
            command.args(["-s", &format!("CLOSESPIDER_PAGECOUNT={max}")]);
        }
        command
    }

    fn items_dir<'p>(&self, items: &'p Path) -> &'p Path {
        items.parent().unwrap_or(Path::new("."))
    }
}

/// Runs the crawl benchmark.
pub fn crawl(paths: &Paths, args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    crate::setup::python_venv(paths)?;
    crate::run(
        paths,
        "compilation de socle (release)",
        "cargo",
        &["build", "--release", "--locked", "-p", "socle"],
        &[],
    )?;
    let demo_path = paths.root.join("observatory/sources/demo.toml");
    let demo_text =
        std::fs::read_to_string(&demo_path).map_err(|err| format!("lecture de {} : {err}", demo_path.display()))?;
    let demo = records::source::parse(&demo_text).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(|problem| format!("  - {problem}")).collect();
        format!("{} n'est pas utilisable :\n{}", demo_path.display(), list.join("\n"))
    })?;
    let web = Arc::new(demoweb::generate(demoweb::DEFAULT_SEED));
    let sources = select_sources(&demo, &options.hosts, &web)?;

    let work = std::env::temp_dir().join(format!("socle-bench-crawl-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|err| format!("création de {} : {err}", work.display()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|err| format!("démarrage du moteur asynchrone : {err}"))?;
    let server = runtime
        .block_on(demoweb::Server::start(web))
        .map_err(|err| format!("démarrage du serveur du web de démonstration : {err}"))?;
    let result = (|| {
        let bench = Bench {
            paths,
            socle: paths.target().join("release/socle"),
            sources_toml: work.join("sources.toml"),
            sources_json: work.join("sources.json"),
            proxy: server.proxy_url(),
            concurrency: options.concurrency.to_string(),
        };
        let toml = toml::to_string(&sources).map_err(|err| format!("écriture des sources : {err}"))?;
        std::fs::write(&bench.sources_toml, toml).map_err(|err| format!("écriture des sources : {err}"))?;
        let json = serde_json::to_string_pretty(&sources).map_err(|err| format!("écriture des sources : {err}"))?;
        std::fs::write(&bench.sources_json, json).map_err(|err| format!("écriture des sources : {err}"))?;
        run_bench(&bench, &server, &work, &options)
    })();
    runtime.block_on(server.shutdown());
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn run_bench(bench: &Bench<'_>, server: &demoweb::Server, work: &Path, options: &Options) -> Result<(), String> {
    println!(
        "\n==> banc d'essai de collecte : {} ; {} requêtes simultanées, sans délai de politesse, robots.txt respecté",
        options.hosts.join(", "),
        options.concurrency
    );
    println!("    préchauffage de socle et de Scrapy ({WARM_UP_PAGES} pages chacun, non chronométré)…");
    let warm = work.join("prechauffage");
    std::fs::create_dir_all(&warm).map_err(|err| format!("création de {} : {err}", warm.display()))?;
    timed_output("socle crawl (préchauffage)", &mut bench.socle_crawl(&warm.join("socle"), Some(WARM_UP_PAGES)))?;
    timed_output("socle observatory ingest (préchauffage)", &mut bench.socle_ingest(&warm.join("socle")))?;
    timed_output(
        "scrapy runspider (préchauffage)",
        &mut bench.scrapy(&warm.join("items.jsonl"), &warm.join("stats.json"), Some(WARM_UP_PAGES)),
    )?;

    // socle: crawl, then ingest of its archive.
    let data = work.join("socle");
    let before = server.requests().len();
    let (crawl_seconds, crawl_output) = timed_output("socle crawl", &mut bench.socle_crawl(&data, None))?;
    let socle_traffic = Traffic::of(&server.requests()[before..]);
    println!("    socle crawl : {crawl_seconds:.2} s");
    for line in String::from_utf8_lossy(&crawl_output.stdout).lines() {
        println!("      {line}");
    }
    let (ingest_seconds, ingest_output) = timed_output("socle observatory ingest", &mut bench.socle_ingest(&data))?;
    let ingest_report = String::from_utf8_lossy(&ingest_output.stdout).into_owned();
    println!("    socle observatory ingest : {ingest_seconds:.2} s");
    for line in ingest_report.lines() {
        println!("      {line}");
    }
    let socle_records = records_extracted(&ingest_report)
        .ok_or("le rapport de socle observatory ingest n'a pas de ligne « Enregistrements extraits : … »")?;

    // Scrapy: one run, fetched and extracted.
    let items = work.join("scrapy-items.jsonl");
    let stats = work.join("scrapy-stats.json");
    let before = server.requests().len();
    let (scrapy_seconds, _) = timed_output("scrapy runspider", &mut bench.scrapy(&items, &stats, None))?;
    let scrapy_traffic = Traffic::of(&server.requests()[before..]);
    let scrapy_records = std::fs::read_to_string(&items)
        .map_err(|err| format!("lecture des éléments de Scrapy {} : {err}", items.display()))?
        .lines()
        .filter(|line| !line.trim().is_empty())
        .count();
    println!("    scrapy runspider : {scrapy_seconds:.2} s");
    if let Ok(text) = std::fs::read_to_string(&stats)
        && let Ok(stats) = serde_json::from_str::<serde_json::Value>(&text)
    {
        let get = |key: &str| stats.get(key).map(|value| value.to_string()).unwrap_or_else(|| "0".into());
        println!(
            "      requêtes {} (dont robots.txt {}), réponses 200 : {}, interdites par robots.txt : {}, \
             profondeur maximale atteinte : {}, fin : {}",
            get("downloader/request_count"),
            get("robotstxt/request_count"),
            get("downloader/response_status_count/200"),
            get("robotstxt/forbidden"),
            get("request_depth_max"),
            get("finish_reason")
        );
    }

    for (name, traffic) in [("socle", &socle_traffic), ("Scrapy", &scrapy_traffic)] {
        println!(
            "    serveur, passage de {name} : {} page(s) demandée(s) ({} adresses distinctes, {} réponse(s) autres que 200), {} robots.txt",
            traffic.pages,
            traffic.urls.len(),
            traffic.not_ok,
            traffic.robots
        );
    }
    let only_socle: Vec<&String> = socle_traffic.urls.difference(&scrapy_traffic.urls).collect();
    let only_scrapy: Vec<&String> = scrapy_traffic.urls.difference(&socle_traffic.urls).collect();
    if only_socle.is_empty() && only_scrapy.is_empty() {
        println!("    mêmes pages demandées par les deux : {} adresses", socle_traffic.urls.len());
    } else {
        println!(
            "    ATTENTION : pages différentes — {} seulement par socle (par exemple {:?}), {} seulement par Scrapy (par exemple {:?})",
            only_socle.len(),
            only_socle.iter().take(3).collect::<Vec<_>>(),
            only_scrapy.len(),
            only_scrapy.iter().take(3).collect::<Vec<_>>()
        );
    }

    let socle_crawl = Figures { pages: socle_traffic.pages, records: 0, seconds: crawl_seconds };
    let socle = Figures { pages: socle_traffic.pages, records: socle_records, seconds: crawl_seconds + ingest_seconds };
    let scrapy = Figures { pages: scrapy_traffic.pages, records: scrapy_records, seconds: scrapy_seconds };
    println!(
        "\nRésultats ({} ; {} requêtes simultanées, sans politesse, robots.txt respecté) :",
        options.hosts.join(", "),
        options.concurrency
    );
    println!(
        "  socle  : {} pages collectées, {} enregistrements extraits, {:.2} s (collecte {:.2} s + ingestion {:.2} s), \
         {:.1} pages/s (collecte seule : {:.1} pages/s)",
        socle.pages,
        socle.records,
        socle.seconds,
        crawl_seconds,
        ingest_seconds,
        socle.rate(),
        socle_crawl.rate()
    );
    println!(
        "  Scrapy : {} pages collectées, {} enregistrements extraits, {:.2} s, {:.1} pages/s",
        scrapy.pages,
        scrapy.records,
        scrapy.seconds,
        scrapy.rate()
    );
    println!(
        "  rapport socle/Scrapy (pages par seconde, collecte et extraction) : {:.2}×",
        socle.rate() / scrapy.rate().max(1e-9)
    );
    println!(
        "  (l'ingestion de socle normalise, dédoublonne, écrit le Parquet et l'index ; Scrapy écrit des lignes JSON)"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|arg| arg.to_string()).collect()
    }

    #[test]
    fn options_have_defaults_and_reject_bad_values() {
        let defaults = parse(&[]).unwrap();
        assert_eq!(defaults.hosts, ["emplois-alpha.test", "carrieres-beta.test"]);
        assert_eq!(defaults.concurrency, 8);
        let given = parse(&strings(&["--hosts", " Flux-Delta.test ,", "--concurrency", "3"])).unwrap();
        assert_eq!(given, Options { hosts: vec!["flux-delta.test".into()], concurrency: 3 });
        for bad in [&["--concurrency", "0"][..], &["--concurrency"], &["--hosts", ","], &["--jobs", "2"]] {
            let error = parse(&strings(bad)).unwrap_err();
            assert!(error.contains("--"), "{bad:?} : {error}");
        }
    }

    #[test]
    fn ingest_report_counts_are_summed() {
        let report = "Réponses lues dans les archives : 10\nEnregistrements extraits : 3346 offre(s) d'emploi, 12 financement(s)\nDans l'entrepôt : rien";
        assert_eq!(records_extracted(report), Some(3358));
        assert_eq!(records_extracted("Enregistrements extraits : aucun"), Some(0));
        assert_eq!(records_extracted("Réponses lues dans les archives : 10"), None);
    }

    #[test]
    fn sources_are_selected_with_robots_sitemaps_and_no_delay() {
        let demo = records::source::parse(include_str!("../../observatory/sources/demo.toml")).unwrap();
        let web = demoweb::generate(demoweb::DEFAULT_SEED);
        let hosts = strings(&["emplois-alpha.test", "carrieres-beta.test"]);
        let selected = select_sources(&demo, &hosts, &web).unwrap();
        let ids: Vec<&str> = selected.sources.iter().map(|source| source.id.as_str()).collect();
        assert_eq!(ids, ["emplois-alpha", "carrieres-beta"]);
        assert!(selected.sources.iter().all(|source| source.delay_seconds == 0.0));
        // Alpha's robots.txt announces the sitemap already seeded: not added twice.
        let alpha_sitemaps =
            selected.sources[0].seeds.iter().filter(|seed| seed.url == "http://emplois-alpha.test/sitemap.xml").count();
        assert_eq!(alpha_sitemaps, 1);
        // The written sources read back as socle reads them.
        let text = toml::to_string(&selected).unwrap();
        assert_eq!(records::source::parse(&text).unwrap(), selected);
        let unknown = select_sources(&demo, &strings(&["inconnu.test"]), &web).unwrap_err();
        assert!(unknown.contains("inconnu.test") && unknown.contains("emplois-alpha.test"), "{unknown}");
        let api = select_sources(&demo, &strings(&["api-travail.test"]), &web).unwrap_err();
        assert!(api.contains("json_api"), "{api}");
    }

    #[test]
    fn traffic_counts_pages_robots_and_failures() {
        let now = std::time::Instant::now();
        let request = |path: &str, status: u16| demoweb::LoggedRequest {
            time: now,
            host: "a.test".into(),
            path: path.into(),
            method: "GET".into(),
            absolute_form: true,
            if_none_match: None,
            if_modified_since: None,
            status,
        };
        let traffic = Traffic::of(&[request("/robots.txt", 200), request("/a", 200), request("/a", 404)]);
        assert_eq!((traffic.pages, traffic.robots, traffic.not_ok), (2, 1, 1));
        assert_eq!(traffic.urls.into_iter().collect::<Vec<_>>(), ["a.test/a"]);
    }
}
