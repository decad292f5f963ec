//! Full-text search: French stemming, accent folding, the searched fields and their weights,
//! hostile input taken literally, and snippets.

mod common;

use common::{corpus_index, found, ids, index_of, programme, sorted, words};
use search::programmes::{ProgrammeDoc, ProgrammeIndex};

/// Whether a programme whose description is `indexed` is found by `query` (a decoy programme
/// about something else is indexed beside it and must never be found).
fn check(indexed: &str, query: &str, expect_found: bool) {
    let index = index_of(&[
        ProgrammeDoc { description: indexed.to_owned(), ..programme("p/cible", "Formation") },
        ProgrammeDoc { description: "Gestion de chantier et menuiserie.".to_owned(), ..programme("p/leurre", "Autre") },
    ]);
    let expected: Vec<String> = if expect_found { vec!["p/cible".to_owned()] } else { Vec::new() };
    assert_eq!(found(&index, &words(query)), expected, "« {query} » dans « {indexed} »");
}

#[test]
fn french_stemming_matches_inflected_forms() {
    for (indexed, query) in [
        ("Statistiques descriptives", "statistique"),
        ("Statistique", "statistiques"),
        ("Apprentissages profonds", "apprentissage"),
        ("L'apprentissage automatique", "apprentissages"),
        ("Analyse de données", "analyses"),
        ("Modèles linéaires", "modèle"),
        ("Visualisation", "visualisations"),
    ] {
        check(indexed, query, true);
    }
}

#[test]
fn accents_and_case_are_folded_both_ways() {
    for (indexed, query) in [
        ("Données massives", "donnees"),
        ("Données massives", "données"),
        ("Données massives", "DONNÉES"),
        ("DONNEES MASSIVES", "données"),
        ("Économétrie appliquée", "econometrie"),
        ("econometrie appliquee", "Économétrie"),
        ("Séries temporelles", "serie"),
    ] {
        check(indexed, query, true);
    }
}

#[test]
fn unrelated_words_do_not_match() {
    for (indexed, query) in
        [("Séries temporelles", "statistique"), ("Données massives", "python"), ("Statistique", "stations")]
    {
        check(indexed, query, false);
    }
}

#[test]
fn every_word_must_match_somewhere() {
    let index = corpus_index();
    // « master » is in three titles, « lyon » is a city: only the master in Lyon has both.
    assert_eq!(found(&index, &words("master lyon")), sorted(&["univ-lyon/master-sd"]));
    assert_eq!(found(&index, &words("master")).len(), 3);
}

#[test]
fn each_text_field_is_searched() {
    let index = corpus_index();
    for (query, expected) in [
        ("économétrie", vec!["univ-paris/master-stat"]), // title (and description)
        ("Sorbonne", vec!["univ-paris/master-stat"]),    // provider
        ("bayésienne", vec!["ecole-toulouse/ingenieur-ia"]), // unit title
        ("saisonnalité", vec!["court-rennes/series-temporelles"]), // description
        ("Strasbourg", vec!["univ-strasbourg/master-ia"]), // city (and provider)
        ("Grenoble", vec!["univ-grenoble/doctorat"]),    // city only
    ] {
        assert_eq!(found(&index, &words(query)), sorted(&expected), "{query}");
    }
}

#[test]
fn keyword_fields_are_not_full_text() {
    let index = corpus_index();
    // Codes are filters, not words: « master » finds titles, « ms_cge » or « 84 » nothing.
    assert!(found(&index, &words("ms_cge")).is_empty());
    assert!(found(&index, &words("84")).is_empty());
    assert!(found(&index, &words("granted")).is_empty());
}

#[test]
fn a_title_match_ranks_above_a_unit_title_match() {
    let index = index_of(&[
        ProgrammeDoc {
            unit_titles: vec!["Régression".to_owned()], ..programme("p/unite", "Licence de mathématiques")
        },
        ProgrammeDoc {
            unit_titles: vec!["Probabilités".to_owned()],
            ..programme("p/titre", "Master régression, classification et méthodes de prévision")
        },
    ]);
    let results = index.search(&words("régression")).expect("recherche");
    assert_eq!(ids(&results), ["p/titre", "p/unite"]);
    assert!(results.hits[0].score > results.hits[1].score);
}

#[test]
fn empty_text_or_stop_words_only_match_everything() {
    let index = corpus_index();
    for text in ["", "   ", "\n\t", "de la des", "l'"] {
        assert_eq!(index.search(&words(text)).expect("recherche").total, 12, "« {text:?} »");
    }
    let no_text = search::programmes::ProgrammeQuery { limit: 100, ..Default::default() };
    assert_eq!(index.search(&no_text).expect("recherche").total, 12);
}

/// Hostile inputs give results (never an error or a panic) and mean exactly their words.
#[test]
fn hostile_text_is_taken_literally() {
    let index = corpus_index();
    let same_as_words = [
        ("\"master lyon", "master lyon"),
        ("master\" lyon\"\"", "master lyon"),
        ("title:master", "title master"),
        ("city:Lyon", "city lyon"),
        ("master AND lyon", "master and lyon"),
        ("master OR lyon", "master or lyon"),
        ("NOT master", "not master"),
        ("+master -lyon", "master lyon"),
        ("master^10 lyon~2", "master 10 lyon 2"),
        ("(master) [lyon TO z] {x}", "master lyon to z x"),
        ("mast* ly?n", "mast ly n"),
        ("'; DROP TABLE programmes; --", "drop table programmes"),
        ("<script>alert('données')</script>", "script alert données script"),
        ("master\u{0}\u{7}\u{1b}[31mlyon", "master 31mlyon"),
        ("\\master\\ /lyon/", "master lyon"),
    ];
    for (hostile, plain) in same_as_words {
        let hostile_hits = found(&index, &words(hostile));
        assert_eq!(hostile_hits, found(&index, &words(plain)), "« {hostile:?} »");
    }
    // Operators are words: « master AND lyon » asks for the word « and », which no programme has,
    // where a query language would have found the master in Lyon.
    assert!(found(&index, &words("master AND lyon")).is_empty());
    assert_eq!(found(&index, &words("\"master lyon")), sorted(&["univ-lyon/master-sd"]));
    assert_eq!(found(&index, &words("title:master")), Vec::<String>::new());
}

#[test]
fn huge_and_strange_text_never_fails() {
    let index = corpus_index();
    let long_word = "a".repeat(10_000);
    let many_words = "données ".repeat(1_300);
    let many_distinct: String = (0..2_000).map(|idx| format!("mot{idx} ")).collect();
    let unicode = "データ 🙂 مرحبا \u{202e}renverse\u{202c} \u{feff}zéro";
    for text in [long_word.as_str(), many_words.as_str(), many_distinct.as_str(), unicode, "\u{0}", "%00%27"] {
        let results = index.search(&words(text)).expect("une recherche ne doit jamais échouer");
        assert!(results.total <= 12);
    }
    // The repeated word is one word: the same programmes as the word alone.
    assert_eq!(found(&index, &words(&many_words)), found(&index, &words("données")));
    assert_eq!(index.len(), 12, "une recherche ne change pas l'index");
}

fn snippet_index() -> ProgrammeIndex {
    index_of(&[
        ProgrammeDoc {
            provider: "<b>Fournisseur</b>".to_owned(),
            description: "Cours <b>Données</b> & \"SQL\" <script>alert('x')</script> pour tous.".to_owned(),
            unit_titles: vec!["Visualisation <i>interactive</i>".to_owned()],
            ..programme("p/html", "Titre <em>piégé</em>")
        },
        ProgrammeDoc {
            description: "Une description longue qui parle d'abord de beaucoup d'autres choses sans rapport, \
                          de menuiserie, de jardinage, de cuisine et de voyages, de musique, de peinture, \
                          de randonnée en montagne, de navigation à voile et de jeux de société, avant de \
                          mentionner enfin la \
                          statistique au milieu d'une phrase qui continue encore longtemps après, pour que \
                          l'extrait soit coupé des deux côtés du mot trouvé et marqué comme tel."
                .to_owned(),
            ..programme("p/long", "Autre formation")
        },
    ])
}

#[test]
fn snippets_escape_html_and_mark_matched_words() {
    let index = snippet_index();
    let results = index.search(&words("donnees")).expect("recherche");
    let hit = &results.hits[0];
    assert_eq!(hit.id, "p/html");
    let snippet = &hit.snippet;
    assert_eq!(snippet.highlights.len(), 1);
    assert_eq!(&snippet.text[snippet.highlights[0].clone()], "Données");
    assert!(snippet.text.contains("<script>"), "le texte brut reste brut : {}", snippet.text);
    let html = snippet.html();
    assert!(html.contains("&lt;b&gt;<mark>Données</mark>&lt;/b&gt;"), "{html}");
    assert!(html.contains("&amp; &quot;SQL&quot; &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), "{html}");
    assert!(!html.contains("<script>") && !html.contains("<b>"), "{html}");
    // Fields of the result line are plain text for the templates to escape.
    assert_eq!(hit.title, "Titre <em>piégé</em>");
    assert_eq!(hit.provider, "<b>Fournisseur</b>");
}

#[test]
fn snippet_falls_back_to_unit_titles_then_to_the_description() {
    let index = snippet_index();
    let hit = &index.search(&words("visualisations")).expect("recherche").hits[0];
    assert_eq!(hit.snippet.html(), "<mark>Visualisation</mark> &lt;i&gt;interactive&lt;/i&gt;");
    // A match in the title only: the description's beginning, nothing marked.
    let hit = &index.search(&words("piégé")).expect("recherche").hits[0];
    assert!(hit.snippet.highlights.is_empty());
    assert!(hit.snippet.text.starts_with("Cours <b>Données</b>"), "{}", hit.snippet.text);
}

#[test]
fn long_snippets_are_cut_around_the_match() {
    let index = snippet_index();
    let hit = &index.search(&words("statistiques")).expect("recherche").hits[0];
    let snippet = &hit.snippet;
    assert!(snippet.text.starts_with("… ") && snippet.text.ends_with(" …"), "{}", snippet.text);
    assert!(snippet.text.chars().count() <= 240, "{}", snippet.text);
    assert_eq!(&snippet.text[snippet.highlights[0].clone()], "statistique");
    // Without words, the beginning of a long description, cut at a word.
    let all = index.search(&search::programmes::ProgrammeQuery::default()).expect("recherche");
    let long = all.hits.iter().find(|hit| hit.id == "p/long").expect("p/long");
    assert!(long.snippet.text.starts_with("Une description longue") && long.snippet.text.ends_with(" …"));
}
