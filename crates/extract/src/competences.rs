//! Recognition of référentiel competences in free text (job titles and descriptions).
//!
//! Each competence is found through the référentiel's keywords (`keywords.fr`, `keywords.en`)
//! and the extra formulations of `data/competences-extra.toml`. Matching works on words: the
//! text and the keywords are folded (accents, case), cut into words at every character that is
//! neither a letter nor a digit, plurals and simple feminine forms are reduced (`données` →
//! `donnee`, `réseaux` → `reseau`), and the articles `de, des, du, la, le, les, l', d'` are
//! skipped, so `qualité de la donnée` finds the keyword `qualité des données`. A keyword matches
//! whole words only: `sql` is not found in `nosql`, `bi` not in `bio`. Words too short or too
//! ambiguous to stand alone (the language R) are only recognised through the contextual patterns
//! of the extra file.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::bytes::{RegexSet, RegexSetBuilder};
use serde::Deserialize;

/// Longest text read (characters); postings are far shorter.
const MAX_TEXT: usize = 200_000;

/// Words skipped on both sides of the matching.
const SKIPPED: &[&str] = &["de", "des", "du", "la", "le", "les", "l", "d"];

/// The extra formulations file, parsed once.
static EXTRA: LazyLock<Vec<Extra>> = LazyLock::new(|| {
    #[derive(Deserialize)]
    struct File {
        competence: Vec<Extra>,
    }
    toml::from_str::<File>(include_str!("../data/competences-extra.toml"))
        .map(|file| file.competence)
        .expect("data/competences-extra.toml is valid (checked by the unit tests)")
});

/// Extra formulations of one competence.
#[derive(Debug, Clone, Deserialize)]
struct Extra {
    id: String,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    patterns: Vec<String>,
    #[serde(default)]
    ignore_keywords: Vec<String>,
    #[serde(default)]
    data_work_only: bool,
}

/// A keyword cut into reduced words.
#[derive(Debug, Clone)]
struct Phrase {
    words: Vec<String>,
    competence: usize,
}

/// Recognises the référentiel competences named in a text.
#[derive(Debug, Clone)]
pub struct Recogniser {
    ids: Vec<String>,
    phrases: Vec<Phrase>,
    /// Phrase indices by their first word.
    by_first_word: HashMap<String, Vec<usize>>,
    /// Contextual patterns on folded text, all matched in one pass.
    patterns: RegexSet,
    /// The competence of each pattern of `patterns`.
    pattern_competences: Vec<usize>,
    /// Whether each competence is technical (pillars INF and MST).
    technical: Vec<bool>,
    /// Whether each competence only counts in a posting about data work.
    data_work_only: Vec<bool>,
}

/// Reduces a folded word: plural `s` and `x` (after `au`, `eu`) and the feminine `e` of `-ée`
/// dropped on words longer than three letters.
fn reduce(word: &str) -> String {
    let mut word = word.to_owned();
    if word.len() > 3 {
        let plural_s = word.ends_with('s') && !word.ends_with("ss");
        if plural_s || word.ends_with("aux") || word.ends_with("eux") {
            word.pop();
        }
    }
    if word.len() > 3 && word.ends_with("ee") {
        word.pop();
    }
    word
}

/// The reduced words of a text, articles skipped.
fn words(text: &str) -> Vec<String> {
    skills::fold(text)
        .split(|ch: char| !ch.is_alphanumeric())
        .filter(|word| !word.is_empty() && !SKIPPED.contains(word))
        .map(reduce)
        .collect()
}

/// Compiles contextual patterns for ASCII text: without Unicode classes, word boundaries are
/// cheap and the patterns run on the fast engines.
fn pattern_set(patterns: &[String]) -> Option<RegexSet> {
    RegexSetBuilder::new(patterns).unicode(false).size_limit(64 << 20).build().ok()
}

/// The text folded (accents, case) with every remaining non-ASCII character turned into a space,
/// as the contextual patterns expect.
fn ascii_folded(text: &str) -> String {
    skills::fold(text).chars().map(|ch| if ch.is_ascii() { ch } else { ' ' }).collect()
}

/// Compile errors of the extra file's patterns (for the unit test that keeps the file valid).
pub fn invalid_extra_patterns() -> Vec<String> {
    EXTRA
        .iter()
        .flat_map(|extra| extra.patterns.iter())
        .filter(|pattern| pattern_set(std::slice::from_ref(*pattern)).is_none())
        .cloned()
        .collect()
}

impl Recogniser {
    /// Builds a recogniser from the référentiel keywords and the extra formulations of
    /// `data/competences-extra.toml` (those of competences absent from `referentiel` are
    /// ignored).
    pub fn new(referentiel: &skills::Referentiel) -> Recogniser {
        let mut recogniser = Recogniser {
            ids: Vec::new(),
            phrases: Vec::new(),
            by_first_word: HashMap::new(),
            patterns: RegexSet::empty(),
            pattern_competences: Vec::new(),
            technical: Vec::new(),
            data_work_only: Vec::new(),
        };
        let mut patterns = Vec::new();
        for (index, competence) in referentiel.competences.iter().enumerate() {
            recogniser.ids.push(competence.id.clone());
            recogniser.technical.push(matches!(competence.pillar, skills::Pillar::Inf | skills::Pillar::Mst));
            recogniser.data_work_only.push(EXTRA.iter().any(|extra| extra.id == competence.id && extra.data_work_only));
            let ignored: Vec<Vec<String>> = EXTRA
                .iter()
                .filter(|extra| extra.id == competence.id)
                .flat_map(|extra| extra.ignore_keywords.iter().map(|keyword| words(keyword)))
                .collect();
            for keyword in competence.keywords.fr.iter().chain(&competence.keywords.en) {
                if !ignored.contains(&words(keyword)) {
                    recogniser.add_phrase(keyword, index);
                }
            }
        }
        for extra in EXTRA.iter() {
            let Some(index) = recogniser.ids.iter().position(|id| *id == extra.id) else { continue };
            for keyword in &extra.keywords {
                recogniser.add_phrase(keyword, index);
            }
            for pattern in &extra.patterns {
                // A pattern that does not compile is skipped here and reported by the unit test.
                if pattern_set(std::slice::from_ref(pattern)).is_some() {
                    patterns.push(pattern.clone());
                    recogniser.pattern_competences.push(index);
                }
            }
        }
        recogniser.patterns = pattern_set(&patterns).unwrap_or_else(RegexSet::empty);
        recogniser
    }

    fn add_phrase(&mut self, keyword: &str, competence: usize) {
        let words = words(keyword);
        // A single word of one or two letters (`r`, `bi`) is too ambiguous to stand alone.
        if words.is_empty() || (words.len() == 1 && words[0].chars().count() <= 2) {
            return;
        }
        let index = self.phrases.len();
        self.by_first_word.entry(words[0].clone()).or_default().push(index);
        self.phrases.push(Phrase { words, competence });
    }

    /// The sorted ids of the competences named in `text`.
    pub fn recognise(&self, text: &str) -> Vec<String> {
        let text: String = text.chars().take(MAX_TEXT).collect();
        let words = words(&text);
        let mut found = vec![false; self.ids.len()];
        for start in 0..words.len() {
            let Some(candidates) = self.by_first_word.get(&words[start]) else { continue };
            for &candidate in candidates {
                let phrase = &self.phrases[candidate];
                if words[start..].starts_with(&phrase.words) {
                    found[phrase.competence] = true;
                }
            }
        }
        if !self.patterns.is_empty() {
            for pattern in self.patterns.matches(ascii_folded(&text).as_bytes()).iter() {
                found[self.pattern_competences[pattern]] = true;
            }
        }
        // Competences defined for data work need a technical one beside them.
        if !found.iter().zip(&self.technical).any(|(hit, technical)| *hit && *technical) {
            for (hit, only) in found.iter_mut().zip(&self.data_work_only) {
                *hit &= !*only;
            }
        }
        let mut ids: Vec<String> =
            found.iter().enumerate().filter(|(_, hit)| **hit).map(|(index, _)| self.ids[index].clone()).collect();
        ids.sort();
        ids
    }
}
