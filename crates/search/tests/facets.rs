//! Filters and facet counts: each filter alone, the competence with a minimum level, and the
//! disjunctive counts compared with a naive computation over the fixed corpus.

mod common;

use std::collections::BTreeMap;

use common::{corpus, corpus_index, found, sorted, words};
use search::programmes::{CompetenceFilter, ProgrammeDoc, ProgrammeFacets, ProgrammeQuery};
use search::{BoolCounts, Error, FacetCount};

fn all() -> ProgrammeQuery {
    ProgrammeQuery { limit: 100, ..ProgrammeQuery::default() }
}

fn competence(id: &str, min_level: u8) -> Option<CompetenceFilter> {
    Some(CompetenceFilter { id: id.to_owned(), min_level })
}

#[test]
fn each_filter_keeps_only_matching_programmes() {
    let index = corpus_index();
    let cases: Vec<(ProgrammeQuery, Vec<&str>)> = vec![
        (
            ProgrammeQuery { levels: vec![7], ..all() },
            vec![
                "univ-lyon/master-sd",
                "univ-paris/master-stat",
                "ecole-toulouse/ingenieur-ia",
                "ecole-paris/ms-big-data",
                "univ-strasbourg/master-ia",
            ],
        ),
        (ProgrammeQuery { levels: vec![5, 8], ..all() }, vec!["bts-nantes/bts-sio", "univ-grenoble/doctorat"]),
        (
            ProgrammeQuery { diplomas: vec!["master".into()], ..all() },
            vec!["univ-lyon/master-sd", "univ-paris/master-stat", "univ-strasbourg/master-ia"],
        ),
        (
            ProgrammeQuery { regions: vec!["84".into()], ..all() },
            vec!["univ-lyon/master-sd", "univ-lyon/licence-pro-bi", "univ-grenoble/doctorat"],
        ),
        (
            ProgrammeQuery { modalities: vec!["distanciel".into()], ..all() },
            vec![
                "cnam/certificat-analyste",
                "mooc-fun/mooc-python",
                "court-rennes/series-temporelles",
                "univ-strasbourg/master-ia",
            ],
        ),
        (
            ProgrammeQuery { label_statuses: vec!["granted".into()], ..all() },
            vec!["univ-lyon/master-sd", "ecole-toulouse/ingenieur-ia", "ecole-paris/ms-big-data"],
        ),
        (
            ProgrammeQuery { label_statuses: vec!["submitted".into(), "in_review".into()], ..all() },
            vec!["univ-paris/master-stat", "univ-lyon/licence-pro-bi", "univ-strasbourg/master-ia"],
        ),
        (
            ProgrammeQuery { eligible: Some(false), ..all() },
            vec![
                "iut-lille/but-sd",
                "cnam/certificat-analyste",
                "mooc-fun/mooc-python",
                "bts-nantes/bts-sio",
                "univ-grenoble/doctorat",
                "court-rennes/series-temporelles",
            ],
        ),
        (
            ProgrammeQuery { example: Some(true), ..all() },
            vec![
                "univ-lyon/master-sd",
                "iut-lille/but-sd",
                "mooc-fun/mooc-python",
                "univ-lyon/licence-pro-bi",
                "court-rennes/series-temporelles",
            ],
        ),
        (ProgrammeQuery { regions: vec!["99".into()], ..all() }, vec![]),
        (
            ProgrammeQuery { diplomas: vec!["master".into()], modalities: vec!["presentiel".into()], ..all() },
            vec!["univ-lyon/master-sd", "univ-paris/master-stat", "univ-strasbourg/master-ia"],
        ),
        (
            ProgrammeQuery { regions: vec!["11".into()], eligible: Some(true), ..all() },
            vec!["univ-paris/master-stat", "ecole-paris/ms-big-data"],
        ),
    ];
    for (query, expected) in cases {
        assert_eq!(found(&index, &query), sorted(&expected), "{query:?}");
    }
}

#[test]
fn competence_with_minimum_level() {
    let index = corpus_index();
    // « Who teaches DS.MST.07 at N3 or above? »
    let at_n3 = ProgrammeQuery { competence: competence("DS.MST.07", 3), ..all() };
    assert_eq!(
        found(&index, &at_n3),
        sorted(&[
            "univ-lyon/master-sd",
            "univ-paris/master-stat",
            "univ-grenoble/doctorat",
            "ecole-paris/ms-big-data",
            "univ-strasbourg/master-ia",
        ])
    );
    let at_n4 = ProgrammeQuery { competence: competence("DS.MST.07", 4), ..all() };
    assert_eq!(found(&index, &at_n4), sorted(&["univ-paris/master-stat", "univ-grenoble/doctorat"]));
    let at_n1 = ProgrammeQuery { competence: competence("DS.MST.07", 1), ..all() };
    assert_eq!(found(&index, &at_n1).len(), 8);
    let unknown = ProgrammeQuery { competence: competence("DS.XXX.99", 1), ..all() };
    assert!(found(&index, &unknown).is_empty());
    // Each hit says at which level it declares the competence.
    let results = index.search(&at_n3).expect("recherche");
    for hit in &results.hits {
        assert!(hit.competence_level.is_some_and(|level| level >= 3), "{hit:?}");
    }
    let paris = results.hits.iter().find(|hit| hit.id == "univ-paris/master-stat").expect("master-stat");
    assert_eq!(paris.competence_level, Some(4));
    // Combined with words and another filter.
    let query = ProgrammeQuery { levels: vec![7], ..words("master") };
    let query = ProgrammeQuery { competence: competence("DS.MST.07", 4), ..query };
    assert_eq!(found(&index, &query), sorted(&["univ-paris/master-stat"]));
}

#[test]
fn out_of_range_parameters_are_refused_in_french() {
    let index = corpus_index();
    for (query, expected) in [
        (ProgrammeQuery { competence: competence("DS.MST.07", 0), ..all() }, "attendu 1 à 4"),
        (ProgrammeQuery { competence: competence("DS.MST.07", 5), ..all() }, "attendu 1 à 4"),
        (ProgrammeQuery { limit: 101, ..all() }, "au plus 100"),
        (ProgrammeQuery { offset: 10_001, ..all() }, "au plus 10000"),
    ] {
        match index.search(&query) {
            Err(error @ Error::InvalidQuery(_)) => {
                assert!(error.to_string().contains(expected), "{error}");
                assert!(error.to_string().starts_with("recherche refusée"), "{error}");
            }
            other => panic!("{query:?} : attendu InvalidQuery, obtenu {other:?}"),
        }
    }
}

/// The facets as a naive implementation computes them: for each dimension, the programmes that
/// match every other filter, and their values in that dimension.
fn naive_facets(docs: &[ProgrammeDoc], query: &ProgrammeQuery) -> ProgrammeFacets {
    type Test = Box<dyn Fn(&ProgrammeDoc) -> bool>;
    let any =
        |selected: Vec<String>, values: Vec<String>| selected.is_empty() || values.iter().any(|v| selected.contains(v));
    let q = query.clone();
    let by_level: Test = {
        let q = q.clone();
        Box::new(move |doc| {
            any(q.levels.iter().map(u8::to_string).collect(), doc.level.iter().map(u8::to_string).collect())
        })
    };
    let by_diploma: Test = {
        let q = q.clone();
        Box::new(move |doc| any(q.diplomas.clone(), vec![doc.diploma.clone()]))
    };
    let by_region: Test = {
        let q = q.clone();
        Box::new(move |doc| any(q.regions.clone(), vec![doc.region.clone()]))
    };
    let by_modality: Test = {
        let q = q.clone();
        Box::new(move |doc| any(q.modalities.clone(), doc.modalities.clone()))
    };
    let by_status: Test = {
        let q = q.clone();
        Box::new(move |doc| any(q.label_statuses.clone(), vec![doc.label_status.clone()]))
    };
    let by_competence: Test = {
        let q = q.clone();
        Box::new(move |doc| match &q.competence {
            None => true,
            Some(c) => doc.competences.iter().any(|(id, level)| *id == c.id && *level >= c.min_level),
        })
    };
    let by_eligible: Test = {
        let q = q.clone();
        Box::new(move |doc| q.eligible.is_none_or(|yes| doc.eligible == yes))
    };
    let by_example: Test = Box::new(move |doc| q.example.is_none_or(|yes| doc.example == yes));
    let tests = [by_level, by_diploma, by_region, by_modality, by_status, by_competence, by_eligible, by_example];
    let matching_all_but = |skip: usize| -> Vec<&ProgrammeDoc> {
        docs.iter().filter(|doc| tests.iter().enumerate().all(|(idx, test)| idx == skip || test(doc))).collect()
    };
    let count = |skip: usize, values: &dyn Fn(&ProgrammeDoc) -> Vec<String>, selected: Vec<String>| {
        let mut counts: BTreeMap<String, u64> = selected.into_iter().map(|value| (value, 0)).collect();
        for doc in matching_all_but(skip) {
            for value in values(doc) {
                *counts.entry(value).or_default() += 1;
            }
        }
        counts.into_iter().map(|(value, count)| FacetCount { value, count }).collect::<Vec<_>>()
    };
    let bools = |skip: usize, value: &dyn Fn(&ProgrammeDoc) -> bool| {
        let docs = matching_all_but(skip);
        let yes = docs.iter().filter(|doc| value(doc)).count() as u64;
        BoolCounts { yes, no: docs.len() as u64 - yes }
    };
    let non_empty = |value: &str| if value.is_empty() { Vec::new() } else { vec![value.to_owned()] };
    let min_level = query.competence.as_ref().map_or(1, |c| c.min_level);
    ProgrammeFacets {
        levels: count(
            0,
            &|doc| doc.level.iter().map(u8::to_string).collect(),
            query.levels.iter().map(u8::to_string).collect(),
        ),
        diplomas: count(1, &|doc| non_empty(&doc.diploma), query.diplomas.clone()),
        regions: count(2, &|doc| non_empty(&doc.region), query.regions.clone()),
        modalities: count(3, &|doc| doc.modalities.clone(), query.modalities.clone()),
        label_statuses: count(4, &|doc| non_empty(&doc.label_status), query.label_statuses.clone()),
        competences: count(
            5,
            &|doc| doc.competences.iter().filter(|(_, level)| *level >= min_level).map(|(id, _)| id.clone()).collect(),
            query.competence.iter().map(|c| c.id.clone()).collect(),
        ),
        eligible: bools(6, &|doc| doc.eligible),
        example: bools(7, &|doc| doc.example),
    }
}

#[test]
fn disjunctive_facets_match_a_naive_computation() {
    let index = corpus_index();
    let docs = corpus();
    let queries = vec![
        all(),
        ProgrammeQuery { diplomas: vec!["master".into()], ..all() },
        ProgrammeQuery { diplomas: vec!["master".into()], regions: vec!["84".into()], ..all() },
        ProgrammeQuery { levels: vec![6, 7], modalities: vec!["presentiel".into()], ..all() },
        ProgrammeQuery { modalities: vec!["distanciel".into(), "hybride".into()], eligible: Some(false), ..all() },
        ProgrammeQuery { label_statuses: vec!["granted".into()], example: Some(false), ..all() },
        ProgrammeQuery { competence: competence("DS.MST.07", 3), ..all() },
        ProgrammeQuery { competence: competence("DS.MST.07", 2), regions: vec!["11".into(), "84".into()], ..all() },
        ProgrammeQuery { competence: competence("DS.INF.01", 3), levels: vec![7], eligible: Some(true), ..all() },
        ProgrammeQuery { regions: vec!["99".into()], diplomas: vec!["master".into()], ..all() },
        ProgrammeQuery {
            levels: vec![7],
            diplomas: vec!["master".into(), "ingenieur".into()],
            regions: vec!["84".into(), "76".into(), "11".into()],
            modalities: vec!["presentiel".into()],
            label_statuses: vec!["granted".into(), "submitted".into()],
            competence: competence("DS.MST.07", 1),
            eligible: Some(true),
            example: Some(false),
            ..all()
        },
    ];
    for query in queries {
        let results = index.search(&query).expect("recherche");
        assert_eq!(results.facets, naive_facets(&docs, &query), "{query:?}");
    }
}

#[test]
fn disjunctive_facets_by_hand() {
    let index = corpus_index();
    let query = ProgrammeQuery { diplomas: vec!["master".into()], regions: vec!["84".into()], ..all() };
    let results = index.search(&query).expect("recherche");
    assert_eq!(results.total, 1);
    let pairs = |facets: &[FacetCount]| facets.iter().map(|f| (f.value.clone(), f.count)).collect::<Vec<_>>();
    let expect = |pairs: &[(&str, u64)]| pairs.iter().map(|(v, c)| ((*v).to_owned(), *c)).collect::<Vec<_>>();
    // Diplomas ignore the diploma filter but keep region 84: a master, a licence pro, a doctorate.
    assert_eq!(pairs(&results.facets.diplomas), expect(&[("doctorat", 1), ("licence_pro", 1), ("master", 1)]));
    // Regions ignore the region filter but keep masters: Paris, Strasbourg, Lyon.
    assert_eq!(pairs(&results.facets.regions), expect(&[("11", 1), ("44", 1), ("84", 1)]));
    // Other dimensions keep both filters: the one master in region 84.
    assert_eq!(pairs(&results.facets.levels), expect(&[("7", 1)]));
    assert_eq!(results.facets.eligible, BoolCounts { yes: 1, no: 0 });
    assert_eq!(pairs(&results.facets.competences), expect(&[("DS.INF.01", 1), ("DS.MST.06", 1), ("DS.MST.07", 1)]));
}

#[test]
fn competence_facet_counts_at_the_chosen_minimum_level() {
    let index = corpus_index();
    let count_of = |query: &ProgrammeQuery, id: &str| {
        let facets = index.search(query).expect("recherche").facets;
        facets.competences.iter().find(|f| f.value == id).map(|f| f.count)
    };
    assert_eq!(count_of(&all(), "DS.MST.07"), Some(8));
    assert_eq!(count_of(&ProgrammeQuery { competence: competence("DS.MST.07", 3), ..all() }, "DS.MST.07"), Some(5));
    // The competence facet ignores the competence filter itself: DS.MST.06 at N4 or above is
    // declared by two programmes of the whole corpus.
    assert_eq!(count_of(&ProgrammeQuery { competence: competence("DS.MST.07", 4), ..all() }, "DS.MST.06"), Some(2));
    // A selected value is listed even with nothing left to count.
    assert_eq!(count_of(&ProgrammeQuery { competence: competence("DS.XXX.99", 2), ..all() }, "DS.XXX.99"), Some(0));
}

#[test]
fn facets_follow_the_words() {
    let index = corpus_index();
    let results =
        index.search(&ProgrammeQuery { diplomas: vec!["master".into()], ..words("données") }).expect("recherche");
    assert_eq!(results.total, 2);
    let diplomas: Vec<(&str, u64)> = results.facets.diplomas.iter().map(|f| (f.value.as_str(), f.count)).collect();
    // « données » is in six programmes: two masters, a BUT, a certificate, a licence pro, a mastère.
    assert_eq!(diplomas, [("but", 1), ("certificat", 1), ("licence_pro", 1), ("master", 2), ("ms_cge", 1)]);
}

#[test]
fn a_page_of_zero_still_counts() {
    let index = corpus_index();
    let results = index.search(&ProgrammeQuery { limit: 0, levels: vec![7], ..all() }).expect("recherche");
    assert!(results.hits.is_empty());
    assert_eq!(results.total, 5);
    // The level facet ignores its own filter: the ten programmes that have a level.
    assert_eq!(results.facets.levels.iter().map(|f| f.count).sum::<u64>(), 10);
}
