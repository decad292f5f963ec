//! Pagination and the three orders of hits.

mod common;

use common::{corpus, corpus_index, ids, index_of, programme, words};
use search::programmes::{ProgrammeDoc, ProgrammeQuery, Sort};

/// Every page of `query`, `size` hits at a time, concatenated.
fn all_pages(index: &search::programmes::ProgrammeIndex, query: &ProgrammeQuery, size: usize) -> Vec<String> {
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let results = index.search(&ProgrammeQuery { offset, limit: size, ..query.clone() }).expect("recherche");
        assert!(results.hits.len() <= size);
        if results.hits.is_empty() {
            assert!(offset as u64 >= results.total, "page vide avant la fin");
            break;
        }
        seen.extend(results.hits.into_iter().map(|hit| hit.id));
        offset += size;
    }
    seen
}

#[test]
fn sorting_by_title_ignores_accents_and_case() {
    let index = corpus_index();
    let query = ProgrammeQuery { sort: Sort::Title, limit: 100, ..ProgrammeQuery::default() };
    let mut expected: Vec<(String, String)> =
        corpus().into_iter().map(|doc| (skills::fold(&doc.title), doc.id)).collect();
    expected.sort();
    let expected: Vec<String> = expected.into_iter().map(|(_, id)| id).collect();
    let results = index.search(&query).expect("recherche");
    assert_eq!(ids(&results), expected);
    // « Diplôme d'ingénieur » sorts between « Certificat » and « Doctorat », as if unaccented.
    let position = |id: &str| expected.iter().position(|known| known == id).expect("id");
    assert!(position("cnam/certificat-analyste") < position("ecole-toulouse/ingenieur-ia"));
    assert!(position("ecole-toulouse/ingenieur-ia") < position("univ-grenoble/doctorat"));
}

#[test]
fn sorting_by_update_puts_recent_first_and_unknown_last() {
    let index = corpus_index();
    let results = index
        .search(&ProgrammeQuery { sort: Sort::Updated, limit: 100, ..ProgrammeQuery::default() })
        .expect("recherche");
    let dates: Vec<&str> = results.hits.iter().map(|hit| hit.updated.as_str()).collect();
    assert_eq!(dates.first(), Some(&"2026-09-01"));
    assert_eq!(dates.last(), Some(&""));
    let known: Vec<&str> = dates.iter().copied().filter(|date| !date.is_empty()).collect();
    let mut descending = known.clone();
    descending.sort_by(|left, right| right.cmp(left));
    assert_eq!(known, descending);
    assert_eq!(results.hits.last().map(|hit| hit.id.as_str()), Some("univ-grenoble/doctorat"));
}

#[test]
fn relevance_orders_by_score_and_without_words_by_title() {
    let index = corpus_index();
    let results = index.search(&words("données statistique apprentissage")).expect("recherche");
    assert!(results.total >= 1);
    let scores: Vec<f32> = results.hits.iter().map(|hit| hit.score).collect();
    assert!(scores.windows(2).all(|pair| pair[0] >= pair[1]), "{scores:?}");
    assert!(scores.iter().all(|score| *score > 0.0));
    let no_words = index.search(&ProgrammeQuery { limit: 100, ..ProgrammeQuery::default() }).expect("recherche");
    let by_title = index
        .search(&ProgrammeQuery { sort: Sort::Title, limit: 100, ..ProgrammeQuery::default() })
        .expect("recherche");
    assert_eq!(ids(&no_words), ids(&by_title));
}

#[test]
fn pages_cover_every_hit_once_in_every_order() {
    let index = corpus_index();
    for sort in [Sort::Relevance, Sort::Title, Sort::Updated] {
        for query in [ProgrammeQuery { sort, ..ProgrammeQuery::default() }, ProgrammeQuery { sort, ..words("données") }]
        {
            let whole = index.search(&ProgrammeQuery { limit: 100, ..query.clone() }).expect("recherche");
            for size in [1, 5, 7] {
                let paged = all_pages(&index, &query, size);
                assert_eq!(paged, ids(&whole), "{sort:?}, {size} par page");
            }
        }
    }
}

#[test]
fn ties_are_broken_by_id() {
    // Same title, same words: the order must still be the same on every page and request.
    let docs: Vec<ProgrammeDoc> =
        ["p/c", "p/a", "p/e", "p/b", "p/d"].iter().map(|id| programme(id, "Master données")).collect();
    let index = index_of(&docs);
    for sort in [Sort::Relevance, Sort::Title, Sort::Updated] {
        let results = index.search(&ProgrammeQuery { sort, limit: 100, ..words("données") }).expect("recherche");
        assert_eq!(ids(&results), ["p/a", "p/b", "p/c", "p/d", "p/e"], "{sort:?}");
    }
}

#[test]
fn a_page_past_the_end_is_empty_with_the_total() {
    let index = corpus_index();
    let results =
        index.search(&ProgrammeQuery { offset: 50, limit: 10, ..ProgrammeQuery::default() }).expect("recherche");
    assert!(results.hits.is_empty());
    assert_eq!(results.total, 12);
    let last = index.search(&ProgrammeQuery { offset: 10, limit: 10, ..ProgrammeQuery::default() }).expect("recherche");
    assert_eq!(last.hits.len(), 2);
}

#[test]
fn default_page_size_is_twenty() {
    let docs: Vec<ProgrammeDoc> = (0..30).map(|idx| programme(&format!("p/{idx:02}"), "Formation")).collect();
    let index = index_of(&docs);
    let results = index.search(&ProgrammeQuery::default()).expect("recherche");
    assert_eq!(results.hits.len(), search::programmes::DEFAULT_LIMIT);
    assert_eq!(results.total, 30);
}
