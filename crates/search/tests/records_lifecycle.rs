//! The observatory index's life: upsert by id, removal, clearing, records refused, hostile
//! records, progress reports, the folder on disk (reopen, schema version, damaged files) and an
//! ingest of 20,000 generated records.

mod common;
mod records_common;

use std::fs;

use common::TempDir;
use records::{Amount, Funding, JobPosting, Kind, Record};
use records_common::{corpus, corpus_index, funding, generated, ids_for_text, job, project, search};
use search::observatory::{RecordIndex, RecordQuery, SCHEMA_VERSION};
use search::{Error, IfUnreadable, OpenState};

fn open(dir: &TempDir, if_unreadable: IfUnreadable) -> Result<(RecordIndex, OpenState), Error> {
    RecordIndex::open_or_create(dir.path(), if_unreadable)
}

#[test]
fn adding_a_record_again_replaces_it() {
    let index = corpus_index();
    assert_eq!(index.len(), 12);
    index.add(&[Record::Job(job("j1", "Ingénieur cartographie", Some("2024-06-01")))]).expect("remplacement");
    assert_eq!(index.len(), 12);
    assert_eq!(ids_for_text(&index, "cartographie"), ["j1"]);
    assert_eq!(ids_for_text(&index, "scientist"), Vec::<String>::new());
    // The replaced version's facet values are gone with it.
    let facets = search(&index, &RecordQuery::default()).facets;
    assert!(facets.competences.iter().all(|facet| facet.value != "DS.INF.01" || facet.count == 1), "{facets:?}");
    assert_eq!(facets.months.first().map(|facet| facet.value.as_str()), Some("2024-06"));
    // Twice in one batch: the last one wins, whatever its kind.
    index
        .add(&[
            Record::Job(job("x", "Premier essai", None)),
            Record::Funding(funding("x", "Second essai", Some("2026-01-01"))),
        ])
        .expect("lot");
    assert_eq!(index.len(), 13);
    let results = search(&index, &RecordQuery { text: Some("essai".into()), ..RecordQuery::default() });
    assert_eq!(results.total, 1);
    assert_eq!(results.hits[0].kind, Kind::Funding);
    assert_eq!(results.hits[0].title, "Second essai");
    // The same corpus indexed again changes nothing.
    index.add(&corpus()).expect("réindexation");
    assert_eq!(index.len(), 13);
    assert_eq!(index.count_by_kind().expect("comptes").get(&Kind::Job), Some(&6));
}

#[test]
fn remove_and_clear() {
    let index = corpus_index();
    index.remove(&["j1", "inconnu", "p"]).expect("suppression");
    assert_eq!(index.len(), 11);
    assert_eq!(ids_for_text(&index, "scientist"), Vec::<String>::new());
    // An id that is a prefix of another removes only itself.
    index.add(&[Record::Job(job("p", "Préfixe", None))]).expect("ajout");
    index.remove(&[String::from("p")]).expect("suppression");
    assert_eq!(ids_for_text(&index, "maintenance"), ["p2"]);
    index.clear().expect("vidage");
    assert!(index.is_empty());
    assert_eq!(search(&index, &RecordQuery::default()).facets.kinds, Vec::new());
    index.add(&corpus()).expect("réindexation");
    assert_eq!(index.len(), 12);
}

#[test]
fn records_with_unusable_ids_are_returned_and_the_others_indexed() {
    let index = RecordIndex::in_memory().expect("index");
    let rejected = index
        .add(&[
            Record::Job(job("", "Sans identifiant", None)),
            Record::Job(job("a b", "Avec espace", None)),
            Record::Job(job("c\u{7}", "Avec contrôle", None)),
            Record::Job(job(&"x".repeat(600), "Trop long", None)),
            Record::Job(job("bon", "Valide", None)),
        ])
        .expect("lot");
    let refused: Vec<&str> = rejected.iter().map(|rejected| rejected.id.as_str()).collect();
    assert_eq!(refused, ["", "a b", "c\u{7}", "x".repeat(600).as_str()]);
    assert_eq!(rejected[0].problems, ["l'identifiant est vide"]);
    assert!(rejected[1].problems[0].contains("contient des espaces"), "{:?}", rejected[1].problems);
    assert!(rejected[3].problems[0].contains("600 octets"), "{:?}", rejected[3].problems);
    assert_eq!(index.len(), 1);
}

#[test]
fn hostile_records_are_bounded_and_never_fail() {
    let index = RecordIndex::in_memory().expect("index");
    let huge = format!("{} aiguille", "foin ".repeat(400_000));
    let records = [
        Record::Job(JobPosting {
            description: huge.clone(),
            competences: (0..10_000).map(|idx| format!("C{idx}")).collect(),
            sector: Some("secteur\u{0}caché".into()),
            employer: Some("E".repeat(100_000)),
            ..job("hostile-1", &"titre ".repeat(50_000), Some("2026-99-99"))
        }),
        Record::Funding(Funding {
            amount: Some(Amount { value: f64::NAN, currency: "€".repeat(1_000) }),
            funder: Some("  ".into()),
            region_code: Some("\u{202e}84".into()),
            ..funding("hostile-2", "Montant absurde", Some("２０２６-01-01"))
        }),
        Record::Project(records::Project {
            organisations: vec!["Organisation".to_owned(); 100_000],
            ..project("hostile-3", "Trop de partenaires", Some("0000-01-01"))
        }),
    ];
    index.add(&records).expect("indexation");
    assert_eq!(index.len(), 3);
    // The description is indexed up to a bound: a word beyond it is not found.
    assert_eq!(ids_for_text(&index, "foin"), ["hostile-1"]);
    assert_eq!(ids_for_text(&index, "aiguille"), Vec::<String>::new());
    let results = search(&index, &RecordQuery { limit: 100, ..RecordQuery::default() });
    let facets = &results.facets;
    assert!(facets.competences.len() <= 64, "{}", facets.competences.len());
    // A keyword with a control character is dropped; a date that is not ISO leaves the record undated.
    assert!(facets.sectors.is_empty(), "{:?}", facets.sectors);
    assert!(facets.funders.is_empty(), "{:?}", facets.funders);
    assert_eq!(facets.months.iter().map(|facet| facet.value.as_str()).collect::<Vec<_>>(), ["0000-01"]);
    let hostile_1 = results.hits.iter().find(|hit| hit.id == "hostile-1").expect("hit");
    assert!(hostile_1.snippet.text.chars().count() <= 210, "{}", hostile_1.snippet.text.len());
    assert_eq!(hostile_1.date, None);
    assert!(hostile_1.organisation.as_ref().is_some_and(|name| name.len() <= 200));
    let hostile_2 = results.hits.iter().find(|hit| hit.id == "hostile-2").expect("hit");
    assert!(hostile_2.amount.as_ref().is_some_and(|amount| amount.value.is_nan() && amount.currency.len() <= 200));
}

#[test]
fn progress_is_reported_while_adding() {
    let index = RecordIndex::in_memory().expect("index");
    let records = generated(2_500, 7);
    let mut reports = Vec::new();
    index.add_with_progress(&records, |done| reports.push(done)).expect("indexation");
    assert_eq!(reports, [1_000, 2_000, 2_500]);
    assert_eq!(index.len(), 2_500);
}

#[test]
fn the_index_on_disk_survives_a_reopening() {
    let dir = TempDir::new("observatoire-reouverture");
    let (index, state) = open(&dir, IfUnreadable::Fail).expect("création");
    assert_eq!(state, OpenState::Created);
    index.add(&corpus()).expect("indexation");
    drop(index);
    let (index, state) = open(&dir, IfUnreadable::Fail).expect("réouverture");
    assert_eq!(state, OpenState::Opened);
    assert!(!state.needs_reindex());
    assert_eq!(index.len(), 12);
    assert_eq!(ids_for_text(&index, "donnees"), ["j1", "j3", "j4", "j5", "p1"]);
    let version = fs::read_to_string(dir.path().join("schema-version")).expect("version");
    assert_eq!(version.trim(), format!("observatoire {SCHEMA_VERSION}"));
}

#[test]
fn another_schema_version_or_damaged_files_give_an_empty_index_to_refill() {
    let dir = TempDir::new("observatoire-version");
    let (index, _) = open(&dir, IfUnreadable::Fail).expect("création");
    index.add(&corpus()).expect("indexation");
    drop(index);
    fs::write(dir.path().join("schema-version"), "observatoire 0\n").expect("écriture");
    let (index, state) = open(&dir, IfUnreadable::Fail).expect("réouverture");
    assert!(matches!(&state, OpenState::SchemaChanged { found: Some(found), .. } if found == "observatoire 0"));
    assert!(state.needs_reindex());
    assert!(index.is_empty());
    index.add(&corpus()).expect("réindexation");
    drop(index);

    fs::write(dir.path().join("tantivy").join("meta.json"), "{ pas du json").expect("abîmer");
    match open(&dir, IfUnreadable::Fail) {
        Err(error @ Error::Unreadable { .. }) => assert!(error.to_string().contains("illisible"), "{error}"),
        other => panic!("{other:?}"),
    }
    let (index, state) = open(&dir, IfUnreadable::Recreate).expect("recréation");
    assert!(matches!(state, OpenState::Recreated { .. }), "{state:?}");
    assert!(index.is_empty());
    // A second handle on the same folder is refused while the first one writes.
    match open(&dir, IfUnreadable::Recreate) {
        Err(error @ Error::Locked { .. }) => assert!(error.to_string().contains("déjà ouvert"), "{error}"),
        other => panic!("{other:?}"),
    }
}

/// 20,000 generated records: every record is counted once in each complete facet, the filters
/// agree with the counts, and indexing the same records again keeps one document per id.
#[test]
fn twenty_thousand_records() {
    const N: usize = 20_000;
    let index = RecordIndex::in_memory().expect("index");
    let records = generated(N, 2026);
    for chunk in records.chunks(5_000) {
        assert!(index.add(chunk).expect("indexation").is_empty());
    }
    assert_eq!(index.len(), N as u64);
    let all = search(&index, &RecordQuery::default());
    assert_eq!(all.total, N as u64);
    let sum = |facets: &[search::FacetCount]| facets.iter().map(|facet| facet.count).sum::<u64>();
    assert_eq!(sum(&all.facets.kinds), N as u64);
    assert_eq!(sum(&all.facets.months), N as u64);
    assert_eq!(all.facets.months.len(), 24);
    let datasets = all.facets.kinds.iter().find(|facet| facet.value == "dataset").map_or(0, |facet| facet.count);
    // Every record but the datasets has a region.
    assert_eq!(sum(&all.facets.regions), N as u64 - datasets);
    let expected = |facets: &[search::FacetCount], value: &str| {
        facets.iter().find(|facet| facet.value == value).map_or(0, |facet| facet.count)
    };
    let in_84 = search(&index, &RecordQuery { regions: vec!["84".into()], ..RecordQuery::default() });
    assert_eq!(in_84.total, expected(&all.facets.regions, "84"));
    let words = search(&index, &RecordQuery { text: Some("données santé".into()), ..RecordQuery::default() });
    assert!(words.total > 0 && words.total < N as u64, "{}", words.total);
    assert_eq!(words.hits.len(), 20);
    index.add(&records[..1_000]).expect("réindexation");
    assert_eq!(index.len(), N as u64);
}

#[test]
fn searches_run_from_several_threads_while_records_are_added() {
    let index = corpus_index();
    let batches: Vec<Vec<Record>> = (0..4).map(|seed| generated(300, seed + 1)).collect();
    std::thread::scope(|scope| {
        for _ in 0..3 {
            let index = index.clone();
            scope.spawn(move || {
                for _ in 0..20 {
                    let results =
                        index.search(&RecordQuery { text: Some("données".into()), ..RecordQuery::default() });
                    // Every search sees one commit whole: at least the corpus, never a failure.
                    assert!(results.expect("recherche").total >= 5);
                }
            });
        }
        for batch in &batches {
            index.add(batch).expect("indexation");
        }
    });
    // The generator's ids repeat from one seed to the next: the index holds each id once.
    let mut distinct: Vec<&str> = batches.iter().flatten().map(Record::id).collect();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(index.len(), 12 + distinct.len() as u64);
}
