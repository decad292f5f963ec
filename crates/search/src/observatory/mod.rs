//! The index of observatory records (job postings, funding events, projects, datasets) behind
//! the dashboard's search page (`/observatoire/recherche`).
//!
//! The Parquet store is the source of truth; this index can always be rebuilt from it. The glue
//! hands [`records::Record`]s to [`RecordIndex::add`] (an upsert by id, committed at the end of
//! each call), removes them with [`RecordIndex::remove`] or [`RecordIndex::clear`], and answers a
//! [`RecordQuery`] with [`RecordIndex::search`]: one page of hits, the total, the disjunctive
//! facet counts and the month histogram. Facet values are codes (INSEE region codes, contract
//! codes, sector slugs, competence ids, `YYYY-MM`, funders' names as published); the web layer
//! turns them into French labels.

mod schema;
mod search;

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;

use records::{Amount, Contract, Kind, Record, Salary};
use tantivy::Term;

use crate::engine::{Engine, IfUnreadable, OpenState};
use crate::{Error, FacetCount, Snippet};

pub use crate::programmes::Rejected;
pub use schema::SCHEMA_VERSION;

/// Order of the hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first; without words, most recent first (as [`Sort::DateDesc`]).
    #[default]
    Relevance,
    /// Most recent first; undated records last.
    DateDesc,
    /// Oldest first; undated records last.
    DateAsc,
}

/// A search of the observatory. Within one filter the values are alternatives (region 84 *or*
/// 11); different filters must all hold. An empty list means no filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordQuery {
    /// The user's words, taken literally; `None` or no word: every record.
    pub text: Option<String>,
    /// Kinds of records.
    pub kinds: Vec<Kind>,
    /// INSEE region codes.
    pub regions: Vec<String>,
    /// Contract types (job postings only carry one).
    pub contracts: Vec<Contract>,
    /// Sector slugs.
    pub sectors: Vec<String>,
    /// Competence ids of the référentiel (job postings only carry them).
    pub competences: Vec<String>,
    /// Months, `YYYY-MM`.
    pub months: Vec<String>,
    /// Funders' names, exactly as indexed (as the facet lists them).
    pub funders: Vec<String>,
    /// Period start, `YYYY-MM` or `YYYY-MM-DD`, included. With a period, undated records are
    /// left out. The period is not a facet: it restricts every count, the histogram included.
    pub from: Option<String>,
    /// Period end, `YYYY-MM` (the whole month) or `YYYY-MM-DD`, included.
    pub to: Option<String>,
    /// Hits skipped before the page, at most [`MAX_OFFSET`].
    pub offset: usize,
    /// Hits on the page, at most [`MAX_LIMIT`]; 0 gives only the total and the facets.
    pub limit: usize,
    /// Order of the hits.
    pub sort: Sort,
}

pub use crate::paging::{DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET};
/// Most values one filter may list.
pub const MAX_FILTER_VALUES: usize = 200;

impl Default for RecordQuery {
    fn default() -> RecordQuery {
        RecordQuery {
            text: None,
            kinds: Vec::new(),
            regions: Vec::new(),
            contracts: Vec::new(),
            sectors: Vec::new(),
            competences: Vec::new(),
            months: Vec::new(),
            funders: Vec::new(),
            from: None,
            to: None,
            offset: 0,
            limit: DEFAULT_LIMIT,
            sort: Sort::Relevance,
        }
    }
}

/// One result line: what a page shows of a record without reading the Parquet store.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordHit {
    /// The record's id.
    pub id: String,
    /// Its kind.
    pub kind: Kind,
    /// Relevance score (higher is better); 0 when the hits are not sorted by relevance.
    pub score: f32,
    /// Title.
    pub title: String,
    /// The record's date as given (`YYYY-MM-DD` or `YYYY-MM`; see [`records::Record::date`]),
    /// when it is a valid date.
    pub date: Option<String>,
    /// `YYYY-MM` of the date.
    pub month: Option<String>,
    /// Where the record was read.
    pub source_url: String,
    /// The organisation to show: employer, recipient of the funding, first partner of the
    /// project, publisher of the dataset.
    pub organisation: Option<String>,
    /// Funder (funding events and projects).
    pub funder: Option<String>,
    /// INSEE region code.
    pub region: Option<String>,
    /// Contract type (job postings).
    pub contract: Option<Contract>,
    /// Sector slug.
    pub sector: Option<String>,
    /// Competence ids (job postings), sorted.
    pub competences: Vec<String>,
    /// Amount of a funding event or budget of a project.
    pub amount: Option<Amount>,
    /// Advertised salary (job postings).
    pub salary: Option<Salary>,
    /// A passage of the description (or of the details: contract, programme, stage, licence…)
    /// with the matched words marked; the description's beginning when nothing is marked.
    pub snippet: Snippet,
}

/// Facet counts of a search. Each dimension counts the records that match the words, the period
/// and every *other* filter, ignoring its own selection (disjunctive facets). Values are sorted
/// in ascending order (so months are in calendar order); selected values are listed even when
/// their count is 0.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecordFacets {
    /// Per kind (`job`, `funding`, `project`, `dataset`).
    pub kinds: Vec<FacetCount>,
    /// Per INSEE region code.
    pub regions: Vec<FacetCount>,
    /// Per contract code.
    pub contracts: Vec<FacetCount>,
    /// Per sector slug.
    pub sectors: Vec<FacetCount>,
    /// Per competence id.
    pub competences: Vec<FacetCount>,
    /// The date histogram: per `YYYY-MM`, every month from the first to the last counted one,
    /// empty months included with 0 (unless the span exceeds [`MAX_HISTOGRAM_MONTHS`]).
    pub months: Vec<FacetCount>,
    /// Per funder's name.
    pub funders: Vec<FacetCount>,
}

/// Longest span of months whose empty months are filled in the histogram (50 years); beyond,
/// only months with records are listed.
pub const MAX_HISTOGRAM_MONTHS: u64 = 600;

/// The answer to a [`RecordQuery`].
#[derive(Debug, Clone, PartialEq)]
pub struct RecordResults {
    /// How many records match the words, the period and all filters.
    pub total: u64,
    /// The requested page.
    pub hits: Vec<RecordHit>,
    /// Facet counts and the month histogram.
    pub facets: RecordFacets,
}

/// Records given to [`RecordIndex::add_with_progress`] between two progress reports.
pub const PROGRESS_STEP: usize = 1_000;

/// The observatory's index: a cheap clone, shareable between threads (axum handlers). One
/// writer per folder; each writing call commits, and searches see the last commit.
#[derive(Debug, Clone)]
pub struct RecordIndex {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    engine: Engine,
    fields: schema::Fields,
}

impl RecordIndex {
    /// Opens the index kept in `dir` (a folder of the data directory, created if needed).
    ///
    /// An index built with another [`SCHEMA_VERSION`] is replaced by an empty one; an unreadable
    /// one too when `if_unreadable` is [`IfUnreadable::Recreate`], otherwise it is an
    /// [`Error::Unreadable`]. The returned [`OpenState`] says whether the index must be filled
    /// again from the Parquet store ([`OpenState::needs_reindex`]).
    pub fn open_or_create(dir: &Path, if_unreadable: IfUnreadable) -> Result<(RecordIndex, OpenState), Error> {
        let (kind, fields) = schema::kind();
        let (engine, state) = Engine::open_or_create(dir, &kind, if_unreadable)?;
        Ok((RecordIndex { inner: Arc::new(Inner { engine, fields }) }, state))
    }

    /// An empty index in memory.
    pub fn in_memory() -> Result<RecordIndex, Error> {
        let (kind, fields) = schema::kind();
        let engine = Engine::in_memory(&kind)?;
        Ok(RecordIndex { inner: Arc::new(Inner { engine, fields }) })
    }

    /// Adds `records`, each replacing the record with the same id (the last one wins when a
    /// batch repeats an id), and commits. Records with an unusable id are left out and returned
    /// with their problems; the others are indexed.
    pub fn add(&self, records: &[Record]) -> Result<Vec<Rejected>, Error> {
        self.add_with_progress(records, |_| {})
    }

    /// As [`Self::add`], calling `progress` with the number of records handled so far every
    /// [`PROGRESS_STEP`] records and once at the end (before the commit). For very large ingests,
    /// call it once per chunk of a few tens of thousands of records: each call commits.
    pub fn add_with_progress(
        &self,
        records: &[Record],
        mut progress: impl FnMut(usize),
    ) -> Result<Vec<Rejected>, Error> {
        let fields = &self.inner.fields;
        let mut rejected = Vec::new();
        let mut writer = self.inner.engine.writer();
        for (done, record) in records.iter().enumerate() {
            if done > 0 && done % PROGRESS_STEP == 0 {
                progress(done);
            }
            let problems = schema::problems(record);
            if !problems.is_empty() {
                rejected.push(Rejected { id: record.id().to_owned(), problems });
                continue;
            }
            writer.delete_term(Term::from_field_text(fields.id, record.id()));
            if let Err(error) = writer.add_document(schema::to_document(fields, record)) {
                // Leave the index as it was rather than with half of the batch.
                let _ = writer.rollback();
                return Err(Error::engine("l'ajout d'un document")(error));
            }
        }
        progress(records.len());
        self.inner.engine.commit(&mut writer)?;
        Ok(rejected)
    }

    /// Removes the records with these ids (unknown ids are ignored) and commits.
    pub fn remove<S: AsRef<str>>(&self, ids: &[S]) -> Result<(), Error> {
        let mut writer = self.inner.engine.writer();
        for id in ids {
            writer.delete_term(Term::from_field_text(self.inner.fields.id, id.as_ref()));
        }
        self.inner.engine.commit(&mut writer)
    }

    /// Removes every record and commits.
    pub fn clear(&self) -> Result<(), Error> {
        let mut writer = self.inner.engine.writer();
        // Uncommitted changes would survive `delete_all_documents`: roll them back first.
        writer.rollback().map_err(Error::engine("l'annulation des écritures en attente"))?;
        writer.delete_all_documents().map_err(Error::engine("l'effacement de l'index"))?;
        self.inner.engine.commit(&mut writer)
    }

    /// Number of records visible to searches.
    pub fn len(&self) -> u64 {
        self.inner.engine.searcher().num_docs()
    }

    /// Whether no record is visible to searches.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of records of each kind visible to searches.
    pub fn count_by_kind(&self) -> Result<HashMap<Kind, u64>, Error> {
        let results = self.search(&RecordQuery { limit: 0, ..RecordQuery::default() })?;
        Ok(results
            .facets
            .kinds
            .into_iter()
            .filter_map(|facet| Kind::parse(&facet.value).map(|kind| (kind, facet.count)))
            .collect())
    }

    /// Calls `each` with the id of every record matching `query`'s words, period and filters (its
    /// page and order are ignored), in index order, until `each` returns
    /// [`ControlFlow::Break`]; returns how many ids were given. For exports without a row cap:
    /// memory grows by four bytes per matching record, never by the records themselves. The
    /// same parameters as [`Self::search`] are refused.
    pub fn for_each_id(&self, query: &RecordQuery, each: impl FnMut(&str) -> ControlFlow<()>) -> Result<u64, Error> {
        search::for_each_id(&self.inner.engine, &self.inner.fields, query, each)
    }

    /// Calls `each` with every record matching `query`'s words, period and filters (its page
    /// and order are ignored), in index order, until `each` returns [`ControlFlow::Break`];
    /// returns how many were given. For exports without a row cap: the hits are read one at a
    /// time (their snippet is the description's beginning), so memory does not grow with them.
    pub fn for_each_hit(
        &self,
        query: &RecordQuery,
        each: impl FnMut(RecordHit) -> ControlFlow<()>,
    ) -> Result<u64, Error> {
        search::for_each_hit(&self.inner.engine, &self.inner.fields, query, each)
    }

    /// Answers `query`. The text never causes an error; [`Error::InvalidQuery`] names a page
    /// size or start out of bounds, a period bound that is not a date, a month that is not
    /// `YYYY-MM`, or a filter listing too many values.
    pub fn search(&self, query: &RecordQuery) -> Result<RecordResults, Error> {
        search::run(&self.inner.engine, &self.inner.fields, query)
    }
}
