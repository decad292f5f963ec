//! 100,000 job postings written, read back equal, and updated (no timing assertion: the
//! example `store_volume` reports times).

mod common;

use common::*;
use indicators::RecordStore;
use records::{Kind, Record};

#[test]
fn a_hundred_thousand_postings_are_written_read_back_and_upserted() {
    let scratch = Scratch::new("volume");
    let records = many_jobs(100_000);
    let mut store = RecordStore::open(scratch.path()).unwrap();
    let report = store.write(&records).unwrap();
    assert_eq!(report.added, 100_000);
    assert!(report.rejected.is_empty());
    drop(store);

    let mut store = RecordStore::open(scratch.path()).unwrap();
    assert_eq!(store.count_by_kind()[&Kind::Job], 100_000);
    // 24 months and `inconnu`.
    assert_eq!(store.files().len(), 25);
    let mut back = store.read_all().unwrap();
    back.sort_by(|a, b| a.id().cmp(b.id()));
    assert_eq!(back, records);

    // A second ingest: one posting in 100 changed, the rest identical.
    let mut again = records.clone();
    for record in again.iter_mut().step_by(100) {
        if let Record::Job(job) = record {
            job.title.push_str(" (mise à jour)");
        }
    }
    let report = store.write(&again).unwrap();
    assert_eq!((report.added, report.replaced, report.unchanged), (0, 1000, 99_000));
    assert_eq!(store.len(), 100_000);
}
