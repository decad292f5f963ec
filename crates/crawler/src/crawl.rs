//! The crawl loop: seeds of a sources file, robots.txt per host, per-host politeness, the
//! persistent frontier, the WARC archive, link following through a callback the caller
//! supplies (HTML parsing belongs to the `extract` crate), sitemaps, conditional recrawl, and a
//! report of what was fetched, skipped and why.
//!
//! Crash safety: a page's request and response records are written to the WARC file and
//! synced before the journal says the page is done (together with the links found on it). On
//! start, records at the tail of the last WARC file that the journal does not know are adopted
//! as if just fetched, and a torn last record is cut off: a `kill -9` at any point neither
//! loses a page nor fetches a stored one again.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::future::Future;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::stream::FuturesUnordered;
use futures_util::{FutureExt, StreamExt};
use records::source::{SeedType, Source, SourcesFile};
use tokio::time::Instant;
use url::Url;

use crate::canon::{self, Scope};
use crate::charset;
use crate::fetch::{self, FetchError, Fetcher, Request, Response, Truncation};
use crate::frontier::{Batch, Entry, Frontier, FrontierError, NewUrl, State, Stored};
use crate::politeness::{self, Hosts};
use crate::robots::Robots;
use crate::sitemap::{self, SitemapKind};
use crate::warc::{self, NewRecord, WarcReader, WarcWriter};

/// How long a robots.txt answer is trusted.
pub const ROBOTS_CACHE: Duration = Duration::from_secs(24 * 3600);
/// Name of the folder of WARC files in the crawl folder.
pub const WARC_DIR: &str = "warc";

/// Crawl settings.
#[derive(Debug, Clone, PartialEq)]
pub struct CrawlConfig {
    /// Crawl folder: the frontier journal and the `warc/` folder live there.
    pub dir: PathBuf,
    /// Fetcher settings.
    pub fetch: fetch::Config,
    /// Most pages fetched by this run (robots.txt not counted); the rest stays queued.
    pub max_pages: Option<usize>,
    /// Most links followed from a seed (calendar traps end there).
    pub max_depth: u32,
    /// Per-host delays and one request at a time per host; off only for benchmarks (robots.txt
    /// is obeyed either way).
    pub politeness: bool,
    /// Fetch every stored page again (conditionally), whatever its age.
    pub force_recrawl: bool,
    /// Requests in flight at once (never more than one per host).
    pub concurrency: usize,
    /// Show a progress bar on stderr when it is a terminal.
    pub progress: bool,
}

impl CrawlConfig {
    /// Defaults for a crawl folder.
    pub fn new(dir: impl Into<PathBuf>) -> CrawlConfig {
        CrawlConfig {
            dir: dir.into(),
            fetch: fetch::Config::default(),
            max_pages: None,
            max_depth: 25,
            politeness: true,
            force_recrawl: false,
            concurrency: 8,
            progress: true,
        }
    }
}

/// A fetched page handed to the link extractor.
#[derive(Debug, Clone, Copy)]
pub struct FetchedPage<'a> {
    /// Canonical URL of the page.
    pub url: &'a Url,
    /// The source it belongs to.
    pub source: &'a Source,
    /// What it was expected to be (`Page` or `Feed`).
    pub kind: SeedType,
    /// HTTP status (2xx).
    pub status: u16,
    /// `Content-Type` header.
    pub content_type: Option<&'a str>,
    /// Raw body.
    pub body: &'a [u8],
    /// Body decoded with the detected charset.
    pub text: &'a str,
}

/// Finds the links of a page (absolute or relative to the page URL); supplied by the caller.
pub type LinkExtractor = dyn Fn(&FetchedPage<'_>) -> Vec<String> + Send + Sync;

/// What a crawl did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrawlReport {
    /// Responses archived (any final status but 304, 429 and 5xx).
    pub fetched: usize,
    /// Conditional requests answered 304 (revisit records).
    pub not_modified: usize,
    /// Requests sent with `If-None-Match` or `If-Modified-Since`.
    pub conditional: usize,
    /// robots.txt files fetched.
    pub robots_fetched: usize,
    /// URLs not fetched because robots.txt forbids them.
    pub robots_disallowed: usize,
    /// Requests that failed (network, timeout, 429 or 5xx after retries).
    pub errors: usize,
    /// Responses found in the WARC tail after a crash and adopted without fetching again.
    pub adopted: usize,
    /// URLs still queued at the end (limit reached, or their source is gone).
    pub queued_left: usize,
    /// Everything skipped or failed, by reason (French), with counts.
    pub skipped: BTreeMap<String, usize>,
    /// The WARC file written by this run.
    pub warc_file: PathBuf,
}

impl CrawlReport {
    fn skip(&mut self, reason: impl Into<String>) {
        *self.skipped.entry(reason.into()).or_default() += 1;
    }
}

impl fmt::Display for CrawlReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Collecte terminée.")?;
        writeln!(f, "  réponses archivées : {}", self.fetched)?;
        writeln!(f, "  inchangées depuis la dernière visite (304) : {}", self.not_modified)?;
        writeln!(f, "  interdites par robots.txt : {}", self.robots_disallowed)?;
        writeln!(f, "  erreurs : {}", self.errors)?;
        writeln!(f, "  adresses encore en file : {}", self.queued_left)?;
        if self.adopted > 0 {
            writeln!(f, "  reprises de l'archive sans nouvelle requête : {}", self.adopted)?;
        }
        if !self.skipped.is_empty() {
            writeln!(f, "Ignorées ou en échec :")?;
            for (reason, count) in &self.skipped {
                writeln!(f, "  - {count} × {reason}")?;
            }
        }
        write!(f, "Archive : {}", self.warc_file.display())
    }
}

/// `2 Mio`, `512 Kio`, `100 octets`.
fn human_bytes(bytes: usize) -> String {
    const KIB: usize = 1024;
    match bytes {
        _ if bytes >= KIB * KIB && bytes.is_multiple_of(KIB * KIB) => format!("{} Mio", bytes / (KIB * KIB)),
        _ if bytes >= KIB && bytes.is_multiple_of(KIB) => format!("{} Kio", bytes / KIB),
        _ => format!("{bytes} octets"),
    }
}

/// Why a crawl stopped, in French.
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    /// The frontier journal failed.
    #[error(transparent)]
    Frontier(#[from] FrontierError),
    /// The WARC archive failed.
    #[error("archive WARC {path} : {source}")]
    Warc {
        /// The file or folder.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The HTTP client could not be built.
    #[error(transparent)]
    Fetch(#[from] FetchError),
}

enum Outcome {
    Robots { host: String, source: String, result: Result<Response, FetchError> },
    Page { host: String, url: String, result: Result<Response, FetchError> },
}

type Job = Pin<Box<dyn Future<Output = Outcome> + Send>>;

/// Work of a group of finished requests, made durable together: WARC records first (one
/// sync), then the journal lines (one sync), then the new URLs enter the host queues.
#[derive(Default)]
struct Pending {
    batch: Batch,
    /// New URLs and their source id.
    added: Vec<(String, String)>,
    /// Whether WARC records were written and need a sync.
    wrote: bool,
}

struct Crawler<'a> {
    config: &'a CrawlConfig,
    sources: HashMap<&'a str, &'a Source>,
    links: &'a LinkExtractor,
    frontier: Frontier,
    writer: WarcWriter,
    warc_name: String,
    hosts: Hosts,
    /// robots.txt per host, when it was fetched, and whether it was unreachable (5xx, 429,
    /// network error): then nothing is fetched but the URLs stay queued for a later crawl.
    robots: HashMap<String, (Robots, Instant, bool)>,
    report: CrawlReport,
}

/// Crawls the sources: resumes the frontier of `config.dir`, adds the seeds, fetches what is
/// queued (and what is due for a recrawl) until the frontier is empty or `max_pages` is
/// reached, and returns the report.
pub async fn run(
    sources: &SourcesFile,
    config: &CrawlConfig,
    links: &LinkExtractor,
) -> Result<CrawlReport, CrawlError> {
    let fetcher = Fetcher::new(config.fetch.clone())?;
    let warc_dir = config.dir.join(WARC_DIR);
    std::fs::create_dir_all(&warc_dir).map_err(|source| CrawlError::Warc { path: warc_dir.clone(), source })?;
    let (mut frontier, _replay) = Frontier::open(&config.dir)?;
    let sources: HashMap<&str, &Source> = sources.sources.iter().map(|source| (source.id.as_str(), source)).collect();

    // The tail of the previous run's archive, before anything new is written.
    let previous = frontier.warc_files().last().cloned();
    let adoptable = match &previous {
        Some(name) => adoptable_records(&frontier, &warc_dir, name)?,
        None => Vec::new(),
    };
    let name = new_warc_name(&warc_dir);
    let path = warc_dir.join(&name);
    let mut batch = Batch::new();
    frontier.warc_opened(&mut batch, &name);
    frontier.commit(batch)?;
    let writer = WarcWriter::create(&path, fetch::USER_AGENT).map_err(|source| CrawlError::Warc { path, source })?;

    let mut crawler = Crawler {
        config,
        sources,
        links,
        frontier,
        writer,
        warc_name: name,
        hosts: Hosts::new(),
        robots: HashMap::new(),
        report: CrawlReport::default(),
    };
    crawler.report.warc_file = crawler.writer.path().to_path_buf();
    if let Some(previous) = previous {
        crawler.adopt(&previous, adoptable)?;
    }
    crawler.add_seeds_and_recrawl()?;
    crawler.fill_hosts();
    crawler.crawl(&fetcher).await?;
    let mut report = crawler.report;
    report.queued_left = crawler.frontier.queued().count();
    Ok(report)
}

/// A name that sorts by creation time and does not exist yet.
fn new_warc_name(dir: &Path) -> String {
    let stamp = Utc::now().format("%Y%m%dT%H%M%S%.6fZ");
    let mut name = format!("crawl-{stamp}.warc");
    let mut counter = 1;
    while dir.join(&name).exists() {
        counter += 1;
        name = format!("crawl-{stamp}-{counter}.warc");
    }
    name
}

/// Records of the previous file the journal does not know as done, and the file cut after its
/// last complete record.
fn adoptable_records(frontier: &Frontier, warc_dir: &Path, name: &str) -> Result<Vec<warc::WarcRecord>, CrawlError> {
    let path = warc_dir.join(name);
    if !path.exists() {
        return Ok(Vec::new());
    }
    let warc_error = |source| CrawlError::Warc { path: path.clone(), source };
    let start = frontier
        .entries()
        .filter_map(|entry| entry.stored.as_ref())
        .filter(|stored| stored.warc == name)
        .map(|stored| stored.offset)
        .max()
        .unwrap_or(0);
    let mut found = Vec::new();
    let mut end = start;
    let reader = WarcReader::open_at(&path, start).map_err(warc_error)?;
    for record in reader {
        let Ok(record) = record else { break };
        end = record.end;
        let queued =
            record.target_uri().and_then(|uri| frontier.get(uri)).is_some_and(|entry| entry.state == State::Queued);
        if queued && matches!(record.warc_type(), "response" | "revisit") {
            found.push(record);
        }
    }
    let file = std::fs::OpenOptions::new().write(true).open(&path).map_err(warc_error)?;
    if file.metadata().map_err(warc_error)?.len() > end {
        file.set_len(end).map_err(warc_error)?;
        file.sync_all().map_err(warc_error)?;
    }
    Ok(found)
}

fn unix_now() -> i64 {
    Utc::now().timestamp()
}

impl Crawler<'_> {
    fn warc_error(&self, source: std::io::Error) -> CrawlError {
        CrawlError::Warc { path: self.writer.path().to_path_buf(), source }
    }

    /// Treats records found at the tail of the previous archive as if just fetched.
    fn adopt(&mut self, name: &str, records: Vec<warc::WarcRecord>) -> Result<(), CrawlError> {
        let mut pending = Pending::default();
        for record in records {
            let Some(uri) = record.target_uri().map(str::to_string) else { continue };
            let Some(entry) = self.frontier.get(&uri).cloned() else { continue };
            if entry.state != State::Queued {
                continue;
            }
            let Some(http) = warc::parse_http_response(&record.block) else { continue };
            let Some(url) = canon::canonical(&uri) else { continue };
            let fetched_at = record
                .header("WARC-Date")
                .and_then(|date| DateTime::parse_from_rfc3339(date).ok())
                .map_or_else(Utc::now, |date| date.with_timezone(&Utc));
            let truncated = match record.header("WARC-Truncated") {
                Some("time") => Some(Truncation::Time),
                Some("disconnect") => Some(Truncation::Interrupted),
                Some(_) => Some(Truncation::Length),
                None => None,
            };
            let response = Response {
                url,
                status: if record.warc_type() == "revisit" { 304 } else { http.status },
                reason: String::new(),
                version: "HTTP/1.1".into(),
                headers: http.headers.clone(),
                body: http.body.to_vec(),
                truncated,
                request_head: String::new(),
                fetched_at,
                attempts: 1,
            };
            self.report.adopted += 1;
            self.process(&entry, &response, name.to_string(), record.offset, &mut pending);
        }
        // The new URLs enter the host queues with every other queued URL (`fill_hosts`).
        self.frontier.commit(pending.batch)?;
        Ok(())
    }

    fn add_seeds_and_recrawl(&mut self) -> Result<(), CrawlError> {
        let mut batch = Batch::new();
        let sources: Vec<&Source> = self.sources.values().copied().collect();
        for source in &sources {
            for seed in &source.seeds {
                let Some(url) = canon::canonical(&seed.url) else {
                    self.report.skip(format!("graine invalide « {} »", seed.url));
                    continue;
                };
                let new =
                    NewUrl { url: url.to_string(), source: source.id.clone(), kind: seed.seed_type, depth: 0, hops: 0 };
                self.frontier.add(&mut batch, new);
            }
        }
        let now = unix_now();
        let due: Vec<String> = self
            .frontier
            .entries()
            .filter(|entry| entry.state == State::Done)
            .filter(|entry| {
                let hours = self.sources.get(entry.source.as_str()).map_or(u32::MAX, |source| source.recrawl_hours);
                let fetched_at = entry.stored.as_ref().map_or(0, |stored| stored.fetched_at);
                self.config.force_recrawl || now - fetched_at >= i64::from(hours) * 3600
            })
            .map(|entry| entry.url.clone())
            .collect();
        for url in due {
            self.frontier.requeue(&mut batch, &url);
        }
        self.frontier.commit(batch)?;
        Ok(())
    }

    /// Puts every queued URL whose source is known in its host's queue.
    fn fill_hosts(&mut self) {
        let queued: Vec<(String, String)> =
            self.frontier.queued().map(|entry| (entry.url.clone(), entry.source.clone())).collect();
        for (url, source) in queued {
            self.enqueue(&url, &source);
        }
    }

    fn enqueue(&mut self, url: &str, source: &str) {
        let (Some(source), Some(parsed)) = (self.sources.get(source), Url::parse(url).ok()) else { return };
        let delay = politeness::host_delay(source.delay_seconds, None, self.config.politeness);
        self.hosts.push(&canon::host_key(&parsed), url.to_string(), delay);
    }

    async fn crawl(&mut self, fetcher: &Fetcher) -> Result<(), CrawlError> {
        let progress = if self.config.progress && std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new(self.frontier.len() as u64);
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{spinner} {pos}/{len} pages [{elapsed_precise}] {wide_msg}")
            {
                bar.set_style(style);
            }
            bar
        } else {
            indicatif::ProgressBar::hidden()
        };
        let mut in_flight: FuturesUnordered<Job> = FuturesUnordered::new();
        let mut launched = 0usize;
        loop {
            let limit_reached = self.config.max_pages.is_some_and(|max| launched >= max);
            while !limit_reached && in_flight.len() < self.config.concurrency.max(1) {
                let Some(job) = self.next_job(fetcher, &mut launched)? else { break };
                in_flight.push(job);
                if self.config.max_pages.is_some_and(|max| launched >= max) {
                    break;
                }
            }
            let limit_reached = self.config.max_pages.is_some_and(|max| launched >= max);
            if in_flight.is_empty() {
                match self.hosts.next_ready_at() {
                    Some(at) if !limit_reached => tokio::time::sleep_until(at).await,
                    _ => break,
                }
                continue;
            }
            // At capacity, a host whose delay has elapsed must wait for a request to end, not spin.
            let at_capacity = in_flight.len() >= self.config.concurrency.max(1);
            let wake = self.hosts.next_ready_at().filter(|_| !limit_reached && !at_capacity);
            let outcome = match wake {
                Some(at) => tokio::select! {
                    outcome = in_flight.next() => outcome,
                    () = tokio::time::sleep_until(at) => continue,
                },
                None => in_flight.next().await,
            };
            let Some(outcome) = outcome else { continue };
            // Requests that ended meanwhile share the syncs of this one.
            let mut group = vec![outcome];
            while let Some(Some(outcome)) = in_flight.next().now_or_never() {
                group.push(outcome);
            }
            let mut pending = Pending::default();
            for outcome in group {
                self.finish(outcome, &mut pending)?;
            }
            self.flush(pending)?;
            progress.set_length(self.frontier.len() as u64);
            progress.set_position((self.report.fetched + self.report.not_modified + self.report.errors) as u64);
        }
        progress.finish_and_clear();
        Ok(())
    }

    /// The next request to start, if a host is ready; URLs robots.txt forbids are settled here.
    fn next_job(&mut self, fetcher: &Fetcher, launched: &mut usize) -> Result<Option<Job>, CrawlError> {
        loop {
            let Some((host, url)) = self.hosts.ready(Instant::now()) else { return Ok(None) };
            let Some(entry) = self.frontier.get(&url).cloned() else {
                self.hosts.pop(&host);
                continue;
            };
            if entry.state != State::Queued {
                self.hosts.pop(&host);
                continue;
            }
            let Some(source) = self.sources.get(entry.source.as_str()).copied() else {
                self.hosts.pop(&host);
                continue;
            };
            let Ok(parsed) = Url::parse(&url) else {
                self.hosts.pop(&host);
                continue;
            };
            let min_delay = self.hosts.delay(&host).unwrap_or_default();
            let fresh = self.robots.get(&host).filter(|(_, at, _)| at.elapsed() < ROBOTS_CACHE);
            let Some((robots, _, unreachable)) = fresh else {
                self.hosts.start(&host);
                let fetcher = fetcher.clone();
                let request = Request { url: canon::robots_url(&parsed), etag: None, last_modified: None, min_delay };
                let source = source.id.clone();
                return Ok(Some(Box::pin(async move {
                    let result = fetcher.fetch_following(&request, &|_| true).await;
                    Outcome::Robots { host, source, result }
                })));
            };
            self.hosts.pop(&host);
            if *unreachable {
                self.report.skip("robots.txt injoignable : adresse laissée en file pour une prochaine collecte");
                continue;
            }
            if !robots.is_allowed(fetch::ROBOTS_AGENT, &url) {
                self.report.robots_disallowed += 1;
                self.report.skip("interdite par robots.txt");
                let mut batch = Batch::new();
                self.frontier.fail(&mut batch, &url, "interdite par robots.txt");
                self.frontier.commit(batch)?;
                continue;
            }
            let stored = entry.stored.as_ref().filter(|stored| (200..300).contains(&stored.status));
            let request = Request {
                url: parsed,
                etag: stored.and_then(|stored| stored.etag.clone()),
                last_modified: stored.and_then(|stored| stored.last_modified.clone()),
                min_delay,
            };
            if request.etag.is_some() || request.last_modified.is_some() {
                self.report.conditional += 1;
            }
            *launched += 1;
            // Without politeness (benchmarks), a host may have several requests in flight.
            if self.config.politeness {
                self.hosts.start(&host);
            }
            let fetcher = fetcher.clone();
            return Ok(Some(Box::pin(async move {
                let result = fetcher.fetch(&request).await;
                Outcome::Page { host, url, result }
            })));
        }
    }

    fn flush(&mut self, pending: Pending) -> Result<(), CrawlError> {
        if pending.wrote {
            self.writer.sync().map_err(|error| self.warc_error(error))?;
        }
        self.frontier.commit(pending.batch)?;
        for (url, source) in pending.added {
            self.enqueue(&url, &source);
        }
        Ok(())
    }

    fn finish(&mut self, outcome: Outcome, pending: &mut Pending) -> Result<(), CrawlError> {
        match outcome {
            Outcome::Robots { host, source, result } => {
                self.report.robots_fetched += 1;
                let (robots, unreachable) = match result {
                    Ok(response) if response.truncated == Some(Truncation::Time) => {
                        self.report.skip(format!("robots.txt de {host} inachevé : rien n'est collecté sur cet hôte"));
                        (Robots::disallow_all(), true)
                    }
                    Ok(response) if response.status >= 500 || response.status == 429 => {
                        self.report.skip(format!(
                            "robots.txt de {host} en erreur {} : rien n'est collecté sur cet hôte",
                            response.status
                        ));
                        (Robots::from_status(response.status, &response.body), true)
                    }
                    Ok(response) => (Robots::from_status(response.status, &response.body), false),
                    // RFC 9309 2.3.1.2: past the redirects followed, robots.txt is unavailable.
                    Err(FetchError::TooManyRedirects { .. } | FetchError::RedirectLoop { .. }) => {
                        (Robots::from_status(404, b""), false)
                    }
                    Err(_) => {
                        self.report
                            .skip(format!("robots.txt de {host} injoignable : rien n'est collecté sur cet hôte"));
                        (Robots::disallow_all(), true)
                    }
                };
                let delay = self
                    .sources
                    .get(source.as_str())
                    .map(|source| {
                        politeness::host_delay(
                            source.delay_seconds,
                            robots.crawl_delay(fetch::ROBOTS_AGENT),
                            self.config.politeness,
                        )
                    })
                    .unwrap_or_default();
                self.hosts.set_delay(&host, delay);
                self.hosts.finish(&host, Instant::now());
                self.add_robots_sitemaps(&robots, &source, pending);
                self.robots.insert(host, (robots, Instant::now(), unreachable));
            }
            Outcome::Page { host, url, result } => {
                self.hosts.finish(&host, Instant::now());
                let Some(entry) = self.frontier.get(&url).cloned() else { return Ok(()) };
                match result {
                    Err(error) => {
                        let reason = error_reason(&error);
                        self.report.errors += 1;
                        self.report.skip(reason.clone());
                        self.frontier.fail(&mut pending.batch, &url, &error.to_string());
                    }
                    Ok(response) if response.status == 429 || response.status >= 500 => {
                        let reason = format!("statut HTTP {} après {} tentatives", response.status, response.attempts);
                        self.report.errors += 1;
                        self.report.skip(reason.clone());
                        self.frontier.fail(&mut pending.batch, &url, &reason);
                    }
                    Ok(response) => {
                        let offset = self.archive(&entry, &response)?;
                        pending.wrote = true;
                        let name = self.warc_name.clone();
                        self.process(&entry, &response, name, offset, pending);
                    }
                }
            }
        }
        Ok(())
    }

    fn add_robots_sitemaps(&mut self, robots: &Robots, source: &str, pending: &mut Pending) {
        let Some(source) = self.sources.get(source).copied() else { return };
        let scope = Scope::of(source);
        for sitemap in robots.sitemaps() {
            let Some(url) = canon::canonical(sitemap).filter(|url| scope.allows_host(url)) else { continue };
            let new =
                NewUrl { url: url.to_string(), source: source.id.clone(), kind: SeedType::Sitemap, depth: 0, hops: 0 };
            if self.frontier.add(&mut pending.batch, new) {
                pending.added.push((url.to_string(), source.id.clone()));
            }
        }
    }

    /// Writes the request and response (or revisit) records, not yet synced; returns the
    /// offset of the response or revisit record.
    fn archive(&mut self, entry: &Entry, response: &Response) -> Result<u64, CrawlError> {
        let target = Some(entry.url.clone());
        let request = NewRecord {
            warc_type: "request".into(),
            target_uri: target.clone(),
            date: response.fetched_at,
            content_type: "application/http; msgtype=request".into(),
            extra_headers: Vec::new(),
            block: response.request_head.clone().into_bytes(),
            payload_offset: None,
        };
        let head = response.head();
        let answer = if response.status == 304 {
            let mut extra = vec![("WARC-Profile".to_string(), warc::REVISIT_PROFILE.to_string())];
            if let Some(stored) = &entry.stored {
                extra.push(("WARC-Refers-To-Target-URI".into(), entry.url.clone()));
                if let Some(date) = DateTime::from_timestamp(stored.fetched_at, 0) {
                    extra.push(("WARC-Refers-To-Date".into(), date.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)));
                }
            }
            NewRecord {
                warc_type: "revisit".into(),
                target_uri: target,
                date: response.fetched_at,
                content_type: "application/http; msgtype=response".into(),
                extra_headers: extra,
                block: head.into_bytes(),
                payload_offset: None,
            }
        } else {
            let mut block = head.clone().into_bytes();
            block.extend_from_slice(&response.body);
            let extra = response
                .truncated
                .map(|truncation| vec![("WARC-Truncated".to_string(), truncation.warc_value().to_string())])
                .unwrap_or_default();
            NewRecord {
                warc_type: "response".into(),
                target_uri: target,
                date: response.fetched_at,
                content_type: "application/http; msgtype=response".into(),
                extra_headers: extra,
                block,
                payload_offset: Some(head.len()),
            }
        };
        let offsets = self.writer.append_unsynced(&[request, answer]).map_err(|error| self.warc_error(error))?;
        Ok(offsets[1])
    }

    /// Everything that follows an archived answer: links, sitemap entries, redirect target,
    /// and the journal line saying the URL is done, added to `pending`.
    fn process(&mut self, entry: &Entry, response: &Response, warc_name: String, offset: u64, pending: &mut Pending) {
        let source = self.sources.get(entry.source.as_str()).copied();
        if response.status == 304 {
            self.report.not_modified += 1;
            let stored = match &entry.stored {
                Some(stored) => Stored { fetched_at: response.fetched_at.timestamp(), ..stored.clone() },
                None => Stored {
                    status: 304,
                    etag: None,
                    last_modified: None,
                    fetched_at: response.fetched_at.timestamp(),
                    warc: warc_name,
                    offset,
                },
            };
            self.frontier.done(&mut pending.batch, &entry.url, stored);
            return;
        }
        self.report.fetched += 1;
        let cap = self.config.fetch.max_body_bytes;
        if let (Some(source), Some(url)) = (source, Url::parse(&entry.url).ok()) {
            let mut found: Vec<NewUrl> = Vec::new();
            let scope = Scope::of(source);
            match response.truncated {
                Some(Truncation::Length) => {
                    self.report
                        .skip(format!("corps trop volumineux : coupé à {}, page non exploitée", human_bytes(cap)));
                }
                Some(Truncation::Interrupted) => {
                    self.report.skip("connexion coupée pendant la réponse : page non exploitée");
                }
                Some(Truncation::Time) => {
                    self.report.skip(format!(
                        "réponse inachevée après {} s : page non exploitée",
                        self.config.fetch.total_timeout.as_secs()
                    ));
                }
                None if response.is_redirect() => match response.location() {
                    Some(target) if !scope.allows(&target) => {
                        self.report.skip("redirection hors du périmètre de la source");
                    }
                    Some(_) if entry.hops as usize >= self.config.fetch.max_redirects => {
                        self.report
                            .skip(format!("plus de {} redirections successives", self.config.fetch.max_redirects));
                    }
                    Some(target) => found.push(NewUrl {
                        url: target.to_string(),
                        source: source.id.clone(),
                        kind: entry.kind,
                        depth: entry.depth,
                        hops: entry.hops + 1,
                    }),
                    None => self.report.skip("redirection vers une adresse invalide"),
                },
                None if (200..300).contains(&response.status) => {
                    found = self.discover(entry, source, &url, response);
                }
                None => self.report.skip(format!("statut HTTP {}", response.status)),
            }
            for new in found {
                if new.depth > self.config.max_depth {
                    self.report.skip(format!("profondeur maximale ({}) dépassée", self.config.max_depth));
                    continue;
                }
                let url = new.url.clone();
                if self.frontier.add(&mut pending.batch, new) {
                    pending.added.push((url, entry.source.clone()));
                }
            }
        }
        let stored = Stored {
            status: response.status,
            etag: response.header("etag").map(str::to_string),
            last_modified: response.header("last-modified").map(str::to_string),
            fetched_at: response.fetched_at.timestamp(),
            warc: warc_name,
            offset,
        };
        self.frontier.done(&mut pending.batch, &entry.url, stored);
    }

    /// URLs a successful answer leads to, in scope.
    fn discover(&mut self, entry: &Entry, source: &Source, url: &Url, response: &Response) -> Vec<NewUrl> {
        let scope = Scope::of(source);
        let depth = entry.depth + 1;
        let mut found = Vec::new();
        let push = |target: Url, kind: SeedType, found: &mut Vec<NewUrl>| {
            if scope.allows(&target) {
                found.push(NewUrl { url: target.to_string(), source: source.id.clone(), kind, depth, hops: 0 });
            }
        };
        match entry.kind {
            SeedType::Sitemap => match sitemap::parse(&response.body) {
                Ok(map) => {
                    let kind = if map.kind == SitemapKind::Index { SeedType::Sitemap } else { SeedType::Page };
                    for item in map.entries {
                        if let Some(target) = canon::canonicalize(Some(url), &item.loc) {
                            push(target, kind, &mut found);
                        }
                    }
                }
                Err(error) => self.report.skip(format!("sitemap illisible : {error}")),
            },
            SeedType::Page | SeedType::Feed if source.follow_links => {
                let decoded = charset::decode(response.content_type(), &response.body);
                let page = FetchedPage {
                    url,
                    source,
                    kind: entry.kind,
                    status: response.status,
                    content_type: response.content_type(),
                    body: &response.body,
                    text: &decoded.text,
                };
                for link in (self.links)(&page) {
                    if let Some(target) = canon::canonicalize(Some(url), &link) {
                        push(target, SeedType::Page, &mut found);
                    }
                }
            }
            _ => {}
        }
        found
    }
}

/// A short French reason for the report (the full message goes to the journal).
fn error_reason(error: &FetchError) -> String {
    match error {
        FetchError::Timeout { seconds, .. } => format!("pas de réponse en {seconds} s"),
        FetchError::Connect { .. } => "connexion impossible".into(),
        FetchError::Http { .. } => "échec de la requête HTTP".into(),
        FetchError::RedirectLoop { .. } => "boucle de redirections".into(),
        FetchError::TooManyRedirects { max, .. } => format!("plus de {max} redirections successives"),
        FetchError::RedirectRefused { .. } => "redirection refusée".into(),
        FetchError::Client(_) | FetchError::Proxy(_) => error.to_string(),
    }
}
