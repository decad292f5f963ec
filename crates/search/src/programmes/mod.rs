//! The index of training programmes behind `/formations` and `/api/formations`.
//!
//! The glue maps each public programme of the registry to a [`ProgrammeDoc`] and keeps the index
//! in step with the database ([`ProgrammeIndex::upsert`], [`ProgrammeIndex::delete`], then
//! [`ProgrammeIndex::commit`]; [`ProgrammeIndex::rebuild`] at start or after
//! [`OpenState::needs_reindex`]). [`ProgrammeIndex::search`] answers a [`ProgrammeQuery`]: one
//! page of hits, the total and the facet counts.

mod schema;
mod search;

use std::path::Path;
use std::sync::Arc;

use tantivy::Term;

use crate::engine::{Engine, IfUnreadable, OpenState};
use crate::{BoolCounts, Error, FacetCount, Snippet};

pub use schema::SCHEMA_VERSION;

/// What the index knows of a programme: plain values mapped by the glue from the registry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgrammeDoc {
    /// Unique key, e.g. `"universite-exemple/master-sd"`: no spaces or control characters.
    pub id: String,
    /// Title (searched, boosted most).
    pub title: String,
    /// Provider's name (searched).
    pub provider: String,
    /// Description or summary (searched; snippets come from it).
    pub description: String,
    /// Titles of the teaching units (searched).
    pub unit_titles: Vec<String>,
    /// City (searched).
    pub city: String,
    /// INSEE region code (`"84"`), empty when none.
    pub region: String,
    /// Diploma code (`"master"`, `"licence_pro"`, `"court"`…).
    pub diploma: String,
    /// RNCP level 5 to 8; `None` for short courses and MOOCs.
    pub level: Option<u8>,
    /// Teaching modalities (`"presentiel"`, `"distanciel"`, `"hybride"`).
    pub modalities: Vec<String>,
    /// Label status code (`"granted"`, `"submitted"`, `"none"`…).
    pub label_status: String,
    /// Competences taught, each with its target level 1 to 4 (N1 to N4).
    pub competences: Vec<(String, u8)>,
    /// Whether the criteria report says the programme is eligible for the label.
    pub eligible: bool,
    /// Whether it is a fictional demo programme.
    pub example: bool,
    /// Date of last update, `AAAA-MM-JJ` (a time may follow); empty when unknown.
    pub updated: String,
}

/// Order of the hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first; without words, by title.
    #[default]
    Relevance,
    /// By title, accents and case ignored.
    Title,
    /// Most recently updated first (unknown dates last).
    Updated,
}

/// « Programmes that declare this competence at this level or above ».
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompetenceFilter {
    /// Competence id, e.g. `"DS.MST.07"`.
    pub id: String,
    /// Minimum level, 1 to 4 (N1 to N4).
    pub min_level: u8,
}

/// A search of the registry. Within one filter the values are alternatives (level 6 *or* 7);
/// different filters must all hold. An empty list means no filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeQuery {
    /// The user's words, taken literally; `None` or no word: every programme.
    pub text: Option<String>,
    /// RNCP levels.
    pub levels: Vec<u8>,
    /// Diploma codes.
    pub diplomas: Vec<String>,
    /// INSEE region codes.
    pub regions: Vec<String>,
    /// Modalities.
    pub modalities: Vec<String>,
    /// Label status codes.
    pub label_statuses: Vec<String>,
    /// A competence and its minimum level.
    pub competence: Option<CompetenceFilter>,
    /// Only eligible (`Some(true)`) or not eligible (`Some(false)`) programmes.
    pub eligible: Option<bool>,
    /// Only demo programmes (`Some(true)`) or only real ones (`Some(false)`).
    pub example: Option<bool>,
    /// Hits skipped before the page, at most [`MAX_OFFSET`].
    pub offset: usize,
    /// Hits on the page, at most [`MAX_LIMIT`]; 0 gives only the total and the facets.
    pub limit: usize,
    /// Order of the hits.
    pub sort: Sort,
}

pub use crate::paging::{DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET};

impl Default for ProgrammeQuery {
    fn default() -> ProgrammeQuery {
        ProgrammeQuery {
            text: None,
            levels: Vec::new(),
            diplomas: Vec::new(),
            regions: Vec::new(),
            modalities: Vec::new(),
            label_statuses: Vec::new(),
            competence: None,
            eligible: None,
            example: None,
            offset: 0,
            limit: DEFAULT_LIMIT,
            sort: Sort::Relevance,
        }
    }
}

/// One result line.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeHit {
    /// The programme's id.
    pub id: String,
    /// Relevance score (higher is better); 0 when the hits are not sorted by relevance.
    pub score: f32,
    /// Title.
    pub title: String,
    /// Provider's name.
    pub provider: String,
    /// City.
    pub city: String,
    /// INSEE region code.
    pub region: String,
    /// Diploma code.
    pub diploma: String,
    /// RNCP level.
    pub level: Option<u8>,
    /// Modalities.
    pub modalities: Vec<String>,
    /// Label status code.
    pub label_status: String,
    /// Whether it is eligible for the label.
    pub eligible: bool,
    /// Whether it is a demo programme.
    pub example: bool,
    /// Date of last update.
    pub updated: String,
    /// Declared level of the competence the query filters on, if any.
    pub competence_level: Option<u8>,
    /// A passage of the description (or of the units' titles when only they match) with the
    /// matched words marked; the description's beginning when the query has no words.
    pub snippet: Snippet,
}

/// Facet counts of a search. Each dimension counts the programmes that match the words and
/// every *other* filter, ignoring its own selection (disjunctive facets): ticking « master »
/// leaves the other diplomas' counts visible, so that a user can widen the selection, while
/// the regions' counts shrink to masters. Values are sorted in ascending order; selected values
/// are listed even when their count is 0.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProgrammeFacets {
    /// Per RNCP level (`"5"` … `"8"`); programmes without level are not counted here.
    pub levels: Vec<FacetCount>,
    /// Per diploma code.
    pub diplomas: Vec<FacetCount>,
    /// Per region code.
    pub regions: Vec<FacetCount>,
    /// Per modality.
    pub modalities: Vec<FacetCount>,
    /// Per label status.
    pub label_statuses: Vec<FacetCount>,
    /// Per competence id: programmes declaring it at the query's minimum level or above (N1
    /// when the query has no competence filter).
    pub competences: Vec<FacetCount>,
    /// Eligible or not.
    pub eligible: BoolCounts,
    /// Demo or real.
    pub example: BoolCounts,
}

/// The answer to a [`ProgrammeQuery`].
#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeResults {
    /// How many programmes match the words and all filters.
    pub total: u64,
    /// The requested page.
    pub hits: Vec<ProgrammeHit>,
    /// Facet counts.
    pub facets: ProgrammeFacets,
}

/// A document [`ProgrammeIndex::rebuild`] left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The document's id, as given.
    pub id: String,
    /// Every broken rule, in French.
    pub problems: Vec<String>,
}

/// The programmes index: a cheap clone, shareable between threads (axum handlers). Writes go
/// through one writer and become visible to searches at [`ProgrammeIndex::commit`].
#[derive(Debug, Clone)]
pub struct ProgrammeIndex {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    engine: Engine,
    fields: schema::Fields,
}

impl ProgrammeIndex {
    /// Opens the index kept in `dir` (a folder of the data directory, created if needed).
    ///
    /// An index built with another [`SCHEMA_VERSION`] is replaced by an empty one; an unreadable
    /// one too when `if_unreadable` is [`IfUnreadable::Recreate`], otherwise it is an
    /// [`Error::Unreadable`]. The returned [`OpenState`] says whether the index must be filled
    /// again ([`OpenState::needs_reindex`]).
    pub fn open_or_create(dir: &Path, if_unreadable: IfUnreadable) -> Result<(ProgrammeIndex, OpenState), Error> {
        let (kind, fields) = schema::kind();
        let (engine, state) = Engine::open_or_create(dir, &kind, if_unreadable)?;
        Ok((ProgrammeIndex { inner: Arc::new(Inner { engine, fields }) }, state))
    }

    /// An empty index in memory.
    pub fn in_memory() -> Result<ProgrammeIndex, Error> {
        let (kind, fields) = schema::kind();
        let engine = Engine::in_memory(&kind)?;
        Ok(ProgrammeIndex { inner: Arc::new(Inner { engine, fields }) })
    }

    /// Adds `doc`, replacing the document with the same id; visible after [`Self::commit`].
    pub fn upsert(&self, doc: &ProgrammeDoc) -> Result<(), Error> {
        let problems = schema::problems(doc);
        if !problems.is_empty() {
            return Err(Error::InvalidDocument { id: doc.id.clone(), problems });
        }
        let fields = &self.inner.fields;
        let writer = self.inner.engine.writer();
        writer.delete_term(Term::from_field_text(fields.id, &doc.id));
        writer.add_document(schema::to_document(fields, doc)).map_err(Error::engine("l'ajout d'un document"))?;
        Ok(())
    }

    /// Removes the document with this id (nothing happens if there is none); visible after
    /// [`Self::commit`].
    pub fn delete(&self, id: &str) {
        let writer = self.inner.engine.writer();
        writer.delete_term(Term::from_field_text(self.inner.fields.id, id));
    }

    /// Makes every change since the last commit durable and visible to searches.
    pub fn commit(&self) -> Result<(), Error> {
        let mut writer = self.inner.engine.writer();
        self.inner.engine.commit(&mut writer)
    }

    /// Replaces the whole content by `docs` and commits. Invalid documents, and any document
    /// whose id was already given, are left out and returned with their problems; the others
    /// are indexed. Uncommitted changes made before are discarded with the old content.
    pub fn rebuild(&self, docs: &[ProgrammeDoc]) -> Result<Vec<Rejected>, Error> {
        let fields = &self.inner.fields;
        let mut rejected = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut writer = self.inner.engine.writer();
        // Uncommitted changes would survive `delete_all_documents` (it drops committed segments
        // only): roll them back first.
        writer.rollback().map_err(Error::engine("l'annulation des écritures en attente"))?;
        writer.delete_all_documents().map_err(Error::engine("l'effacement de l'index"))?;
        for doc in docs {
            let mut problems = schema::problems(doc);
            if problems.is_empty() && !seen.insert(doc.id.as_str()) {
                problems.push(format!("l'identifiant « {} » est déjà pris par un document précédent", doc.id));
            }
            if !problems.is_empty() {
                rejected.push(Rejected { id: doc.id.clone(), problems });
                continue;
            }
            if let Err(error) = writer.add_document(schema::to_document(fields, doc)) {
                // Keep the old content rather than half of the new one.
                let _ = writer.rollback();
                return Err(Error::engine("l'ajout d'un document")(error));
            }
        }
        self.inner.engine.commit(&mut writer)?;
        Ok(rejected)
    }

    /// Number of documents visible to searches.
    pub fn len(&self) -> u64 {
        self.inner.engine.searcher().num_docs()
    }

    /// Whether no document is visible to searches.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Answers `query`. The text never causes an error; [`Error::InvalidQuery`] names a page
    /// size or start out of bounds, or a competence level outside 1 to 4.
    pub fn search(&self, query: &ProgrammeQuery) -> Result<ProgrammeResults, Error> {
        search::run(&self.inner.engine, &self.inner.fields, query)
    }
}
