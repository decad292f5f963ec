//! The query built from a user's words: every word must appear in at least one of the searched
//! fields, each field weighted by its boost.
//!
//! The words are the analyser's terms (see `analysis::query_terms`), never parsed as a query
//! language: quotes, `champ:valeur`, `AND`/`OR`/`NOT`, brackets and control characters are
//! plain text, so no input can fail or change the query's shape.

use tantivy::Term;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

/// `AND` over the terms, each an `OR` over the weighted fields; everything when there are no terms.
pub(crate) fn build(terms: &[String], fields: &[(Field, f32)]) -> Box<dyn Query> {
    if terms.is_empty() {
        return Box::new(AllQuery);
    }
    let per_term = terms
        .iter()
        .map(|term| {
            let alternatives = fields
                .iter()
                .map(|&(field, boost)| {
                    let query = TermQuery::new(Term::from_field_text(field, term), IndexRecordOption::WithFreqs);
                    (Occur::Should, Box::new(BoostQuery::new(Box::new(query), boost)) as Box<dyn Query>)
                })
                .collect();
            (Occur::Must, Box::new(BooleanQuery::new(alternatives)) as Box<dyn Query>)
        })
        .collect();
    Box::new(BooleanQuery::new(per_term))
}
