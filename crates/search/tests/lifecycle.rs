//! The index's life: upsert, delete, rebuild, commit visibility, documents refused, the folder
//! on disk (reopen, schema version, damaged files, lock) and use from several threads.

mod common;

use std::fs;

use common::{TempDir, corpus, found, index_of, programme, sorted, words};
use search::programmes::{ProgrammeDoc, ProgrammeIndex, ProgrammeQuery, SCHEMA_VERSION};
use search::{Error, IfUnreadable, OpenState};

fn open(dir: &TempDir) -> (ProgrammeIndex, OpenState) {
    ProgrammeIndex::open_or_create(dir.path(), IfUnreadable::Fail).expect("ouverture")
}

#[test]
fn changes_are_visible_after_commit_only() {
    let index = ProgrammeIndex::in_memory().expect("index");
    index.upsert(&programme("p/a", "Master données")).expect("ajout");
    assert_eq!(index.len(), 0);
    assert!(found(&index, &words("données")).is_empty());
    index.commit().expect("commit");
    assert_eq!(index.len(), 1);
    assert_eq!(found(&index, &words("données")), ["p/a"]);
}

#[test]
fn upsert_replaces_the_document_with_the_same_id() {
    let index = ProgrammeIndex::in_memory().expect("index");
    index.upsert(&programme("p/a", "Master statistique")).expect("ajout");
    index.commit().expect("commit");
    index.upsert(&ProgrammeDoc { level: Some(6), ..programme("p/a", "Licence informatique") }).expect("remplacement");
    index.commit().expect("commit");
    assert_eq!(index.len(), 1);
    assert!(found(&index, &words("statistique")).is_empty());
    assert_eq!(found(&index, &words("informatique")), ["p/a"]);
    let facets = index.search(&ProgrammeQuery::default()).expect("recherche").facets;
    assert_eq!(facets.levels.len(), 1);
    assert_eq!(facets.levels[0].value, "6");
    // Twice in one batch: the last one wins as well.
    index.upsert(&programme("p/a", "Premier")).expect("ajout");
    index.upsert(&programme("p/a", "Second")).expect("ajout");
    index.commit().expect("commit");
    assert_eq!(index.len(), 1);
    assert_eq!(found(&index, &words("second")), ["p/a"]);
}

#[test]
fn delete_removes_one_document() {
    let index = index_of(&corpus());
    index.delete("univ-lyon/master-sd");
    index.delete("inconnu/rien");
    index.commit().expect("commit");
    assert_eq!(index.len(), 11);
    assert_eq!(found(&index, &words("master lyon")), Vec::<String>::new());
    // An id that is a prefix of another deletes only itself.
    let index = index_of(&[programme("p/a", "Un"), programme("p/ab", "Deux")]);
    index.delete("p/a");
    index.commit().expect("commit");
    assert_eq!(found(&index, &ProgrammeQuery::default()), ["p/ab"]);
}

#[test]
fn rebuild_replaces_everything_and_reports_refused_documents() {
    let index = index_of(&corpus());
    index.upsert(&programme("p/pending", "Jamais validé")).expect("ajout");
    let docs = vec![
        programme("p/ok", "Master données"),
        ProgrammeDoc { level: Some(9), ..programme("p/niveau", "Niveau impossible") },
        ProgrammeDoc {
            competences: vec![("DS.MST.07".into(), 5), ("DS MST".into(), 2)],
            updated: "01/02/2026".into(),
            ..programme("p/plusieurs", "Plusieurs problèmes")
        },
        programme("", "Sans identifiant"),
        programme("p/ok", "Doublon"),
        programme("p/autre", "Licence statistique"),
    ];
    let rejected = index.rebuild(&docs).expect("reconstruction");
    assert_eq!(index.len(), 2);
    assert_eq!(found(&index, &ProgrammeQuery::default()), sorted(&["p/autre", "p/ok"]));
    assert_eq!(found(&index, &words("master données")), ["p/ok"], "le premier de deux doublons est gardé");
    let refused: Vec<(&str, usize)> = rejected.iter().map(|r| (r.id.as_str(), r.problems.len())).collect();
    assert_eq!(refused, [("p/niveau", 1), ("p/plusieurs", 3), ("", 1), ("p/ok", 1)]);
    let all_problems = rejected.iter().flat_map(|r| r.problems.iter().cloned()).collect::<Vec<_>>().join("\n");
    for expected in [
        "le niveau 9 n'existe pas : attendu 5 à 8",
        "la compétence DS.MST.07 a le niveau 5 : attendu 1 à 4 (N1 à N4)",
        "l'identifiant de compétence « DS MST » est invalide",
        "la date de mise à jour « 01/02/2026 » n'est pas au format AAAA-MM-JJ",
        "l'identifiant est vide",
        "l'identifiant « p/ok » est déjà pris",
    ] {
        assert!(all_problems.contains(expected), "« {expected} » absent de :\n{all_problems}");
    }
    // An empty rebuild empties the index.
    assert!(index.rebuild(&[]).expect("reconstruction").is_empty());
    assert!(index.is_empty());
}

#[test]
fn upsert_refuses_an_invalid_document_with_every_problem() {
    let index = ProgrammeIndex::in_memory().expect("index");
    let doc = ProgrammeDoc { level: Some(4), competences: vec![("DS.MST.07".into(), 0)], ..programme("a b", " ") };
    match index.upsert(&doc) {
        Err(error @ Error::InvalidDocument { .. }) => {
            let message = error.to_string();
            assert!(message.starts_with("document « a b » refusé par l'index de recherche : "), "{message}");
            for expected in ["contient des espaces", "le titre est vide", "le niveau 4", "niveau 0"] {
                assert!(message.contains(expected), "« {expected} » absent de : {message}");
            }
        }
        other => panic!("attendu InvalidDocument, obtenu {other:?}"),
    }
    index.commit().expect("commit");
    assert!(index.is_empty());
}

#[test]
fn a_new_folder_is_created_and_reopened_with_its_documents() {
    let dir = TempDir::new("reouverture");
    let folder = dir.path().join("donnees").join("index").join("formations");
    {
        let (index, state) = ProgrammeIndex::open_or_create(&folder, IfUnreadable::Fail).expect("création");
        assert_eq!(state, OpenState::Created);
        assert!(state.needs_reindex());
        assert!(index.rebuild(&corpus()).expect("reconstruction").is_empty());
        index.upsert(&programme("p/en-plus", "Formation ajoutée après")).expect("ajout");
        index.commit().expect("commit");
        index.upsert(&programme("p/jamais", "Jamais validée")).expect("ajout");
        // Dropped without commit: that last change is lost, the committed ones are kept.
    }
    let (index, state) = ProgrammeIndex::open_or_create(&folder, IfUnreadable::Fail).expect("réouverture");
    assert_eq!(state, OpenState::Opened);
    assert!(!state.needs_reindex());
    assert_eq!(index.len(), 13);
    assert_eq!(found(&index, &words("master lyon")), ["univ-lyon/master-sd"]);
    assert!(found(&index, &words("jamais")).is_empty());
    let line = fs::read_to_string(folder.join("schema-version")).expect("version");
    assert_eq!(line.trim(), format!("formations {SCHEMA_VERSION}"));
}

#[test]
fn another_schema_version_triggers_a_rebuild() {
    let dir = TempDir::new("version");
    {
        let (index, _) = open(&dir);
        index.rebuild(&corpus()).expect("reconstruction");
    }
    // An index written by an earlier version of the code.
    fs::write(dir.path().join("schema-version"), "formations 0\n").expect("écriture");
    let (index, state) = open(&dir);
    assert_eq!(
        state,
        OpenState::SchemaChanged {
            found: Some("formations 0".to_owned()),
            expected: format!("formations {SCHEMA_VERSION}"),
        }
    );
    assert!(state.needs_reindex());
    assert!(index.is_empty());
    index.rebuild(&corpus()).expect("reconstruction");
    drop(index);
    let (index, state) = open(&dir);
    assert_eq!(state, OpenState::Opened);
    assert_eq!(index.len(), 12);
    drop(index);
    // No version file at all (an index of unknown origin) is treated the same way.
    fs::remove_file(dir.path().join("schema-version")).expect("suppression");
    let (index, state) = open(&dir);
    assert!(matches!(state, OpenState::SchemaChanged { found: None, .. }), "{state:?}");
    assert!(index.is_empty());
}

#[test]
fn a_damaged_index_is_a_clear_error_or_is_recreated_on_request() {
    let dir = TempDir::new("abime");
    {
        let (index, _) = open(&dir);
        index.rebuild(&corpus()).expect("reconstruction");
    }
    let meta = dir.path().join("tantivy").join("meta.json");
    fs::write(&meta, "{ ceci n'est pas du JSON").expect("écriture");
    match ProgrammeIndex::open_or_create(dir.path(), IfUnreadable::Fail) {
        Err(error @ Error::Unreadable { .. }) => {
            let message = error.to_string();
            assert!(message.contains("est illisible ou abîmé"), "{message}");
            assert!(message.contains(&dir.path().display().to_string()), "{message}");
            assert!(message.contains("réindexez"), "{message}");
        }
        other => panic!("attendu Unreadable, obtenu {other:?}"),
    }
    // Refusing leaves the folder as it was, for a person to look at.
    assert_eq!(fs::read_to_string(&meta).expect("lecture"), "{ ceci n'est pas du JSON");
    let (index, state) = ProgrammeIndex::open_or_create(dir.path(), IfUnreadable::Recreate).expect("recréation");
    assert!(matches!(state, OpenState::Recreated { .. }), "{state:?}");
    assert!(index.is_empty());
    index.upsert(&programme("p/a", "Master données")).expect("ajout");
    index.commit().expect("commit");
    assert_eq!(found(&index, &words("données")), ["p/a"]);
}

#[test]
fn a_missing_segment_is_detected() {
    let dir = TempDir::new("segment");
    {
        let (index, _) = open(&dir);
        index.rebuild(&corpus()).expect("reconstruction");
    }
    let engine_dir = dir.path().join("tantivy");
    for entry in fs::read_dir(&engine_dir).expect("lecture").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".idx") || name.ends_with(".store") {
            fs::remove_file(entry.path()).expect("suppression");
        }
    }
    let error = ProgrammeIndex::open_or_create(dir.path(), IfUnreadable::Fail).expect_err("index incomplet");
    assert!(matches!(error, Error::Unreadable { .. }), "{error:?}");
    let (index, state) = ProgrammeIndex::open_or_create(dir.path(), IfUnreadable::Recreate).expect("recréation");
    assert!(matches!(state, OpenState::Recreated { .. }));
    assert!(index.is_empty());
}

#[test]
fn a_second_writer_on_the_same_folder_is_refused() {
    let dir = TempDir::new("verrou");
    let (first, _) = open(&dir);
    first.rebuild(&corpus()).expect("reconstruction");
    let error = ProgrammeIndex::open_or_create(dir.path(), IfUnreadable::Recreate).expect_err("verrou");
    assert!(matches!(error, Error::Locked { .. }), "{error:?}");
    assert!(error.to_string().contains("déjà ouvert en écriture"), "{error}");
    // Even a schema change does not wipe an index another handle is using.
    fs::write(dir.path().join("schema-version"), "formations 0\n").expect("écriture");
    let error = ProgrammeIndex::open_or_create(dir.path(), IfUnreadable::Recreate).expect_err("verrou");
    assert!(matches!(error, Error::Locked { .. }), "{error:?}");
    assert_eq!(first.len(), 12);
    drop(first);
    let (_, state) = open(&dir);
    assert!(matches!(state, OpenState::SchemaChanged { .. }));
}

#[test]
fn a_folder_that_is_a_file_is_an_io_error() {
    let dir = TempDir::new("fichier");
    let file = dir.path().join("pas-un-dossier");
    fs::write(&file, "x").expect("écriture");
    let error = ProgrammeIndex::open_or_create(&file, IfUnreadable::Recreate).expect_err("fichier");
    assert!(matches!(error, Error::Io { .. }), "{error:?}");
    assert!(error.to_string().starts_with("impossible d'accéder au dossier de l'index de recherche"), "{error}");
}

#[test]
fn the_index_is_shared_between_threads() {
    fn shareable<T: Send + Sync + Clone + 'static>() {}
    shareable::<ProgrammeIndex>();

    let index = index_of(&corpus());
    let writer = index.clone();
    std::thread::scope(|scope| {
        let readers: Vec<_> = (0..4)
            .map(|_| {
                let index = index.clone();
                scope.spawn(move || {
                    for _ in 0..20 {
                        let results = index.search(&words("données")).expect("recherche");
                        assert!(results.total >= 6);
                    }
                })
            })
            .collect();
        for idx in 0..20 {
            writer.upsert(&programme(&format!("p/{idx}"), "Nouvelle formation en données")).expect("ajout");
            writer.commit().expect("commit");
        }
        for reader in readers {
            reader.join().expect("lecteur");
        }
    });
    assert_eq!(index.len(), 32);
    assert_eq!(index.search(&words("nouvelle")).expect("recherche").total, 20);
}
