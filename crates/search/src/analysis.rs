//! The French analyser shared by every index: how text is cut into the terms that are indexed
//! and searched.
//!
//! Pipeline: words (runs of letters and digits) → drop words longer than 40 bytes → lower case →
//! drop French stop words (« de », « la », « l' »…) → fold accents to ASCII (« données » →
//! « donnees ») → French Snowball stemming (« statistiques » → « statist »). Folding comes before
//! stemming so that a word typed with or without its accents reaches the same stem: the stemmer
//! only ever sees folded text, on the documents' side and on the query's side alike. Stop words
//! are removed before folding because tantivy's French list is written with its accents.

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
    TokenStream,
};

/// Name under which the analyser is registered on every index; it is recorded in the schema.
pub(crate) const FRENCH: &str = "socle_fr";

/// Longest word kept, in bytes: longer ones are noise (URLs, hashes, pasted garbage).
const MAX_WORD_BYTES: usize = 40;

/// Most distinct terms taken from one query: beyond that a query is a pasted text, not a search,
/// and its extra words would only slow the search down.
pub(crate) const MAX_QUERY_TERMS: usize = 32;

/// Most bytes of a query that are read; the rest is ignored.
pub(crate) const MAX_QUERY_BYTES: usize = 2048;

/// The French analyser.
pub(crate) fn french() -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
        .filter(LowerCaser);
    // The French list is compiled into tantivy; `None` would only mean a language without a list.
    match StopWordFilter::new(Language::French) {
        Some(stop_words) => {
            builder.filter(stop_words).filter(AsciiFoldingFilter).filter(Stemmer::new(Language::French)).build()
        }
        None => builder.filter(AsciiFoldingFilter).filter(Stemmer::new(Language::French)).build(),
    }
}

/// Registers the analyser on an index (tokenizers are not persisted with the index).
pub(crate) fn register(index: &Index) {
    index.tokenizers().register(FRENCH, french());
}

/// The distinct terms of a user's query, in order of first appearance, at most
/// [`MAX_QUERY_TERMS`] of them, read from the first [`MAX_QUERY_BYTES`] bytes.
pub(crate) fn query_terms(text: &str) -> Vec<String> {
    let text = truncate_at_word(text, MAX_QUERY_BYTES);
    let mut analyser = french();
    let mut stream = analyser.token_stream(text);
    let mut terms: Vec<String> = Vec::new();
    while terms.len() < MAX_QUERY_TERMS && stream.advance() {
        let term = &stream.token().text;
        if !term.is_empty() && !terms.iter().any(|known| known == term) {
            terms.push(term.clone());
        }
    }
    terms
}

/// The longest prefix of `text` that is at most `max_bytes` long and does not end inside a word
/// (a cut word would become another, unrelated term).
fn truncate_at_word(text: &str, max_bytes: usize) -> &str {
    let head = truncate(text, max_bytes);
    let cut_inside_word =
        text[head.len()..].starts_with(char::is_alphanumeric) && head.ends_with(char::is_alphanumeric);
    if !cut_inside_word {
        return head;
    }
    match head.rfind(|ch: char| !ch.is_alphanumeric()) {
        Some(boundary) => &head[..boundary],
        None => "",
    }
}

/// The longest prefix of `text` that is at most `max_bytes` long and ends on a character boundary.
pub(crate) fn truncate(text: &str, max_bytes: usize) -> &str {
    if text.len() <= max_bytes {
        return text;
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_and_folds_to_the_same_terms() {
        for (left, right) in [
            ("statistique", "statistiques"),
            ("apprentissage", "Apprentissages"),
            ("données", "DONNEES"),
            ("donnée", "données"),
            ("Économétrie", "econometrie"),
            ("analyse", "analyses"),
        ] {
            assert_eq!(query_terms(left), query_terms(right), "{left} / {right}");
            assert_eq!(query_terms(left).len(), 1, "{left}");
        }
    }

    #[test]
    fn drops_stop_words_and_elisions() {
        assert_eq!(query_terms("l'analyse de la donnée"), query_terms("analyse donnée"));
        assert!(query_terms("de la du").is_empty());
    }

    #[test]
    fn caps_the_number_of_terms_and_bytes() {
        let many: String = (0..200).map(|idx| format!("mot{idx} ")).collect();
        assert_eq!(query_terms(&many).len(), MAX_QUERY_TERMS);
        assert_eq!(truncate("éé", 3), "é");
        assert_eq!(truncate("abc", 10), "abc");
        assert_eq!(truncate_at_word("données données", 12), "données");
        assert_eq!(truncate_at_word("données données", 9), "données ");
        assert_eq!(truncate_at_word("données", 4), "");
        let repeated = "données ".repeat(1_300);
        assert_eq!(query_terms(&repeated), query_terms("données"));
    }
}
