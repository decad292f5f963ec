//! Resume after `kill -9`: a crawl runs in a child process (this test binary re-executed with
//! an environment variable) that is killed with SIGKILL at random points, several times, then
//! resumed until it completes. Checked: no queued URL is lost (every page of the site ends up
//! archived), no page stored in the archive when a child was killed is fetched again, and no
//! page has two response records. Odd rounds run without politeness, so that several
//! requests to one host end together and share their syncs.
//!
//! `harness = false`: `main` is either the parent test or the child crawl.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Body, Reply, Server, hrefs, temp_dir};
use crawler::crawl::{CrawlConfig, FetchedPage, WARC_DIR};
use crawler::warc::WarcReader;

const CHILD_DIR: &str = "SOCLE_TEST_CRAWL_DIR";
const CHILD_PROXY: &str = "SOCLE_TEST_CRAWL_PROXY";
const CHILD_POLITE: &str = "SOCLE_TEST_CRAWL_POLITE";
const HOSTS: [&str; 3] = ["h1.test", "h2.test", "h3.test"];
const PAGES_PER_HOST: usize = 30;

const SOURCES: &str = r#"
[[source]]
id = "reprise"
title = "Reprise"
allowed_hosts = ["h1.test", "h2.test", "h3.test"]
delay_seconds = 0.0
[[source.seeds]]
url = "http://h1.test/page/0"
[[source.seeds]]
url = "http://h2.test/page/0"
[[source.seeds]]
url = "http://h3.test/page/0"
"#;

fn main() {
    match (std::env::var_os(CHILD_DIR), std::env::var(CHILD_PROXY)) {
        (Some(dir), Ok(proxy)) => child(Path::new(&dir), proxy),
        _ => parent(),
    }
}

fn links(page: &FetchedPage<'_>) -> Vec<String> {
    hrefs(page.text)
}

/// The crawl the parent kills.
fn child(dir: &Path, proxy: String) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let sources = records::source::parse(SOURCES).unwrap();
    let mut config = CrawlConfig::new(dir);
    config.fetch.proxy = Some(proxy);
    config.progress = false;
    // Without politeness several requests per host are in flight and finish in groups.
    config.politeness = std::env::var(CHILD_POLITE).as_deref() != Ok("0");
    runtime.block_on(crawler::run(&sources, &config, &links)).unwrap();
}

/// Each page links to three others of its host; a short pause makes kills land anywhere.
fn site(seen: &common::Seen) -> Reply {
    if seen.path == "/robots.txt" {
        return Reply::status(404);
    }
    let index: usize = seen.path.trim_start_matches("/page/").parse().unwrap_or(0);
    let body: String =
        (1..=3).map(|step| format!("<a href=\"/page/{}\">suite</a>", (index * 3 + step) % PAGES_PER_HOST)).collect();
    Reply {
        status: 200,
        headers: vec![("Content-Type".into(), "text/html".into())],
        body: Body::Delayed(Duration::from_millis(3), body.into_bytes()),
    }
}

/// Small deterministic generator (xorshift64*), seeded from the clock and printed.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % bound.max(1)
    }
}

/// Target URIs of the response records of every WARC file (a torn tail is not stored).
fn stored(dir: &Path) -> Vec<String> {
    let Ok(files) = std::fs::read_dir(dir.join(WARC_DIR)) else { return Vec::new() };
    let mut files: Vec<PathBuf> = files.map(|entry| entry.unwrap().path()).collect();
    files.sort();
    let mut urls = Vec::new();
    for file in files {
        for record in WarcReader::open(&file).unwrap() {
            let record = record.unwrap();
            if record.warc_type() == "response" {
                urls.push(record.target_uri().unwrap().to_string());
            }
        }
    }
    urls
}

fn parent() {
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
    println!("reprise après SIGKILL : graine {seed}");
    let mut random = Random(seed);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let server = runtime.block_on(Server::start(site));
    let exe = std::env::current_exe().unwrap();
    let mut total_kills = 0;
    for round in 0..4 {
        let dir = temp_dir(&format!("reprise-{round}"));
        let first_request = server.seen().len();
        // (requests made before this point, URLs stored at this point)
        let mut snapshots: Vec<(usize, BTreeSet<String>)> = Vec::new();
        let mut completed = false;
        for attempt in 0..40 {
            let mut child = Command::new(&exe)
                .env(CHILD_DIR, &dir)
                .env(CHILD_PROXY, server.base())
                .env(CHILD_POLITE, if round % 2 == 0 { "1" } else { "0" })
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
                .unwrap();
            let start = server.seen().len();
            // Kill after a random number of requests (and a random extra pause), unless the
            // crawl ends first; the last attempts are left to finish.
            let budget = 1 + random.below(20) as usize;
            let pause = Duration::from_micros(random.below(4000));
            let killed = loop {
                if let Some(status) = child.try_wait().unwrap() {
                    assert!(status.success(), "the child crawl failed: {status}");
                    break false;
                }
                if attempt < 30 && server.seen().len() >= start + budget {
                    std::thread::sleep(pause);
                    child.kill().unwrap();
                    child.wait().unwrap();
                    break true;
                }
                std::thread::sleep(Duration::from_micros(300));
            };
            if !killed {
                completed = true;
                break;
            }
            total_kills += 1;
            snapshots.push((server.seen().len(), stored(&dir).into_iter().collect()));
        }
        assert!(completed, "round {round}: the crawl never completed");
        let seen = server.seen();
        // Nothing stored when a child was killed is requested again afterwards.
        for (from, stored) in &snapshots {
            for request in &seen[*from..] {
                let url = format!("http://{}{}", request.host, request.path);
                assert!(!stored.contains(&url), "round {round}: {url} was archived before a kill and fetched again");
            }
        }
        // Nothing lost, nothing duplicated.
        let archived = stored(&dir);
        let unique: BTreeSet<&String> = archived.iter().collect();
        assert_eq!(unique.len(), archived.len(), "round {round}: duplicate response records");
        let expected: BTreeSet<String> = HOSTS
            .iter()
            .flat_map(|host| (0..PAGES_PER_HOST).map(move |page| format!("http://{host}/page/{page}")))
            .collect();
        let archived: BTreeSet<String> = archived.into_iter().collect();
        assert_eq!(archived, expected, "round {round}: pages lost");
        let page_requests = seen[first_request..].iter().filter(|request| request.path != "/robots.txt").count();
        println!("manche {round} : {} arrêts brutaux, {page_requests} requêtes de pages", snapshots.len());
        std::fs::remove_dir_all(&dir).unwrap();
    }
    assert!(total_kills >= 4, "only {total_kills} kills: the test did not exercise resume");
    println!("test resume ... ok");
}
