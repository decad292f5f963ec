//! Running a [`RecordQuery`]: the words' query and the period, one filter per dimension, the
//! page of hits in the asked order, the disjunctive facet counts and the month histogram.
//!
//! As for programmes: the page and the total come from the words, the period and *all* filters;
//! that same search counts the dimensions that have no selection, and each dimension with a
//! selection is counted by one more search with every filter but its own. A query with k
//! selected dimensions costs 1 + k searches; each count is exact.

use std::collections::BTreeMap;
use std::ops::{Bound, ControlFlow};

use records::{Amount, Contract, Salary};
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery};
use tantivy::schema::Field;
use tantivy::{DocAddress, DocId, Order, Score, Searcher, SegmentOrdinal, SegmentReader, TantivyDocument, Term};

use super::schema::{self, Fields};
use super::{MAX_FILTER_VALUES, MAX_HISTOGRAM_MONTHS, RecordFacets, RecordHit, RecordQuery, RecordResults, Sort};
use crate::engine::Engine;
use crate::facets::{self, FacetCount, TermCounts, compose, filter};
use crate::snippet::{Highlighter, SNIPPET_CHARS};
use crate::{Error, Snippet, analysis, text_query};

/// The filterable dimensions, in the order of [`RecordFacets`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dimension {
    Kind,
    Region,
    Contract,
    Sector,
    Competence,
    Month,
    Funder,
}

impl Dimension {
    const ALL: [Dimension; 7] = [
        Dimension::Kind,
        Dimension::Region,
        Dimension::Contract,
        Dimension::Sector,
        Dimension::Competence,
        Dimension::Month,
        Dimension::Funder,
    ];

    fn column(self) -> &'static str {
        match self {
            Dimension::Kind => schema::KIND_FIELD,
            Dimension::Region => schema::REGION,
            Dimension::Contract => schema::CONTRACT,
            Dimension::Sector => schema::SECTOR,
            Dimension::Competence => schema::COMPETENCE,
            Dimension::Month => schema::MONTH,
            Dimension::Funder => schema::FUNDER,
        }
    }

    fn field(self, fields: &Fields) -> Field {
        match self {
            Dimension::Kind => fields.kind,
            Dimension::Region => fields.region,
            Dimension::Contract => fields.contract,
            Dimension::Sector => fields.sector,
            Dimension::Competence => fields.competence,
            Dimension::Month => fields.month,
            Dimension::Funder => fields.funder,
        }
    }

    /// French name of the filter, for messages.
    fn name(self) -> &'static str {
        match self {
            Dimension::Kind => "types",
            Dimension::Region => "régions",
            Dimension::Contract => "contrats",
            Dimension::Sector => "secteurs",
            Dimension::Competence => "compétences",
            Dimension::Month => "mois",
            Dimension::Funder => "financeurs",
        }
    }

    /// The terms selected in this dimension (alternatives); empty when it is not filtered.
    fn selected(self, query: &RecordQuery) -> Vec<String> {
        let mut values: Vec<String> = match self {
            Dimension::Kind => query.kinds.iter().map(|kind| kind.as_str().to_owned()).collect(),
            Dimension::Region => query.regions.clone(),
            Dimension::Contract => query.contracts.iter().map(|contract| contract.as_str().to_owned()).collect(),
            Dimension::Sector => query.sectors.clone(),
            Dimension::Competence => query.competences.clone(),
            Dimension::Month => query.months.iter().map(|month| month.trim().to_owned()).collect(),
            Dimension::Funder => query.funders.clone(),
        };
        values.retain(|value| !value.is_empty());
        values.sort_unstable();
        values.dedup();
        values
    }
}

/// The period's bounds as day numbers, both included.
fn period(query: &RecordQuery) -> Result<(Option<u64>, Option<u64>), Error> {
    let bound = |text: &Option<String>, name: &str, end: bool| -> Result<Option<u64>, Error> {
        let Some(text) = text.as_deref().map(str::trim).filter(|text| !text.is_empty()) else {
            return Ok(None);
        };
        // A bound is a whole date or month: nothing may follow it (records' dates may carry a time).
        match schema::day_number(text).filter(|_| matches!(text.len(), 7 | 10)) {
            // A month as end bound means its last day; as start bound, its day 0 (before the 1st).
            Some(day) if end && day % 100 == 0 => Ok(Some(day + 99)),
            Some(day) => Ok(Some(day)),
            None => Err(Error::InvalidQuery(format!(
                "{name} de période « {} » : attendu une date AAAA-MM-JJ ou un mois AAAA-MM",
                analysis::truncate(text, 40).escape_debug()
            ))),
        }
    };
    let from = bound(&query.from, "début", false)?;
    let to = bound(&query.to, "fin", true)?;
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(Error::InvalidQuery(format!(
            "la période commence ({}) après sa fin ({}) : inversez les deux dates",
            query.from.as_deref().unwrap_or_default().trim(),
            query.to.as_deref().unwrap_or_default().trim()
        )));
    }
    Ok((from, to))
}

fn check(query: &RecordQuery) -> Result<(), Error> {
    crate::paging::check(query.offset, query.limit)?;
    for dimension in Dimension::ALL {
        let n_values = dimension.selected(query).len();
        if n_values > MAX_FILTER_VALUES {
            return Err(Error::InvalidQuery(format!(
                "{n_values} valeurs pour le filtre {} : au plus {MAX_FILTER_VALUES}",
                dimension.name()
            )));
        }
    }
    for month in &query.months {
        let month = month.trim();
        if !month.is_empty() && (month.len() != 7 || schema::day_number(month).is_none()) {
            return Err(Error::InvalidQuery(format!(
                "mois « {} » : attendu AAAA-MM, par exemple 2026-03",
                analysis::truncate(month, 40).escape_debug()
            )));
        }
    }
    Ok(())
}

/// A query's parts: the analysed words, their query, the words with the period, and one filter
/// per selected dimension.
struct Prepared {
    terms: Vec<String>,
    words: Box<dyn Query>,
    base: Box<dyn Query>,
    filters: Vec<(Dimension, Box<dyn Query>)>,
}

fn prepare(fields: &Fields, query: &RecordQuery) -> Result<Prepared, Error> {
    check(query)?;
    let (from, to) = period(query)?;
    let terms = query.text.as_deref().map(analysis::query_terms).unwrap_or_default();
    let words = text_query::build(&terms, &fields.weighted_text());
    // The period narrows everything, so it joins the words rather than the facet filters.
    let base: Box<dyn Query> = if from.is_none() && to.is_none() {
        words.box_clone()
    } else {
        let bound = |day: Option<u64>| {
            day.map_or(Bound::Unbounded, |day| Bound::Included(Term::from_field_u64(fields.day, day)))
        };
        let range = RangeQuery::new(bound(from), bound(to));
        Box::new(BooleanQuery::new(vec![(Occur::Must, words.box_clone()), (Occur::Must, Box::new(range))]))
    };
    let filters = Dimension::ALL
        .into_iter()
        .filter_map(|dimension| {
            let selected = dimension.selected(query);
            (!selected.is_empty()).then(|| (dimension, filter(dimension.field(fields), &selected)))
        })
        .collect();
    Ok(Prepared { terms, words, base, filters })
}

pub(super) fn run(engine: &Engine, fields: &Fields, query: &RecordQuery) -> Result<RecordResults, Error> {
    let Prepared { terms, words, base, filters } = prepare(fields, query)?;
    let is_filtered = |dimension: Dimension| filters.iter().any(|(filtered, _)| *filtered == dimension);

    let searcher = engine.searcher();
    let everything = compose(&*base, &filters, None);
    let unfiltered: Vec<Dimension> = Dimension::ALL.into_iter().filter(|dimension| !is_filtered(*dimension)).collect();
    let counter = TermCounts::new(unfiltered.iter().map(|dimension| dimension.column()).collect());
    let (total, counted) = searcher.search(&everything, &(Count, counter)).map_err(Error::engine("la recherche"))?;

    let mut counts: BTreeMap<&'static str, BTreeMap<String, u64>> =
        unfiltered.iter().map(|dimension| dimension.column()).zip(counted).collect();
    for (dimension, _) in &filters {
        let others = compose(&*base, &filters, Some(*dimension));
        let mut counted = searcher
            .search(&others, &TermCounts::new(vec![dimension.column()]))
            .map_err(Error::engine("le comptage des facettes"))?;
        counts.insert(dimension.column(), counted.pop().unwrap_or_default());
    }

    let sort = if terms.is_empty() && query.sort == Sort::Relevance { Sort::DateDesc } else { query.sort };
    let page = top(&searcher, &everything, sort, query.offset, query.limit)?;
    let hits = hits(&searcher, fields, &*words, &terms, page)?;
    Ok(RecordResults { total: total as u64, hits, facets: facet_lists(&counts, query) })
}

/// Calls `each` with the id of every record matching `query` (words, period and filters; its
/// page and order are ignored), segment by segment in index order, until `each` breaks.
/// Memory: four bytes per matching record, whatever their number.
pub(super) fn for_each_id(
    engine: &Engine,
    fields: &Fields,
    query: &RecordQuery,
    mut each: impl FnMut(&str) -> ControlFlow<()>,
) -> Result<u64, Error> {
    let Prepared { base, filters, .. } = prepare(fields, query)?;
    let searcher = engine.searcher();
    let everything = compose(&*base, &filters, None);
    let per_segment = searcher.search(&everything, &DocIds).map_err(Error::engine("la recherche"))?;
    let mut n_ids = 0;
    let mut id = String::new();
    for (segment, docs) in per_segment {
        let reader = searcher.segment_reader(segment);
        let Some(column) =
            reader.fast_fields().str(schema::ID).map_err(Error::engine("la lecture des identifiants"))?
        else {
            continue;
        };
        for doc in docs {
            let Some(ord) = column.term_ords(doc).next() else { continue };
            id.clear();
            if column
                .ord_to_str(ord, &mut id)
                .map_err(|error| Error::Engine { action: "la lecture des identifiants", detail: error.to_string() })?
            {
                n_ids += 1;
                if each(&id).is_break() {
                    return Ok(n_ids);
                }
            }
        }
    }
    Ok(n_ids)
}

/// Calls `each` with every record matching `query` (words, period and filters; its page and
/// order are ignored), segment by segment in index order, until `each` breaks; returns how
/// many were given. The hits carry the description's beginning as snippet (no highlighting).
/// Memory: four bytes per matching record plus one document at a time.
pub(super) fn for_each_hit(
    engine: &Engine,
    fields: &Fields,
    query: &RecordQuery,
    mut each: impl FnMut(RecordHit) -> ControlFlow<()>,
) -> Result<u64, Error> {
    let Prepared { base, filters, .. } = prepare(fields, query)?;
    let searcher = engine.searcher();
    let everything = compose(&*base, &filters, None);
    let per_segment = searcher.search(&everything, &DocIds).map_err(Error::engine("la recherche"))?;
    let mut given = 0;
    for (segment, docs) in per_segment {
        for doc in docs {
            let document: TantivyDocument =
                searcher.doc(DocAddress::new(segment, doc)).map_err(Error::engine("la lecture d'un document"))?;
            let excerpt = schema::first_text(&document, fields.excerpt);
            let leading = if excerpt.is_empty() { schema::first_text(&document, fields.details) } else { excerpt };
            let snippet = Snippet::leading(&leading, SNIPPET_CHARS);
            given += 1;
            if each(hit_of(&document, fields, 0.0, snippet)).is_break() {
                return Ok(given);
            }
        }
    }
    Ok(given)
}

/// Collects the matching documents of each segment, in order (no scores).
struct DocIds;

/// One segment's matching documents.
struct SegmentDocIds {
    segment: SegmentOrdinal,
    docs: Vec<DocId>,
}

impl Collector for DocIds {
    type Fruit = Vec<(SegmentOrdinal, Vec<DocId>)>;
    type Child = SegmentDocIds;

    fn for_segment(&self, segment: SegmentOrdinal, _reader: &SegmentReader) -> tantivy::Result<SegmentDocIds> {
        Ok(SegmentDocIds { segment, docs: Vec::new() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<(SegmentOrdinal, Vec<DocId>)>) -> tantivy::Result<Self::Fruit> {
        let mut segments = segments;
        segments.sort_by_key(|(segment, _)| *segment);
        Ok(segments)
    }
}

impl SegmentCollector for SegmentDocIds {
    type Fruit = (SegmentOrdinal, Vec<DocId>);

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.docs.push(doc);
    }

    fn harvest(self) -> Self::Fruit {
        (self.segment, self.docs)
    }
}

/// The addresses of the page's documents, with their scores when sorted by relevance.
fn top(
    searcher: &Searcher,
    query: &dyn Query,
    sort: Sort,
    offset: usize,
    limit: usize,
) -> Result<Vec<(f32, DocAddress)>, Error> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let page = TopDocs::with_limit(limit).and_offset(offset);
    let searching = Error::engine("la recherche");
    // Ties keep the order of document addresses (tantivy's rule), which is fixed for a given
    // commit: pages neither overlap nor skip while the index does not change. A tie-break on the
    // id column would cost a string comparison per candidate and disable the engine's pruning.
    Ok(match sort {
        Sort::Relevance => searcher.search(query, &page.order_by_score()).map_err(searching)?,
        // Undated records come last in both orders (tantivy puts missing values last).
        Sort::DateDesc | Sort::DateAsc => {
            let order = if sort == Sort::DateDesc { Order::Desc } else { Order::Asc };
            searcher
                .search(query, &page.order_by_fast_field::<u64>(schema::DAY, order))
                .map_err(searching)?
                .into_iter()
                .map(|(_, address)| (0.0, address))
                .collect()
        }
    })
}

fn hits(
    searcher: &Searcher,
    fields: &Fields,
    words: &dyn Query,
    terms: &[String],
    page: Vec<(f32, DocAddress)>,
) -> Result<Vec<RecordHit>, Error> {
    // No generators for an empty page: preparing them reads the terms' statistics.
    let has_words = !terms.is_empty() && !page.is_empty();
    let highlighter = Highlighter::new(searcher, words, has_words, fields.description, fields.details)?;
    let mut hits = Vec::with_capacity(page.len());
    for (score, address) in page {
        let document: TantivyDocument = searcher.doc(address).map_err(Error::engine("la lecture d'un document"))?;
        let excerpt = schema::first_text(&document, fields.excerpt);
        let details = schema::first_text(&document, fields.details);
        // Records without description (funding events, datasets) show their details. The
        // description's generator scores the description's terms; it runs over the stored
        // excerpt, so a word found only further in the description marks nothing here.
        let leading = if excerpt.is_empty() { &details } else { &excerpt };
        let snippet = Highlighter::snippet(highlighter.as_ref(), &excerpt, || details.clone(), leading);
        hits.push(hit_of(&document, fields, score, snippet));
    }
    Ok(hits)
}

/// A hit built from a stored document.
fn hit_of(document: &TantivyDocument, fields: &Fields, score: f32, snippet: Snippet) -> RecordHit {
    let date = schema::optional_text(document, fields.date);
    let month = date.as_deref().and_then(schema::day_number).map(schema::month_of);
    let amount = schema::number(document, fields.amount).map(|value| Amount {
        value,
        currency: schema::optional_text(document, fields.amount_currency).unwrap_or_else(|| "EUR".to_owned()),
    });
    let salary = schema::optional_text(document, fields.salary_period).and_then(|period| {
        Some(Salary {
            min: schema::number(document, fields.salary_min),
            max: schema::number(document, fields.salary_max),
            currency: schema::optional_text(document, fields.salary_currency).unwrap_or_else(|| "EUR".to_owned()),
            period: schema::parse_period(&period)?,
        })
    });
    RecordHit {
        id: schema::first_text(document, fields.id),
        kind: schema::stored_kind(document, fields),
        score,
        title: schema::first_text(document, fields.title),
        date,
        month,
        source_url: schema::first_text(document, fields.source_url),
        organisation: schema::optional_text(document, fields.organisation),
        funder: schema::optional_text(document, fields.funder),
        region: schema::optional_text(document, fields.region),
        contract: schema::optional_text(document, fields.contract).as_deref().and_then(Contract::parse),
        sector: schema::optional_text(document, fields.sector),
        competences: schema::all_text(document, fields.competence),
        amount,
        salary,
        snippet,
    }
}

fn facet_lists(counts: &BTreeMap<&'static str, BTreeMap<String, u64>>, query: &RecordQuery) -> RecordFacets {
    let empty = BTreeMap::new();
    let of = |dimension: Dimension| counts.get(dimension.column()).unwrap_or(&empty);
    let list = |dimension: Dimension| facets::facet_list(of(dimension), &dimension.selected(query));
    RecordFacets {
        kinds: list(Dimension::Kind),
        regions: list(Dimension::Region),
        contracts: list(Dimension::Contract),
        sectors: list(Dimension::Sector),
        competences: list(Dimension::Competence),
        months: histogram(list(Dimension::Month)),
        funders: list(Dimension::Funder),
    }
}

/// The months' counts with the empty months between the first and the last filled in with 0, in
/// calendar order; unchanged when the span is longer than [`MAX_HISTOGRAM_MONTHS`].
fn histogram(months: Vec<FacetCount>) -> Vec<FacetCount> {
    let index = |value: &str| schema::day_number(value).map(|day| (day / 10_000) * 12 + (day / 100 % 100) - 1);
    let (Some(first), Some(last)) =
        (months.first().and_then(|facet| index(&facet.value)), months.last().and_then(|facet| index(&facet.value)))
    else {
        return months;
    };
    if last < first || last - first >= MAX_HISTOGRAM_MONTHS {
        return months;
    }
    let known: BTreeMap<u64, u64> =
        months.iter().filter_map(|facet| Some((index(&facet.value)?, facet.count))).collect();
    (first..=last)
        .map(|month| FacetCount {
            value: format!("{:04}-{:02}", month / 12, month % 12 + 1),
            count: known.get(&month).copied().unwrap_or(0),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facet(value: &str, count: u64) -> FacetCount {
        FacetCount { value: value.to_owned(), count }
    }

    #[test]
    fn the_histogram_fills_empty_months_across_years() {
        let filled = histogram(vec![facet("2025-11", 2), facet("2026-02", 5)]);
        assert_eq!(filled, vec![facet("2025-11", 2), facet("2025-12", 0), facet("2026-01", 0), facet("2026-02", 5)]);
        assert_eq!(histogram(Vec::new()), Vec::new());
        let far = vec![facet("1900-01", 1), facet("2026-01", 1)];
        assert_eq!(histogram(far.clone()), far);
    }
}
