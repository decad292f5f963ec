//! The store's files are plain Parquet that another engine reads: polars' own lazy scan sees
//! the Hive partitions as columns and the typed columns of the README.

mod common;

use common::*;
use indicators::RecordStore;
use polars::prelude::*;
use records::Record;

#[test]
fn polars_scan_parquet_reads_the_partitions_as_columns_and_typed_fields() {
    let scratch = Scratch::new("scan");
    let mut store = RecordStore::open(scratch.path()).unwrap();
    let mut undated = full_job("job-3", "2026-01-01");
    undated.date_posted = None;
    store
        .write(&[
            Record::Job(full_job("job-1", "2026-03-14")),
            Record::Job(full_job("job-2", "2026-04-02")),
            Record::Job(undated),
            Record::Dataset(full_dataset("dataset-1", "2026-04-01")),
        ])
        .unwrap();
    drop(store);

    let root = scratch.path().join("kind=job");
    let path = PlRefPath::try_from_path(&root).unwrap();
    let frame = LazyFrame::scan_parquet(path, ScanArgsParquet::default())
        .unwrap()
        .sort(["id"], SortMultipleOptions::default())
        .collect()
        .unwrap();
    assert_eq!(frame.height(), 3);
    let months: Vec<Option<&str>> = frame.column("month").unwrap().str().unwrap().iter().collect();
    assert_eq!(months, [Some("2026-03"), Some("2026-04"), Some("inconnu")]);
    assert_eq!(frame.column("date_posted").unwrap().dtype(), &DataType::Date);
    assert_eq!(frame.column("salary_min").unwrap().dtype(), &DataType::Float64);
    assert_eq!(frame.column("remote").unwrap().dtype(), &DataType::Boolean);
    assert_eq!(frame.column("competences").unwrap().dtype(), &DataType::List(Box::new(DataType::String)));
    let cities: Vec<Option<&str>> = frame.column("location_city").unwrap().str().unwrap().iter().collect();
    assert_eq!(cities[0], Some("Saint-Étienne"));
    let days: Vec<Option<i32>> = frame.column("date_posted").unwrap().date().unwrap().physical().iter().collect();
    // 2026-03-14 is day 20526 after 1970-01-01.
    assert_eq!(days, [Some(20526), Some(20545), None]);

    // From the store's root with a glob, both partition levels become columns.
    let pattern = format!("{}/kind=job/*/*.parquet", scratch.path().display());
    let args = ScanArgsParquet {
        hive_options: HiveOptions { enabled: Some(true), ..HiveOptions::default() },
        ..ScanArgsParquet::default()
    };
    let frame = LazyFrame::scan_parquet(PlRefPath::new(pattern), args).unwrap().collect().unwrap();
    assert_eq!(frame.height(), 3);
    let kinds: Vec<Option<&str>> = frame.column("kind").unwrap().str().unwrap().iter().collect();
    assert_eq!(kinds, [Some("job"); 3]);
}
