//! `socle observatory synth` through the binary: synthetic postings land in the record store and
//! the index of the data directory, a second run with the same seed replaces them, `--sans-index`
//! leaves the index alone, and a count that is not a positive number is refused in French.

mod support;

use std::path::Path;

use support::{TempDir, socle};

/// Runs `socle observatory synth ARGS… --donnees DATA` and returns its standard output; fails
/// the test on an exit code other than 0.
fn synth(data: &Path, args: &[&str]) -> String {
    let mut all = vec!["observatory", "synth"];
    all.extend_from_slice(args);
    let data = data.to_str().expect("chemin UTF-8");
    all.extend_from_slice(&["--donnees", data]);
    let output = socle(&all);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    stdout
}

fn stored_jobs(data: &Path) -> usize {
    let store = indicators::RecordStore::open(&data.join("observatoire/records")).expect("entrepôt");
    store.count_by_kind().get(&records::Kind::Job).copied().unwrap_or(0)
}

#[test]
fn synthetic_postings_are_stored_and_indexed() {
    let dir = TempDir::new("synth");
    let stdout = synth(&dir.path, &["--postings", "2000", "--graine", "5"]);
    assert!(stdout.contains("Offres synthétiques générées (graine 5) : 2000"), "{stdout}");
    assert!(stdout.contains("entrepôt Parquet :") && stdout.contains("offres/s"), "{stdout}");
    assert!(stdout.contains("Dans l'entrepôt : 2000 offre(s) d'emploi"), "{stdout}");
    assert!(stdout.contains("Dans l'index : 2000 enregistrement(s)"), "{stdout}");
    assert_eq!(stored_jobs(&dir.path), 2000);

    let store = indicators::RecordStore::open(&dir.path.join("observatoire/records")).expect("entrepôt");
    let jobs = store.read_kind(records::Kind::Job).expect("lecture de l'entrepôt");
    assert!(jobs.iter().all(|record| record.id().starts_with("synth-5-")));
    drop(store);

    let (index, _) = search::observatory::RecordIndex::open_or_create(
        &dir.path.join("observatoire/index"),
        search::IfUnreadable::Fail,
    )
    .expect("index");
    assert_eq!(index.len(), 2000);
    let query = search::observatory::RecordQuery {
        kinds: vec![records::Kind::Job],
        regions: vec!["11".into()],
        ..search::observatory::RecordQuery::default()
    };
    let results = index.search(&query).expect("recherche");
    let ile_de_france = results.total;
    assert!(ile_de_france > 400 && ile_de_france < 1000, "{ile_de_france} offres en Île-de-France");
    let months = &results.facets.months;
    assert_eq!(months.len(), 36, "{months:?}");
    drop(index);

    // The same seed again: the same ids, replaced rather than added.
    synth(&dir.path, &["--postings", "2000", "--graine", "5"]);
    assert_eq!(stored_jobs(&dir.path), 2000);
}

#[test]
fn without_index_only_the_store_is_written() {
    let dir = TempDir::new("synth-sans-index");
    let stdout = synth(&dir.path, &["--postings", "300", "--sans-index"]);
    assert!(stdout.contains("index : non écrit (--sans-index)"), "{stdout}");
    assert_eq!(stored_jobs(&dir.path), 300);
    assert!(!dir.path.join("observatoire/index").exists());
}

#[test]
fn a_count_that_is_not_a_positive_number_is_refused() {
    let dir = TempDir::new("synth-refus");
    let data = dir.path.to_str().expect("chemin UTF-8");
    for bad in ["0", "abc", "-3", "", "1e6", "2.5"] {
        let output = socle(&["observatory", "synth", "--postings", bad, "--donnees", data]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{bad:?} : {stderr}");
        assert!(stderr.contains("--postings") && stderr.contains("strictement positif"), "{bad:?} : {stderr}");
    }
    assert!(!dir.path.join("observatoire").exists(), "rien n'est écrit sur une entrée refusée");
}
