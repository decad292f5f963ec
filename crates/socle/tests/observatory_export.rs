//! A search export of 1,000,000 records streams with bounded memory: the test indexes a million
//! postings into a data folder, starts a real `socle serve` on it, downloads
//! `/observatoire/recherche.csv` (every row, no cap) while sampling the server's anonymous
//! resident memory (`RssAnon` in `/proc/PID/status`, which leaves out the index's memory-mapped
//! files) every 10 ms, and checks that the peak stayed far below the size of what was sent.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use records::{Contract, JobPosting, Location, Record};
use search::observatory::RecordIndex;
use support::{Server, TempDir};

/// Rows of the export.
const ROWS: usize = 1_000_000;
/// Records indexed per commit.
const BATCH: usize = 100_000;
/// Most the server's anonymous memory may grow while it streams (the export itself is about
/// 140 MB).
const MAX_GROWTH_BYTES: u64 = 48 * 1024 * 1024;

/// A short posting: the test measures the export, not the analysis of long descriptions.
fn posting(number: usize) -> Record {
    const REGIONS: [&str; 6] = ["11", "84", "76", "75", "32", "44"];
    Record::Job(JobPosting {
        id: format!("o{number}"),
        title: format!("Data analyst {}", number % 997),
        description: String::new(),
        date_posted: Some(format!("20{}-{:02}-15", 24 + number % 3, 1 + number % 12)),
        valid_through: None,
        employer: Some(format!("Employeur {}", number % 331)),
        location: Location {
            city: None,
            postal_code: None,
            region_code: Some(REGIONS[number % REGIONS.len()].to_owned()),
            country: None,
        },
        remote: None,
        contract: Some(Contract::ALL[number % Contract::ALL.len()]),
        salary: None,
        competences: vec!["DS.INF.01".to_owned()],
        rome_code: None,
        sector: Some("numerique".to_owned()),
        source_url: format!("https://emplois.test/offre/{number}"),
        duplicate_urls: Vec::new(),
    })
}

fn build_index(data: &Path) {
    let (index, _) =
        RecordIndex::open_or_create(&data.join("observatoire/index"), search::IfUnreadable::Recreate).expect("index");
    for start in (0..ROWS).step_by(BATCH) {
        let records: Vec<Record> = (start..start + BATCH).map(posting).collect();
        let rejected = index.add(&records).expect("indexation");
        assert!(rejected.is_empty(), "{rejected:?}");
    }
    assert_eq!(index.len(), ROWS as u64);
}

/// The anonymous resident memory of a process, in bytes.
fn rss_anon(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("RssAnon:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}

#[test]
fn a_million_row_export_streams_with_bounded_memory() {
    let data = TempDir::new("export-million");
    build_index(&data.path);
    let server = Server::on(&data.path, &["--sans-demo"]);
    let (pid, address) = (server.child.id(), server.address.clone());
    // Settle: one small search so that the server's caches exist before the baseline.
    let mut warm = TcpStream::connect(&address).expect("connexion");
    write!(warm, "GET /api/observatoire/recherche?par_page=1 HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n")
        .expect("requête");
    let mut answer = String::new();
    warm.read_to_string(&mut answer).expect("réponse");
    assert!(answer.contains("\"total\":1000000"), "{}", &answer[..answer.len().min(400)]);
    let baseline = rss_anon(pid).expect("mémoire du serveur");

    let peak = Arc::new(AtomicU64::new(baseline));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (Arc::clone(&peak), Arc::clone(&done));
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                if let Some(now) = rss_anon(pid) {
                    peak.fetch_max(now, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        })
    };
    let mut stream = TcpStream::connect(&address).expect("connexion");
    // HTTP/1.0: the body is sent as is, until the server closes the connection.
    write!(stream, "GET /observatoire/recherche.csv HTTP/1.0\r\nHost: {address}\r\n\r\n").expect("requête");
    let mut reader = BufReader::with_capacity(1 << 16, stream);
    let mut line = String::new();
    reader.read_line(&mut line).expect("statut");
    assert!(line.starts_with("HTTP/1.0 200") || line.starts_with("HTTP/1.1 200"), "{line}");
    loop {
        line.clear();
        reader.read_line(&mut line).expect("en-tête");
        if line == "\r\n" || line.is_empty() {
            break;
        }
    }
    let (mut rows, mut bytes) = (0usize, 0u64);
    let mut header = String::new();
    loop {
        line.clear();
        let read = reader.read_line(&mut line).expect("ligne de l'export");
        if read == 0 {
            break;
        }
        bytes += read as u64;
        if header.is_empty() {
            header = line.clone();
        } else {
            rows += 1;
        }
    }
    done.store(true, Ordering::Relaxed);
    sampler.join().expect("échantillonneur");
    drop(server);

    let peak = peak.load(Ordering::Relaxed);
    let growth = peak.saturating_sub(baseline);
    println!(
        "export de {rows} lignes, {:.1} Mo envoyés ; mémoire anonyme du serveur : {:.1} Mo au départ, pic {:.1} Mo (+{:.1} Mo)",
        bytes as f64 / 1e6,
        baseline as f64 / 1e6,
        peak as f64 / 1e6,
        growth as f64 / 1e6
    );
    assert!(header.starts_with("type,id,titre,"), "{header}");
    assert_eq!(rows, ROWS, "chaque enregistrement, sans limite de lignes");
    assert!(bytes > 2 * MAX_GROWTH_BYTES, "l'export ({bytes} octets) doit dépasser de loin la borne de mémoire");
    assert!(
        growth < MAX_GROWTH_BYTES,
        "la mémoire du serveur a crû de {growth} octets pendant l'export (borne : {MAX_GROWTH_BYTES})"
    );
}
