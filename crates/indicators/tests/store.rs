//! The record store: round trips of every kind, upsert semantics, partition layout, atomic
//! rewrites and recovery after a crash, damaged files, the lock.

mod common;

use std::fs;
use std::path::PathBuf;

use common::*;
use indicators::{Error, RecordStore};
use records::{Contract, Kind, Record, Salary, SalaryPeriod};

fn files(store: &RecordStore) -> Vec<String> {
    store.files().iter().map(|path| path.to_string_lossy().into_owned()).collect()
}

/// Every file under `dir`, relative, sorted.
fn tree(dir: &std::path::Path) -> Vec<String> {
    fn walk(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn round_trip(records: Vec<Record>, name: &str) {
    let scratch = Scratch::new(name);
    {
        let mut store = RecordStore::open(scratch.path()).unwrap();
        let report = store.write(&records).unwrap();
        assert_eq!(report.added, records.len(), "{report:?}");
        assert!(report.rejected.is_empty(), "{report:?}");
        let mut expected = records.clone();
        expected.sort_by(|a, b| {
            (a.kind(), a.month().unwrap_or("inconnu"), a.id()).cmp(&(b.kind(), b.month().unwrap_or("inconnu"), b.id()))
        });
        assert_eq!(store.read_all().unwrap(), expected);
    }
    // Reopened from disk: the same records, field for field.
    let store = RecordStore::open(scratch.path()).unwrap();
    let mut back = store.read_all().unwrap();
    let mut expected = records;
    back.sort_by(|a, b| a.id().cmp(b.id()));
    expected.sort_by(|a, b| a.id().cmp(b.id()));
    assert_eq!(back, expected);
}

#[test]
fn job_postings_round_trip_with_every_optional_field_set_or_empty() {
    let mut salary_without_bounds = full_job("job-c", "2026-01-31");
    salary_without_bounds.salary =
        Some(Salary { min: None, max: None, currency: "EUR".into(), period: SalaryPeriod::Day });
    let mut only_max = full_job("job-d", "2026-02-01");
    only_max.salary = Some(Salary { min: None, max: Some(650.0), currency: "CHF".into(), period: SalaryPeriod::Hour });
    only_max.remote = Some(true);
    only_max.contract = Some(Contract::Interim);
    let mut partial_location = bare_job("job-e");
    partial_location.location.city = Some("Lyon".into());
    partial_location.valid_through = Some("2027-01-01".into());
    partial_location.competences = vec!["DS.MST.06".into()];
    partial_location.duplicate_urls = vec![String::new()];
    let mut month = full_job("job-f", "2026-03-14");
    month.salary = Some(Salary { min: Some(2500.0), max: None, currency: "EUR".into(), period: SalaryPeriod::Month });
    round_trip(
        vec![
            Record::Job(full_job("job-a", "2026-03-14")),
            Record::Job(bare_job("job-b")),
            Record::Job(salary_without_bounds),
            Record::Job(only_max),
            Record::Job(partial_location),
            Record::Job(month),
        ],
        "rt-job",
    );
}

#[test]
fn funding_projects_and_datasets_round_trip() {
    let mut old = full_project("project-c", "1969-07-20");
    old.end_date = None;
    old.budget = Some(rec_amount(-0.0));
    round_trip(
        vec![
            Record::Funding(full_funding("funding-a", "2025-11-05")),
            Record::Funding(bare_funding("funding-b")),
            Record::Project(full_project("project-a", "2024-01-01")),
            Record::Project(bare_project("project-b")),
            Record::Project(old),
            Record::Dataset(full_dataset("dataset-a", "2026-06-30")),
            Record::Dataset(bare_dataset("dataset-b")),
        ],
        "rt-others",
    );
}

fn rec_amount(value: f64) -> records::Amount {
    records::Amount { value, currency: "EUR".into() }
}

#[test]
fn partitions_follow_the_hive_layout_by_kind_and_month() {
    let scratch = Scratch::new("layout");
    let mut store = RecordStore::open(scratch.path()).unwrap();
    store
        .write(&[
            Record::Job(full_job("job-1", "2026-03-14")),
            Record::Job(full_job("job-2", "2026-03-01")),
            Record::Job(full_job("job-3", "2025-12-31")),
            Record::Job(bare_job("job-4")),
            Record::Funding(full_funding("funding-1", "2026-03-02")),
            Record::Project(full_project("project-1", "2024-09-01")),
            Record::Dataset(full_dataset("dataset-1", "2026-01-15")),
            Record::Dataset(bare_dataset("dataset-2")),
        ])
        .unwrap();
    let expected = [
        "kind=dataset/month=2026-01/part-0.parquet",
        "kind=dataset/month=inconnu/part-0.parquet",
        "kind=funding/month=2026-03/part-0.parquet",
        "kind=job/month=2025-12/part-0.parquet",
        "kind=job/month=2026-03/part-0.parquet",
        "kind=job/month=inconnu/part-0.parquet",
        "kind=project/month=2024-09/part-0.parquet",
    ];
    assert_eq!(files(&store), expected);
    let mut on_disk = expected.to_vec();
    on_disk.push(".verrou");
    on_disk.sort();
    assert_eq!(tree(scratch.path()), on_disk);
    let counts = store.count_by_kind();
    assert_eq!(counts[&Kind::Job], 4);
    assert_eq!(counts[&Kind::Funding], 1);
    assert_eq!(counts[&Kind::Project], 1);
    assert_eq!(counts[&Kind::Dataset], 2);
    assert_eq!(store.len(), 8);
    let jobs = store.read_kind(Kind::Job).unwrap();
    let ids: Vec<&str> = jobs.iter().map(Record::id).collect();
    assert_eq!(ids, ["job-3", "job-1", "job-2", "job-4"], "by month, then id");
    let mut all_ids: Vec<(Kind, &str)> = store.ids().collect();
    all_ids.sort();
    assert_eq!(all_ids[0], (Kind::Job, "job-1"));
    assert_eq!(all_ids.len(), 8);
    assert!(store.contains(Kind::Funding, "funding-1"));
    assert!(!store.contains(Kind::Job, "funding-1"), "ids are looked up within their kind");
}

#[test]
fn writing_the_same_id_again_replaces_it_or_leaves_it_unchanged() {
    let scratch = Scratch::new("upsert");
    let mut store = RecordStore::open(scratch.path()).unwrap();
    let first = full_job("job-1", "2026-03-14");
    let report = store.write(&[Record::Job(first.clone()), Record::Job(full_job("job-2", "2026-03-15"))]).unwrap();
    assert_eq!((report.added, report.replaced, report.unchanged), (2, 0, 0));

    let report = store.write(&[Record::Job(first.clone())]).unwrap();
    assert_eq!((report.added, report.replaced, report.unchanged), (0, 0, 1));

    let mut changed = first.clone();
    changed.title = "Data engineer".into();
    let report = store.write(&[Record::Job(changed.clone())]).unwrap();
    assert_eq!((report.added, report.replaced, report.unchanged), (0, 1, 0));
    let jobs = store.read_kind(Kind::Job).unwrap();
    assert_eq!(jobs.len(), 2);
    assert_eq!(jobs[0], Record::Job(changed.clone()));

    // Within one call, the last record with an id wins.
    let mut last = changed.clone();
    last.title = "Dernier".into();
    let report =
        store.write(&[Record::Job(changed), Record::Job(last.clone()), Record::Job(bare_job("job-3"))]).unwrap();
    assert_eq!((report.added, report.replaced, report.unchanged), (1, 1, 0));
    drop(store);
    let store = RecordStore::open(scratch.path()).unwrap();
    let jobs = store.read_kind(Kind::Job).unwrap();
    assert_eq!(jobs.len(), 3);
    assert!(jobs.contains(&Record::Job(last)));
}

#[test]
fn removed_records_leave_their_partitions_and_unknown_ids_are_ignored() {
    let scratch = Scratch::new("remove");
    let mut store = RecordStore::open(scratch.path()).unwrap();
    store
        .write(&[
            Record::Job(full_job("job-1", "2026-03-14")),
            Record::Job(full_job("job-2", "2026-03-20")),
            Record::Job(full_job("job-3", "2026-04-01")),
            Record::Funding(full_funding("job-1", "2026-03-14")),
        ])
        .unwrap();
    // Ids count within their kind: the funding « job-1 » stays.
    assert_eq!(store.remove(Kind::Job, &["job-1", "job-3", "inconnu"]).unwrap(), 2);
    assert_eq!(store.remove(Kind::Job, &["job-1"]).unwrap(), 0, "already gone");
    assert!(!store.contains(Kind::Job, "job-1") && store.contains(Kind::Funding, "job-1"));
    assert!(!scratch.path().join("kind=job/month=2026-04").exists(), "the emptied partition is removed");
    drop(store);
    let store = RecordStore::open(scratch.path()).unwrap();
    let ids: Vec<(Kind, String)> = store.ids().map(|(kind, id)| (kind, id.to_owned())).collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert_eq!(store.read_kind(Kind::Job).unwrap(), vec![Record::Job(full_job("job-2", "2026-03-20"))]);
}

#[test]
fn a_record_whose_month_changed_moves_to_its_new_partition() {
    let scratch = Scratch::new("move");
    let mut store = RecordStore::open(scratch.path()).unwrap();
    store.write(&[Record::Job(full_job("job-1", "2026-03-14")), Record::Job(full_job("job-2", "2026-04-01"))]).unwrap();
    let moved = full_job("job-1", "2026-04-20");
    let report = store.write(&[Record::Job(moved.clone())]).unwrap();
    assert_eq!((report.added, report.replaced), (0, 1));
    assert_eq!(files(&store), ["kind=job/month=2026-04/part-0.parquet"], "the emptied partition is removed");
    assert!(!scratch.path().join("kind=job/month=2026-03").exists());
    let jobs = store.read_all().unwrap();
    assert_eq!(jobs, vec![Record::Job(moved.clone()), Record::Job(full_job("job-2", "2026-04-01"))]);

    // Losing its date sends it to `inconnu`, beside other records left in place.
    let mut undated = moved;
    undated.date_posted = None;
    store.write(&[Record::Job(undated.clone())]).unwrap();
    assert_eq!(files(&store), ["kind=job/month=2026-04/part-0.parquet", "kind=job/month=inconnu/part-0.parquet"]);
    drop(store);
    let store = RecordStore::open(scratch.path()).unwrap();
    assert_eq!(store.read_all().unwrap(), vec![Record::Job(full_job("job-2", "2026-04-01")), Record::Job(undated)]);
}

#[test]
fn a_crash_between_two_partition_rewrites_keeps_the_newest_copy_only() {
    let scratch = Scratch::new("crash-move");
    let old_file = scratch.path().join("kind=job/month=2026-03/part-0.parquet");
    let saved = scratch.path().join("saved.parquet.bak");
    {
        let mut store = RecordStore::open(scratch.path()).unwrap();
        store
            .write(&[Record::Job(full_job("job-1", "2026-03-14")), Record::Job(full_job("job-2", "2026-03-20"))])
            .unwrap();
        fs::copy(&old_file, &saved).unwrap();
        store.write(&[Record::Job(full_job("job-1", "2026-05-02"))]).unwrap();
    }
    // Simulate a crash after the new partition was written but before the old one was
    // rewritten: the old file, with its copy of job-1, is still there.
    fs::copy(&saved, &old_file).unwrap();
    fs::remove_file(&saved).unwrap();
    let store = RecordStore::open(scratch.path()).unwrap();
    assert_eq!(store.len(), 2);
    assert_eq!(
        store.read_all().unwrap(),
        vec![Record::Job(full_job("job-2", "2026-03-20")), Record::Job(full_job("job-1", "2026-05-02"))]
    );
    drop(store);
    // The stale copy was removed from the old partition's file itself, so that other engines
    // do not see it either.
    let store = RecordStore::open(scratch.path()).unwrap();
    let old = store.read_kind(Kind::Job).unwrap();
    assert_eq!(old.len(), 2);
    use polars::prelude::{ParquetReader, SerReader};
    let frame = ParquetReader::new(fs::File::open(&old_file).unwrap()).finish().unwrap();
    assert_eq!(frame.height(), 1, "job-1 is no longer in the 2026-03 file");
}

#[test]
fn a_leftover_temporary_file_is_ignored_and_removed() {
    let scratch = Scratch::new("leftover");
    {
        let mut store = RecordStore::open(scratch.path()).unwrap();
        store.write(&[Record::Job(full_job("job-1", "2026-03-14"))]).unwrap();
    }
    let partition = scratch.path().join("kind=job/month=2026-03");
    // A write interrupted before its rename: a half-written hidden file beside the real one.
    let valid = fs::read(partition.join("part-0.parquet")).unwrap();
    let leftover = partition.join(".part-0.parquet.7.4242.tmp");
    fs::write(&leftover, &valid[..valid.len() / 2]).unwrap();
    let store = RecordStore::open(scratch.path()).unwrap();
    assert!(!leftover.exists(), "opening removes the temporary file");
    assert!(store.problems().is_empty());
    assert_eq!(store.read_all().unwrap(), vec![Record::Job(full_job("job-1", "2026-03-14"))]);
    assert_eq!(tree(scratch.path()), [".verrou", "kind=job/month=2026-03/part-0.parquet"]);
}

#[test]
fn a_write_leaves_no_temporary_file_and_keeps_one_file_per_partition() {
    let scratch = Scratch::new("no-temp");
    let mut store = RecordStore::open(scratch.path()).unwrap();
    for round in 0..3 {
        let mut job = full_job("job-1", "2026-03-14");
        job.title = format!("Version {round}");
        store.write(&[Record::Job(job), Record::Job(full_job(&format!("job-x{round}"), "2026-03-01"))]).unwrap();
    }
    assert_eq!(tree(scratch.path()), [".verrou", "kind=job/month=2026-03/part-0.parquet"]);
    assert_eq!(store.len(), 4);
}

#[test]
fn a_truncated_file_is_a_french_error_naming_it_and_other_partitions_stay_readable() {
    let scratch = Scratch::new("truncated");
    {
        let mut store = RecordStore::open(scratch.path()).unwrap();
        store
            .write(&[
                Record::Job(full_job("job-1", "2026-03-14")),
                Record::Job(full_job("job-2", "2026-04-14")),
                Record::Dataset(full_dataset("dataset-1", "2026-04-01")),
            ])
            .unwrap();
    }
    let damaged = scratch.path().join("kind=job/month=2026-03/part-0.parquet");
    let bytes = fs::read(&damaged).unwrap();
    fs::write(&damaged, &bytes[..bytes.len() * 2 / 3]).unwrap();

    let mut store = RecordStore::open(scratch.path()).unwrap();
    let problems = store.problems();
    assert_eq!(problems.len(), 1);
    let message = store.read_all().unwrap_err().to_string();
    assert!(message.contains(&damaged.display().to_string()), "{message}");
    assert!(message.contains("est illisible"), "{message}");
    assert!(message.contains("tronqué"), "{message}");
    assert!(message.contains("Déplacez-le hors du dossier"), "{message}");
    assert!(matches!(store.read_kind(Kind::Job), Err(Error::Damaged { .. })));
    assert_eq!(store.read_kind(Kind::Dataset).unwrap().len(), 1);

    let lenient = store.read_all_lenient();
    assert_eq!(lenient.records.len(), 2, "job-2 and dataset-1 are still readable");
    assert_eq!(lenient.problems.len(), 1);
    assert!(matches!(&lenient.problems[0], Error::Damaged { path, .. } if *path == damaged));

    // A write into the damaged partition is refused before anything changes; elsewhere it works.
    let error = store.write(&[Record::Job(full_job("job-9", "2026-03-01"))]).unwrap_err();
    assert!(matches!(error, Error::Damaged { ref path, .. } if *path == damaged));
    assert!(!store.contains(Kind::Job, "job-9"));
    store.write(&[Record::Job(full_job("job-3", "2026-04-02"))]).unwrap();
    assert!(damaged.exists(), "the store never deletes a damaged file");
    assert_eq!(store.read_kind(Kind::Dataset).unwrap().len(), 1);
}

#[test]
fn garbage_or_a_corrupt_footer_is_a_damaged_file_not_a_panic() {
    let scratch = Scratch::new("garbage");
    {
        let mut store = RecordStore::open(scratch.path()).unwrap();
        store
            .write(&[Record::Job(full_job("job-1", "2026-03-14")), Record::Funding(full_funding("f-1", "2026-01-01"))])
            .unwrap();
    }
    let garbage = scratch.path().join("kind=job/month=2026-03/part-0.parquet");
    fs::write(&garbage, "ceci n'est pas du Parquet, mais une page HTML <html></html>").unwrap();
    // Keep the framing (PAR1 at both ends, a plausible footer length) but scramble the footer.
    let footer = scratch.path().join("kind=funding/month=2026-01/part-0.parquet");
    let mut bytes = fs::read(&footer).unwrap();
    let len = bytes.len();
    let footer_len = u32::from_le_bytes(bytes[len - 8..len - 4].try_into().unwrap()) as usize;
    for byte in &mut bytes[len - 8 - footer_len..len - 8] {
        *byte = 0xff;
    }
    fs::write(&footer, &bytes).unwrap();

    let store = RecordStore::open(scratch.path()).unwrap();
    let problems: Vec<String> = store.problems().iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems.iter().any(|problem| problem.contains(&garbage.display().to_string())));
    assert!(problems.iter().any(|problem| problem.contains("signature PAR1")), "{problems:?}");
    assert!(problems.iter().any(|problem| problem.contains(&footer.display().to_string())));
    assert!(store.read_all().is_err());
    let lenient = store.read_all_lenient();
    assert!(lenient.records.is_empty());
    assert_eq!(lenient.problems.len(), 2);
}

#[test]
fn a_file_with_a_wrong_column_type_is_damaged_with_the_column_named() {
    use polars::prelude::*;
    let scratch = Scratch::new("wrong-type");
    let dir = scratch.path().join("kind=dataset/month=2026-01");
    fs::create_dir_all(&dir).unwrap();
    let mut frame = df!(
        "id" => ["dataset-1"],
        "title" => ["Jeu"],
        "source_url" => ["https://exemple.fr/"],
        "updated" => [20_260_101i64],
    )
    .unwrap();
    let mut file = fs::File::create(dir.join("part-0.parquet")).unwrap();
    ParquetWriter::new(&mut file).finish(&mut frame).unwrap();
    drop(file);
    let store = RecordStore::open(scratch.path()).unwrap();
    assert!(store.contains(Kind::Dataset, "dataset-1"), "the ids could be read");
    let message = store.read_all().unwrap_err().to_string();
    assert!(message.contains("la colonne updated est de type i64"), "{message}");
    assert!(message.contains("date (DATE)"), "{message}");
}

#[test]
fn records_that_cannot_be_stored_faithfully_are_refused_and_the_others_written() {
    let scratch = Scratch::new("rejected");
    let mut store = RecordStore::open(scratch.path()).unwrap();
    let mut bad_date = full_job("job-bad", "2026-03-14");
    bad_date.valid_through = Some("31/12/2026".into());
    let mut impossible = full_dataset("dataset-bad", "2026-02-30");
    impossible.title = "Trente février".into();
    let mut nan = full_funding("funding-bad", "2026-01-01");
    nan.amount = Some(rec_amount(f64::NAN));
    let mut empty_id = bare_project("");
    empty_id.title = "Sans identifiant".into();
    let good = Record::Job(full_job("job-ok", "2026-03-14"));
    let report = store
        .write(&[
            Record::Job(bad_date),
            good.clone(),
            Record::Dataset(impossible),
            Record::Funding(nan),
            Record::Project(empty_id),
        ])
        .unwrap();
    assert_eq!(report.added, 1);
    let reasons: Vec<String> = report.rejected.iter().map(ToString::to_string).collect();
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    assert!(
        reasons[0].contains("valid_through") && reasons[0].contains("31/12/2026") && reasons[0].contains("AAAA-MM-JJ")
    );
    assert!(reasons[1].contains("updated") && reasons[1].contains("2026-02-30"), "{reasons:?}");
    assert!(reasons[2].contains("amount.value") && reasons[2].contains("nombre fini"), "{reasons:?}");
    assert!(reasons[3].contains("identifiant est vide"), "{reasons:?}");
    assert_eq!(store.read_all().unwrap(), vec![good]);
}

#[test]
fn a_second_open_of_the_same_directory_is_refused_until_the_first_is_dropped() {
    let scratch = Scratch::new("lock");
    let store = RecordStore::open(scratch.path()).unwrap();
    let error = RecordStore::open(scratch.path()).unwrap_err();
    assert!(matches!(error, Error::Locked { .. }));
    let message = error.to_string();
    assert!(message.contains("déjà ouvert par un autre processus"), "{message}");
    assert!(message.contains(&scratch.path().display().to_string()), "{message}");
    drop(store);
    assert!(RecordStore::open(scratch.path()).is_ok());
}

#[test]
fn unknown_directories_and_files_are_left_alone() {
    let scratch = Scratch::new("foreign");
    let extra: Vec<PathBuf> = vec![
        scratch.path().join("LISEZMOI.txt"),
        scratch.path().join("kind=autre/month=2026-01/part-0.parquet"),
        scratch.path().join("kind=job/month=mars/part-0.parquet"),
        scratch.path().join("kind=job/month=2026-03/notes.txt"),
    ];
    for path in &extra {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "pas à nous").unwrap();
    }
    let mut store = RecordStore::open(scratch.path()).unwrap();
    assert!(store.problems().is_empty());
    store.write(&[Record::Job(full_job("job-1", "2026-03-14"))]).unwrap();
    assert_eq!(store.read_all().unwrap().len(), 1);
    for path in &extra {
        assert!(path.exists(), "{}", path.display());
    }
}
