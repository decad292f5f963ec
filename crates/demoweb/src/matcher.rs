//! The keyword matcher that defines the ground truth's competences: référentiel keywords (French
//! and English) found in a text after folding case and accents, as whole words. Text and keywords
//! are split into words at every character that is not a letter or digit, and a keyword matches
//! where its words appear consecutively.

use std::collections::{BTreeSet, HashMap};

/// Référentiel keywords indexed by their first word.
pub struct KeywordMatcher {
    by_first_word: HashMap<String, Vec<(Vec<String>, String)>>,
}

/// Folded words of a text.
pub fn words(text: &str) -> Vec<String> {
    skills::fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_string)
        .collect()
}

impl KeywordMatcher {
    /// The matcher of every keyword of the référentiel.
    pub fn new(referentiel: &skills::Referentiel) -> KeywordMatcher {
        let mut by_first_word: HashMap<String, Vec<(Vec<String>, String)>> = HashMap::new();
        for competence in &referentiel.competences {
            for keyword in competence.keywords.fr.iter().chain(&competence.keywords.en) {
                let keyword_words = words(keyword);
                if let Some(first) = keyword_words.first() {
                    by_first_word.entry(first.clone()).or_default().push((keyword_words, competence.id.clone()));
                }
            }
        }
        KeywordMatcher { by_first_word }
    }

    /// Ids of the competences one of whose keywords occurs in `text`, sorted.
    pub fn competences(&self, text: &str) -> Vec<String> {
        let text_words = words(text);
        let mut found = BTreeSet::new();
        for (start, word) in text_words.iter().enumerate() {
            for (keyword_words, id) in self.by_first_word.get(word).into_iter().flatten() {
                if text_words[start..].starts_with(keyword_words) {
                    found.insert(id.clone());
                }
            }
        }
        found.into_iter().collect()
    }
}
