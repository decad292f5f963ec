//! Competence recognition measured on the hand-labelled postings of
//! `tests/data/competences-postings.toml`: micro-averaged precision and recall, printed with the
//! misses per competence, and checked against the aims (precision ≥ 0.85, recall ≥ 0.60).

use std::collections::{BTreeMap, BTreeSet};

use extract::competences::Recogniser;
use serde::Deserialize;

#[derive(Deserialize)]
struct LabelledSet {
    posting: Vec<Posting>,
}

#[derive(Deserialize)]
struct Posting {
    id: u64,
    title: String,
    text: String,
    competences: Vec<String>,
}

fn recogniser() -> &'static Recogniser {
    static RECOGNISER: std::sync::LazyLock<Recogniser> =
        std::sync::LazyLock::new(|| Recogniser::new(&skills::embedded().expect("the embedded référentiel loads")));
    &RECOGNISER
}

#[test]
fn every_extra_pattern_compiles() {
    assert_eq!(extract::competences::invalid_extra_patterns(), Vec::<String>::new());
}

#[test]
fn precision_and_recall_on_the_hand_labelled_postings_reach_the_aims() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/competences-postings.toml"))
        .expect("the labelled set is readable");
    let set: LabelledSet = toml::from_str(&text).expect("the labelled set is valid TOML");
    assert!(set.posting.len() >= 100, "the labelled set holds {} postings", set.posting.len());
    let recogniser = recogniser();
    let (mut true_positives, mut false_positives, mut false_negatives) = (0usize, 0usize, 0usize);
    let mut missed: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut spurious: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for posting in &set.posting {
        let expected: BTreeSet<String> = posting.competences.iter().cloned().collect();
        let found: BTreeSet<String> =
            recogniser.recognise(&format!("{}\n{}", posting.title, posting.text)).into_iter().collect();
        true_positives += expected.intersection(&found).count();
        for id in expected.difference(&found) {
            false_negatives += 1;
            missed.entry(id.clone()).or_default().push(posting.id);
        }
        for id in found.difference(&expected) {
            false_positives += 1;
            spurious.entry(id.clone()).or_default().push(posting.id);
        }
    }
    let precision = true_positives as f64 / (true_positives + false_positives).max(1) as f64;
    let recall = true_positives as f64 / (true_positives + false_negatives).max(1) as f64;
    println!("postings: {}", set.posting.len());
    println!("true positives {true_positives}, false positives {false_positives}, false negatives {false_negatives}");
    println!("precision {precision:.3}, recall {recall:.3}");
    for (id, postings) in &missed {
        println!("missed {id} ({}): {postings:?}", postings.len());
    }
    for (id, postings) in &spurious {
        println!("spurious {id} ({}): {postings:?}", postings.len());
    }
    assert!(precision >= 0.85, "precision {precision:.3} below 0.85");
    assert!(recall >= 0.60, "recall {recall:.3} below 0.60");
}

fn check(text: &str, expected: &[&str]) {
    assert_eq!(recogniser().recognise(text), expected, "text: {text}");
}

#[test]
fn keywords_match_whole_words_with_accents_case_and_plurals_folded() {
    check("Maîtrise de SQL et de PostgreSQL", &["DS.INF.05"]);
    check("Expérience des bases NoSQL (MongoDB)", &["DS.INF.06"]);
    check("Séries temporelles et Prévision de la demande", &["DS.MST.07"]);
    check("Qualité de la donnée, gouvernance", &["DS.INF.08"]);
    check("Construction de PIPELINES DE DONNÉES", &["DS.INF.04"]);
    check("Réseaux de neurones", &["DS.MST.12"]);
    check("Vous aimez la biologie et les bioinformaticiens", &[]);
}

#[test]
fn short_and_ambiguous_tokens_need_their_context() {
    check("Langage R ou Python", &["DS.INF.01"]);
    check("Python/R", &["DS.INF.01"]);
    check("Vous maîtrisez R, SAS et SQL", &["DS.INF.01", "DS.INF.05"]);
    check("Centre de R&D en chimie, bâtiment R+2", &[]);
    check("Outils BI (Power BI)", &["DS.MET.04"]);
    check("Laboratoire bio, produits bios", &[]);
}

#[test]
fn results_are_sorted_and_unique() {
    let found = recogniser().recognise("Spark, PySpark, Hadoop, SQL, sql, Python, pandas");
    let mut sorted = found.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(found, sorted);
    assert!(found.contains(&"DS.INF.09".to_owned()));
}
