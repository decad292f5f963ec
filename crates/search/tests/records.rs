//! Searching the observatory index: words (French stemming, accent folding, boosts), hostile
//! text, snippets, what a hit carries, each facet's counts and their disjunctive rule, the month
//! histogram and the period, sorting by date and pagination.

mod records_common;

use std::ops::ControlFlow;

use records::{Contract, Kind, SalaryPeriod};
use records_common::{corpus_index, ids, ids_for_text, search};
use search::Error;
use search::FacetCount;
use search::observatory::{MAX_LIMIT, MAX_OFFSET, RecordQuery, Sort};

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| (*value).to_owned()).collect()
}

fn counts(facets: &[FacetCount]) -> Vec<(&str, u64)> {
    facets.iter().map(|facet| (facet.value.as_str(), facet.count)).collect()
}

fn text(words: &str) -> RecordQuery {
    RecordQuery { text: Some(words.to_owned()), ..RecordQuery::default() }
}

#[test]
fn accents_case_and_plurals_meet() {
    let index = corpus_index();
    let data = ["j1", "j3", "j4", "j5", "p1"];
    // « donnees » is written without accents in j3, « donnée » in the singular in j4.
    for words in ["données", "donnees", "DONNÉES", "donnée"] {
        assert_eq!(ids_for_text(&index, words), data, "{words}");
    }
    for words in ["statistiques", "statistique", "Statistique"] {
        assert_eq!(ids_for_text(&index, words), ["d1", "j1", "j2"], "{words}");
    }
    // Every word is required, in any field: « santé » alone is wider than with « données ».
    assert_eq!(ids_for_text(&index, "données santé"), ["j1", "p1"]);
}

#[test]
fn words_are_found_in_every_searched_field() {
    let index = corpus_index();
    // Organisations: employer, funder, recipient, partners, publisher.
    assert_eq!(ids_for_text(&index, "bpifrance"), ["f1", "f3", "p1"]);
    assert_eq!(ids_for_text(&index, "université"), ["p1"]);
    assert_eq!(ids_for_text(&index, "ministère"), ["d1"]);
    // The city, the contract, the funding programme and stage, the licence and formats.
    assert_eq!(ids_for_text(&index, "grenoble"), ["j4"]);
    assert_eq!(ids_for_text(&index, "cdi"), ["j1", "j2", "j5"]);
    assert_eq!(ids_for_text(&index, "amorçage"), ["f1", "f3"]);
    assert_eq!(ids_for_text(&index, "licence ouverte parquet"), ["d1"]);
    assert_eq!(ids_for_text(&index, "télétravail"), ["j1"]);
    assert_eq!(ids_for_text(&index, "introuvable"), Vec::<String>::new());
}

#[test]
fn a_word_in_the_title_ranks_first() {
    let index = corpus_index();
    let results = search(&index, &text("santé"));
    let found = ids(&results);
    // j1 and d1 have « santé » in their titles; f1 only in its sector code, which is not text.
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(found.last().map(String::as_str), Some("p1"), "{found:?}");
    assert!(results.hits.windows(2).all(|pair| pair[0].score >= pair[1].score));
    assert!(results.hits.iter().all(|hit| hit.score > 0.0));
}

#[test]
fn hostile_text_never_fails_and_empty_text_matches_everything() {
    let index = corpus_index();
    let long = "données ".repeat(1_300);
    let pasted: String = (0..2_000).map(|idx| char::from(b' ' + (idx % 95) as u8)).collect();
    for words in [
        "",
        "   ",
        "\"",
        "title:données",
        "données AND (santé OR",
        "*",
        "-données",
        "+santé ~2 ^3",
        "[a TO z]",
        "{}",
        "\\",
        "\u{0}\u{7}\u{1b}[31m",
        "données\u{0}santé",
        "🦀 données 🦀",
        "ǅ ﬁ ẞ İ",
        long.as_str(),
        pasted.as_str(),
    ] {
        let result = index.search(&text(words));
        assert!(result.is_ok(), "{:?} : {:?}", words.get(..40), result.err());
    }
    assert!(long.len() > 10_000);
    assert_eq!(ids_for_text(&index, &long), ids_for_text(&index, "données"));
    assert_eq!(search(&index, &text("")).total, 12);
    assert_eq!(search(&index, &text(" \t ")).total, 12);
    // Syntax characters are plain text: `title:données` is the words « title » and « données ».
    assert_eq!(ids_for_text(&index, "-données"), ids_for_text(&index, "données"));
    assert_eq!(search(&index, &text("title:données")).total, 0);
}

#[test]
fn snippets_mark_the_words_found() {
    let index = corpus_index();
    let results = search(&index, &RecordQuery { text: Some("données santé".into()), ..RecordQuery::default() });
    let j1 = results.hits.iter().find(|hit| hit.id == "j1").expect("j1");
    assert_eq!(j1.snippet.html().matches("<mark>").count(), 2, "{}", j1.snippet.html());
    assert!(j1.snippet.html().contains("<mark>données</mark> de <mark>santé</mark>"), "{}", j1.snippet.html());
    // A funding event has no description: the snippet comes from its details.
    let results = search(&index, &text("amorçage"));
    let f1 = results.hits.iter().find(|hit| hit.id == "f1").expect("f1");
    assert!(f1.snippet.html().contains("<mark>amorçage</mark>"), "{}", f1.snippet.html());
    // Without words: the beginning of the description, nothing marked.
    let results = search(&index, &RecordQuery { limit: 100, ..RecordQuery::default() });
    let j2 = results.hits.iter().find(|hit| hit.id == "j2").expect("j2");
    assert_eq!(j2.snippet.text, "Modélisation du risque de crédit, statistique bayésienne.");
    assert!(j2.snippet.highlights.is_empty());
    let d1 = results.hits.iter().find(|hit| hit.id == "d1").expect("d1");
    assert_eq!(d1.snippet.text, "Licence Ouverte 2.0 · csv · parquet");
}

#[test]
fn a_hit_carries_what_a_result_line_shows() {
    let index = corpus_index();
    let results = search(&index, &RecordQuery { limit: 100, ..RecordQuery::default() });
    let hit = |id: &str| results.hits.iter().find(|hit| hit.id == id).expect(id).clone();
    let j1 = hit("j1");
    assert_eq!(j1.kind, Kind::Job);
    assert_eq!(j1.title, "Data scientist santé");
    assert_eq!(j1.date.as_deref(), Some("2026-03-14"));
    assert_eq!(j1.month.as_deref(), Some("2026-03"));
    assert_eq!(j1.source_url, "https://emplois.exemple.fr/offres/j1");
    assert_eq!(j1.organisation.as_deref(), Some("Clinique Exemple"));
    assert_eq!(j1.region.as_deref(), Some("84"));
    assert_eq!(j1.contract, Some(Contract::Cdi));
    assert_eq!(j1.sector.as_deref(), Some("sante"));
    assert_eq!(j1.competences, ["DS.INF.01", "DS.MST.06"]);
    let salary = j1.salary.expect("salaire");
    assert_eq!((salary.min, salary.max, salary.period), (Some(42_000.0), Some(50_000.0), SalaryPeriod::Year));
    assert_eq!(salary.currency, "EUR");
    assert_eq!(j1.amount, None);
    let f1 = hit("f1");
    assert_eq!(f1.kind, Kind::Funding);
    assert_eq!(f1.funder.as_deref(), Some("Bpifrance"));
    assert_eq!(f1.organisation.as_deref(), Some("MedIA SAS"));
    assert_eq!(f1.amount.as_ref().map(|amount| amount.value), Some(1_500_000.0));
    assert_eq!(f1.contract, None);
    let p1 = hit("p1");
    assert_eq!(p1.kind, Kind::Project);
    assert_eq!(p1.organisation.as_deref(), Some("CHU Exemple"));
    assert_eq!(p1.amount.as_ref().map(|amount| amount.value), Some(4_000_000.0));
    let j6 = hit("j6");
    assert_eq!((j6.date, j6.month, j6.organisation), (None, None, None));
    assert_eq!(hit("d1").kind, Kind::Dataset);
}

#[test]
fn every_facet_counts_the_results() {
    let index = corpus_index();
    let facets = search(&index, &RecordQuery::default()).facets;
    assert_eq!(counts(&facets.kinds), [("dataset", 1), ("funding", 3), ("job", 6), ("project", 2)]);
    assert_eq!(counts(&facets.regions), [("11", 5), ("76", 2), ("84", 4)]);
    assert_eq!(counts(&facets.contracts), [("alternance", 1), ("cdd", 1), ("cdi", 3), ("stage", 1)]);
    assert_eq!(counts(&facets.sectors), [("banque", 3), ("industrie", 3), ("sante", 4)]);
    assert_eq!(counts(&facets.competences), [("DS.ETH.02", 1), ("DS.INF.01", 2), ("DS.MST.06", 2), ("DS.MST.07", 2)]);
    assert_eq!(counts(&facets.funders), [("Bpifrance", 3), ("Région Île-de-France", 1)]);
    assert_eq!(
        counts(&facets.months),
        [("2025-11", 2), ("2025-12", 0), ("2026-01", 2), ("2026-02", 3), ("2026-03", 4)]
    );
    // Words narrow every facet.
    let facets = search(&index, &text("données")).facets;
    assert_eq!(counts(&facets.kinds), [("job", 4), ("project", 1)]);
    assert_eq!(counts(&facets.sectors), [("banque", 1), ("industrie", 1), ("sante", 3)]);
}

/// Each filter alone: its total, and the ids it keeps.
#[test]
fn each_filter_keeps_its_values() {
    let index = corpus_index();
    let check = |query: RecordQuery, expected: &[&str]| {
        let results = search(&index, &RecordQuery { limit: 100, sort: Sort::DateAsc, ..query.clone() });
        let mut found = ids(&results);
        found.sort();
        assert_eq!(found, expected, "{query:?}");
        assert_eq!(results.total, expected.len() as u64, "{query:?}");
    };
    check(
        RecordQuery { kinds: vec![Kind::Funding, Kind::Dataset], ..RecordQuery::default() },
        &["d1", "f1", "f2", "f3"],
    );
    check(RecordQuery { regions: strings(&["76"]), ..RecordQuery::default() }, &["j5", "p1"]);
    check(RecordQuery { contracts: vec![Contract::Stage, Contract::Cdd], ..RecordQuery::default() }, &["j3", "j6"]);
    check(RecordQuery { sectors: strings(&["banque"]), ..RecordQuery::default() }, &["f3", "j2", "j3"]);
    check(RecordQuery { competences: strings(&["DS.INF.01"]), ..RecordQuery::default() }, &["j1", "j4"]);
    check(RecordQuery { funders: strings(&["Bpifrance"]), ..RecordQuery::default() }, &["f1", "f3", "p1"]);
    check(
        RecordQuery { months: strings(&["2025-11", "2026-01"]), ..RecordQuery::default() },
        &["f2", "j4", "j5", "p1"],
    );
    // Filters combine with each other and with words.
    check(
        RecordQuery {
            regions: strings(&["11"]),
            kinds: vec![Kind::Job],
            text: Some("banque".into()),
            ..Default::default()
        },
        &["j2", "j3"],
    );
    // A funder's name is matched exactly, as the facet lists it.
    check(RecordQuery { funders: strings(&["bpifrance"]), ..RecordQuery::default() }, &[]);
}

#[test]
fn a_facet_ignores_its_own_selection_but_not_the_others() {
    let index = corpus_index();
    let results = search(&index, &RecordQuery { regions: strings(&["84"]), ..RecordQuery::default() });
    assert_eq!(results.total, 4);
    // The regions stay visible with their counts, so that a second region can be added…
    assert_eq!(counts(&results.facets.regions), [("11", 5), ("76", 2), ("84", 4)]);
    // …while every other facet counts region 84 only.
    assert_eq!(counts(&results.facets.kinds), [("funding", 1), ("job", 2), ("project", 1)]);
    assert_eq!(counts(&results.facets.sectors), [("industrie", 2), ("sante", 2)]);
    assert_eq!(counts(&results.facets.months), [("2026-01", 1), ("2026-02", 2), ("2026-03", 1)]);

    let results =
        search(&index, &RecordQuery { regions: strings(&["84"]), kinds: vec![Kind::Job], ..RecordQuery::default() });
    assert_eq!(results.total, 2);
    assert_eq!(counts(&results.facets.regions), [("11", 3), ("76", 1), ("84", 2)]);
    assert_eq!(counts(&results.facets.kinds), [("funding", 1), ("job", 2), ("project", 1)]);
    assert_eq!(counts(&results.facets.contracts), [("alternance", 1), ("cdi", 1)]);

    // The month histogram is a facet like the others.
    let results = search(&index, &RecordQuery { months: strings(&["2026-02"]), ..RecordQuery::default() });
    assert_eq!(results.total, 3);
    assert_eq!(counts(&results.facets.months).len(), 5);
    assert_eq!(counts(&results.facets.kinds), [("funding", 1), ("job", 1), ("project", 1)]);

    // A selected value without any result is still listed, with 0.
    let results = search(&index, &RecordQuery { sectors: strings(&["spatial"]), ..RecordQuery::default() });
    assert_eq!(results.total, 0);
    assert_eq!(counts(&results.facets.sectors), [("banque", 3), ("industrie", 3), ("sante", 4), ("spatial", 0)]);
    assert!(results.facets.kinds.is_empty());
}

#[test]
fn the_period_narrows_every_count_and_the_histogram() {
    let index = corpus_index();
    let period = |from: &str, to: &str| RecordQuery {
        from: Some(from.to_owned()),
        to: Some(to.to_owned()),
        limit: 100,
        ..RecordQuery::default()
    };
    let results = search(&index, &period("2026-01", "2026-02"));
    assert_eq!(results.total, 5);
    assert_eq!(counts(&results.facets.months), [("2026-01", 2), ("2026-02", 3)]);
    // Days are included at both ends; undated records are left out.
    let mut found = ids(&search(&index, &period("2026-02-05", "2026-03-02")));
    found.sort();
    assert_eq!(found, ["d1", "f1", "j2", "j3"]);
    let from_only = RecordQuery { from: Some("2026-03-14".into()), limit: 100, ..RecordQuery::default() };
    assert_eq!(ids(&search(&index, &RecordQuery { sort: Sort::DateAsc, ..from_only })), ["j1", "f3"]);
    let to_only = RecordQuery { to: Some("2025-11".into()), ..RecordQuery::default() };
    assert_eq!(search(&index, &to_only).total, 2);
    // An empty bound is no bound.
    assert_eq!(search(&index, &RecordQuery { from: Some(" ".into()), ..RecordQuery::default() }).total, 12);
}

#[test]
fn dates_sort_both_ways_with_undated_records_last() {
    let index = corpus_index();
    let sorted = |sort: Sort, words: Option<&str>| {
        ids(&search(
            &index,
            &RecordQuery { sort, limit: 100, text: words.map(str::to_owned), ..RecordQuery::default() },
        ))
    };
    let newest_first = ["f3", "j1", "j2", "d1", "j3", "f1", "p2", "f2", "j4", "j5", "p1", "j6"];
    assert_eq!(sorted(Sort::DateDesc, None), newest_first);
    // Relevance without words is newest first.
    assert_eq!(sorted(Sort::Relevance, None), newest_first);
    assert_eq!(sorted(Sort::DateAsc, None), ["p1", "j5", "j4", "f2", "p2", "f1", "j3", "d1", "j2", "j1", "f3", "j6"]);
    assert_eq!(sorted(Sort::DateDesc, Some("données")), ["j1", "j3", "j4", "j5", "p1"]);
    assert_eq!(sorted(Sort::DateAsc, Some("données")), ["p1", "j5", "j4", "j3", "j1"]);
    assert!(
        search(&index, &RecordQuery { sort: Sort::DateDesc, ..text("données") })
            .hits
            .iter()
            .all(|hit| hit.score == 0.0)
    );
}

#[test]
fn pages_cover_the_results_once_up_to_the_bounds() {
    let index = corpus_index();
    let page = |offset: usize, limit: usize, sort: Sort, words: Option<&str>| {
        search(&index, &RecordQuery { offset, limit, sort, text: words.map(str::to_owned), ..RecordQuery::default() })
    };
    for (sort, words) in
        [(Sort::DateDesc, None), (Sort::Relevance, Some("données")), (Sort::Relevance, Some("exemple"))]
    {
        let all = ids(&page(0, 100, sort, words));
        let mut paged = Vec::new();
        for offset in (0..all.len() + 3).step_by(3) {
            let results = page(offset, 3, sort, words);
            assert_eq!(results.total, all.len() as u64);
            paged.extend(ids(&results));
        }
        assert_eq!(paged, all, "{sort:?} {words:?}");
    }
    // Past the end: no hits, the total and the facets still there.
    let past = page(12, 20, Sort::DateDesc, None);
    assert!(past.hits.is_empty());
    assert_eq!(past.total, 12);
    assert_eq!(counts(&past.facets.kinds).len(), 4);
    assert_eq!(ids(&page(11, 20, Sort::DateDesc, None)), ["j6"]);
    let counts_only = page(0, 0, Sort::Relevance, Some("données"));
    assert!(counts_only.hits.is_empty());
    assert_eq!(counts_only.total, 5);
    assert!(page(MAX_OFFSET, MAX_LIMIT, Sort::DateDesc, None).hits.is_empty());
}

#[test]
fn parameters_out_of_bounds_are_refused_in_french() {
    let index = corpus_index();
    let refused = |query: RecordQuery, expected: &str| match index.search(&query) {
        Err(Error::InvalidQuery(message)) => assert!(message.contains(expected), "{message}"),
        other => panic!("{query:?} : {other:?}"),
    };
    refused(RecordQuery { limit: MAX_LIMIT + 1, ..RecordQuery::default() }, "au plus 100");
    refused(RecordQuery { offset: MAX_OFFSET + 1, ..RecordQuery::default() }, "au plus 10000");
    refused(RecordQuery { months: strings(&["2026-3"]), ..RecordQuery::default() }, "attendu AAAA-MM");
    refused(RecordQuery { months: strings(&["2026-13"]), ..RecordQuery::default() }, "« 2026-13 »");
    refused(RecordQuery { from: Some("mars 2026".into()), ..RecordQuery::default() }, "début de période");
    refused(RecordQuery { to: Some("2026-02-30x".into()), ..RecordQuery::default() }, "fin de période");
    refused(
        RecordQuery { from: Some("2026-03".into()), to: Some("2026-02".into()), ..RecordQuery::default() },
        "après sa fin",
    );
    let many: Vec<String> = (0..300).map(|idx| format!("region-{idx}")).collect();
    refused(RecordQuery { regions: many, ..RecordQuery::default() }, "300 valeurs pour le filtre régions");
    // The message names the problem for a person: it is French and carries the value given.
    let error = index.search(&RecordQuery { months: strings(&["mars"]), ..RecordQuery::default() }).expect_err("mois");
    assert_eq!(error.to_string(), "recherche refusée : mois « mars » : attendu AAAA-MM, par exemple 2026-03");
}

#[test]
fn every_matching_id_is_given_once_whatever_the_page() {
    let index = corpus_index();
    let all_ids = |query: &RecordQuery| {
        let mut found = Vec::new();
        let n_ids = index
            .for_each_id(query, |id| {
                found.push(id.to_owned());
                ControlFlow::Continue(())
            })
            .expect("identifiants");
        assert_eq!(n_ids, found.len() as u64);
        found.sort();
        found
    };
    assert_eq!(all_ids(&RecordQuery { limit: 0, ..RecordQuery::default() }).len(), 12);
    assert_eq!(all_ids(&RecordQuery { limit: 1, offset: 5, ..text("données") }), ["j1", "j3", "j4", "j5", "p1"]);
    let filtered = RecordQuery { regions: strings(&["11"]), from: Some("2026-01".into()), ..RecordQuery::default() };
    assert_eq!(all_ids(&filtered), ["f2", "f3", "j2", "j3"]);
    // The callback stops the walk.
    let mut seen = 0;
    let n_ids = index
        .for_each_id(&RecordQuery::default(), |_| {
            seen += 1;
            if seen == 3 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
        })
        .expect("arrêt");
    assert_eq!((n_ids, seen), (3, 3));
    // The same parameters as a search are refused.
    let bad = RecordQuery { months: strings(&["13"]), ..RecordQuery::default() };
    assert!(matches!(index.for_each_id(&bad, |_| ControlFlow::Continue(())), Err(Error::InvalidQuery(_))));
}

#[test]
fn every_matching_record_is_given_whole_for_exports() {
    let index = corpus_index();
    let all_hits = |query: &RecordQuery| {
        let mut found = Vec::new();
        let given = index
            .for_each_hit(query, |hit| {
                found.push(hit);
                ControlFlow::Continue(())
            })
            .expect("enregistrements");
        assert_eq!(given, found.len() as u64);
        found.sort_by(|a, b| a.id.cmp(&b.id));
        found
    };
    // The same records as the ids, with the fields a page shows.
    let filtered = RecordQuery { regions: strings(&["11"]), from: Some("2026-01".into()), ..RecordQuery::default() };
    let hits = all_hits(&filtered);
    let ids: Vec<&str> = hits.iter().map(|hit| hit.id.as_str()).collect();
    assert_eq!(ids, ["f2", "f3", "j2", "j3"]);
    let page = index.search(&RecordQuery { limit: 100, ..filtered.clone() }).expect("page");
    for hit in &hits {
        let shown = page.hits.iter().find(|shown| shown.id == hit.id).expect("même enregistrement");
        assert_eq!(
            (&hit.title, &hit.region, &hit.date, &hit.competences),
            (&shown.title, &shown.region, &shown.date, &shown.competences)
        );
        assert_eq!((hit.contract, &hit.amount, &hit.salary), (shown.contract, &shown.amount, &shown.salary));
        assert!(hit.snippet.highlights.is_empty(), "pas de surlignage dans un export");
    }
    // No page cap: every record, beyond MAX_LIMIT if there were that many.
    assert_eq!(all_hits(&RecordQuery { limit: 0, ..RecordQuery::default() }).len(), 12);
    let mut seen = 0;
    let given = index
        .for_each_hit(&RecordQuery::default(), |_| {
            seen += 1;
            if seen == 2 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
        })
        .expect("arrêt");
    assert_eq!((given, seen), (2, 2));
    let bad = RecordQuery { months: strings(&["13"]), ..RecordQuery::default() };
    assert!(matches!(index.for_each_hit(&bad, |_| ControlFlow::Continue(())), Err(Error::InvalidQuery(_))));
}
