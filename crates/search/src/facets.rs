//! Facet counts: how many matching documents carry each value of a keyword field.
//!
//! Values are read from the fields' columns (tantivy fast fields, dictionary encoded): per
//! segment, one counter per term ordinal, turned into strings once at the end. Which documents
//! are counted is the caller's query; the disjunctive rule (a dimension's counts ignore its own
//! selection) is applied by running one count per selected dimension: [`compose`] builds the
//! query of each count (see `programmes::search` and `observatory::search`).

use std::collections::BTreeMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Cardinality, StrColumn};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader, Term};

/// One value of a facet and how many results carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    /// The value as indexed (a code: `"master"`, `"84"`, `"presentiel"`, `"7"`, `"DS.MST.07"`).
    pub value: String,
    /// How many documents matching the other filters carry it.
    pub count: u64,
}

/// Counts of a yes/no facet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BoolCounts {
    /// Documents for which it holds.
    pub yes: u64,
    /// Documents for which it does not.
    pub no: u64,
}

/// Value → count, per field, in the order the fields were asked.
pub(crate) type Counts = Vec<BTreeMap<String, u64>>;

/// Counts the values of several keyword fields over the documents of a query.
pub(crate) struct TermCounts {
    fields: Vec<&'static str>,
}

impl TermCounts {
    /// Counts for these fields (each must be a keyword field with a column).
    pub(crate) fn new(fields: Vec<&'static str>) -> TermCounts {
        TermCounts { fields }
    }
}

/// Per segment: each field's column (absent when no document of the segment has a value) and a
/// counter per term ordinal, and a buffer for the ordinals of a block of documents.
pub(crate) struct SegmentTermCounts {
    columns: Vec<(Option<StrColumn>, Vec<u64>)>,
    block: Vec<Option<u64>>,
}

impl Collector for TermCounts {
    type Fruit = Counts;
    type Child = SegmentTermCounts;

    fn for_segment(&self, _segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentTermCounts> {
        let mut columns = Vec::with_capacity(self.fields.len());
        for field in &self.fields {
            let column = reader.fast_fields().str(field)?;
            let n_terms = column.as_ref().map_or(0, |column| column.num_terms());
            columns.push((column, vec![0; n_terms]));
        }
        Ok(SegmentTermCounts { columns, block: Vec::new() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut merged: Counts = vec![BTreeMap::new(); self.fields.len()];
        for segment in segments {
            for (total, counts) in merged.iter_mut().zip(segment) {
                for (value, count) in counts {
                    *total.entry(value).or_default() += count;
                }
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentTermCounts {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        for (column, counters) in &mut self.columns {
            if let Some(column) = column {
                for ord in column.term_ords(doc) {
                    if let Some(counter) = counters.get_mut(ord as usize) {
                        *counter += 1;
                    }
                }
            }
        }
    }

    /// A block of documents (searches that do not score hand them over this way): a column with
    /// at most one value per document is read for the whole block at once, faster than document
    /// by document when a query matches most of the index.
    fn collect_block(&mut self, docs: &[DocId]) {
        let SegmentTermCounts { columns, block } = self;
        for (column, counters) in columns.iter_mut() {
            let Some(column) = column else { continue };
            if column.ords().get_cardinality() == Cardinality::Multivalued {
                for &doc in docs {
                    for ord in column.term_ords(doc) {
                        if let Some(counter) = counters.get_mut(ord as usize) {
                            *counter += 1;
                        }
                    }
                }
                continue;
            }
            block.clear();
            block.resize(docs.len(), None);
            column.ords().first_vals(docs, block);
            for ord in block.iter().flatten() {
                if let Some(counter) = counters.get_mut(*ord as usize) {
                    *counter += 1;
                }
            }
        }
    }

    fn harvest(self) -> Counts {
        let mut fruit = Vec::with_capacity(self.columns.len());
        for (column, counters) in self.columns {
            let mut counts = BTreeMap::new();
            if let Some(column) = column {
                let mut value = String::new();
                for (ord, count) in counters.into_iter().enumerate().filter(|(_, count)| *count > 0) {
                    value.clear();
                    // The dictionary is the segment's own, memory-mapped: an ordinal it gave cannot
                    // be missing from it, so a failed lookup only drops that value from the counts.
                    if column.ord_to_str(ord as u64, &mut value).unwrap_or(false) {
                        counts.insert(value.clone(), count);
                    }
                }
            }
            fruit.push(counts);
        }
        fruit
    }
}

/// A facet's list: every counted value, plus the selected ones even when none is left (so that a
/// form can still show them checked), in ascending order of value.
pub(crate) fn facet_list(counts: &BTreeMap<String, u64>, selected: &[String]) -> Vec<FacetCount> {
    let mut all = counts.clone();
    for value in selected {
        all.entry(value.clone()).or_insert(0);
    }
    all.into_iter().map(|(value, count)| FacetCount { value, count }).collect()
}

/// The counts of a yes/no field indexed as `"true"` / `"false"`.
pub(crate) fn bool_counts(counts: &BTreeMap<String, u64>) -> BoolCounts {
    BoolCounts { yes: counts.get(TRUE).copied().unwrap_or(0), no: counts.get(FALSE).copied().unwrap_or(0) }
}

/// How `true` is indexed in a yes/no keyword field.
pub(crate) const TRUE: &str = "true";
/// How `false` is indexed in a yes/no keyword field.
pub(crate) const FALSE: &str = "false";

/// A dimension's filter: any of its selected terms, scoring nothing (filters must not change
/// the ranking by words).
pub(crate) fn filter(field: Field, values: &[String]) -> Box<dyn Query> {
    let alternatives = values
        .iter()
        .map(|value| {
            let term = TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic);
            (Occur::Should, Box::new(term) as Box<dyn Query>)
        })
        .collect();
    Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(alternatives)), 0.0))
}

/// The words' query with the filters of every selected dimension except `skip` (each index kind
/// names its dimensions with its own enum).
pub(crate) fn compose<D: Copy + PartialEq>(
    words: &dyn Query,
    filters: &[(D, Box<dyn Query>)],
    skip: Option<D>,
) -> BooleanQuery {
    let mut clauses = vec![(Occur::Must, words.box_clone())];
    for (dimension, filter) in filters {
        if Some(*dimension) != skip {
            clauses.push((Occur::Must, filter.box_clone()));
        }
    }
    BooleanQuery::new(clauses)
}
