//! Measures ingest and query latency of the observatory index on generated records (the same
//! generator as the tests); not a test and not a benchmark harness, just figures to read:
//! `cargo run --release -p search --example measure_records -- [N_RECORDS]`.

#[path = "../tests/records_common/mod.rs"]
mod records_common;

use std::time::{Duration, Instant};

use records::{Contract, Kind};
use search::IfUnreadable;
use search::observatory::{RecordIndex, RecordQuery, Sort};

/// Records per `add` call (each call commits).
const CHUNK: usize = 10_000;

/// Median and maximum of `runs` executions of `query`.
fn time_query(index: &RecordIndex, query: &RecordQuery, runs: usize) -> (Duration, Duration, u64) {
    let mut times = Vec::with_capacity(runs);
    let mut total = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let results = index.search(query).expect("recherche");
        times.push(start.elapsed());
        total = results.total;
    }
    times.sort();
    (times[runs / 2], times[runs - 1], total)
}

fn ingest(index: &RecordIndex, records: &[records::Record]) -> Duration {
    let start = Instant::now();
    for chunk in records.chunks(CHUNK) {
        index.add(chunk).expect("indexation");
    }
    start.elapsed()
}

fn main() {
    let n_records: usize = std::env::args().nth(1).and_then(|arg| arg.parse().ok()).unwrap_or(20_000);
    let start = Instant::now();
    let records = records_common::generated(n_records, 2026);
    println!("génération de {n_records} enregistrements : {:?}", start.elapsed());

    let index = RecordIndex::in_memory().expect("index");
    let elapsed = ingest(&index, &records);
    let rate = n_records as f64 / elapsed.as_secs_f64();
    println!("indexation en mémoire : {elapsed:?} ({rate:.0} enregistrements/s, lots de {CHUNK})");

    let dir = std::env::temp_dir().join(format!("socle-search-mesure-observatoire-{}", std::process::id()));
    let (on_disk, _) = RecordIndex::open_or_create(&dir, IfUnreadable::Recreate).expect("index sur disque");
    let elapsed = ingest(&on_disk, &records);
    let rate = n_records as f64 / elapsed.as_secs_f64();
    println!("indexation sur disque : {elapsed:?} ({rate:.0} enregistrements/s)");
    let start = Instant::now();
    on_disk.add(&records[..1]).expect("mise à jour");
    println!("mise à jour d'un enregistrement + commit sur disque : {:?}", start.elapsed());
    drop(on_disk);
    let _ = std::fs::remove_dir_all(&dir);

    let queries = [
        ("tout, facettes et histogramme", RecordQuery::default()),
        ("un mot", RecordQuery { text: Some("statistiques".into()), ..RecordQuery::default() }),
        ("trois mots", RecordQuery { text: Some("apprentissage données santé".into()), ..RecordQuery::default() }),
        (
            "mots + 3 filtres",
            RecordQuery {
                text: Some("données".into()),
                kinds: vec![Kind::Job],
                regions: vec!["84".into(), "11".into()],
                contracts: vec![Contract::Cdi],
                ..RecordQuery::default()
            },
        ),
        (
            "tous les filtres, période, tri par date",
            RecordQuery {
                text: Some("données".into()),
                kinds: vec![Kind::Job, Kind::Project],
                regions: vec!["84".into(), "11".into()],
                contracts: vec![Contract::Cdi, Contract::Cdd],
                sectors: vec!["sante".into(), "banque".into()],
                competences: vec!["DS.MST.06".into()],
                months: vec!["2026-03".into(), "2026-04".into()],
                from: Some("2025-06".into()),
                to: Some("2026-12".into()),
                sort: Sort::DateDesc,
                ..RecordQuery::default()
            },
        ),
        ("page 50", RecordQuery { text: Some("données".into()), offset: 1_000, ..RecordQuery::default() }),
    ];
    for (name, query) in &queries {
        let (median, max, total) = time_query(&index, query, 50);
        println!("requête « {name} » : médiane {median:?}, max {max:?} sur 50 ({total} résultats)");
    }
}
