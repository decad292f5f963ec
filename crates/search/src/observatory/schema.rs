//! The observatory index's schema: its fields, how a [`Record`] becomes an indexed document, and
//! what a record must satisfy to be indexed.
//!
//! Bump [`SCHEMA_VERSION`] whenever a field, its options or the analysis of text change: an index
//! on disk built by another version is then replaced by an empty one and reindexed from the
//! Parquet store.
//!
//! Records come from pages of the web: every value is bounded here (text, keyword and list
//! lengths) so that one hostile record cannot blow up the index, and a date that is not an ISO
//! calendar date leaves the record undated instead of refusing it.

use records::{Amount, Contract, Kind, Record, Salary, SalaryPeriod};
use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};

use crate::analysis;
use crate::engine;

/// Version of this schema and of the analysis of its text.
pub const SCHEMA_VERSION: u32 = 1;

/// Name of the index kind, written in the version file.
const KIND: &str = "observatoire";

// Names of the keyword fields that filters and facets use; each has a column.
pub(crate) const KIND_FIELD: &str = "kind";
pub(crate) const REGION: &str = "region";
pub(crate) const CONTRACT: &str = "contract";
pub(crate) const SECTOR: &str = "sector";
pub(crate) const COMPETENCE: &str = "competence";
pub(crate) const MONTH: &str = "month";
pub(crate) const FUNDER: &str = "funder";
// Columns used for sorting and date ranges.
pub(crate) const ID: &str = "id";
pub(crate) const DAY: &str = "day";

/// Most bytes of a description that are indexed; the rest of a longer text is not searched.
const MAX_INDEXED_TEXT_BYTES: usize = 64 * 1024;
/// Most characters of a description kept to render snippets (the index stores no whole
/// document: the Parquet store is the source of truth).
pub(crate) const EXCERPT_CHARS: usize = 800;
/// Longest keyword value kept, in bytes (a funder's name, a sector slug…).
const MAX_KEYWORD_BYTES: usize = 200;
/// Most values of one list (organisations, competences, formats) that are indexed.
const MAX_VALUES: usize = 64;
/// Longest identifier accepted, in bytes.
const MAX_ID_BYTES: usize = 512;

/// The fields of the observatory index.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub(crate) id: Field,
    pub(crate) kind: Field,
    pub(crate) title: Field,
    pub(crate) organisations: Field,
    pub(crate) place: Field,
    pub(crate) description: Field,
    pub(crate) details: Field,
    pub(crate) excerpt: Field,
    pub(crate) region: Field,
    pub(crate) contract: Field,
    pub(crate) sector: Field,
    pub(crate) competence: Field,
    pub(crate) month: Field,
    pub(crate) funder: Field,
    pub(crate) day: Field,
    pub(crate) date: Field,
    pub(crate) source_url: Field,
    pub(crate) organisation: Field,
    pub(crate) amount: Field,
    pub(crate) amount_currency: Field,
    pub(crate) salary_min: Field,
    pub(crate) salary_max: Field,
    pub(crate) salary_currency: Field,
    pub(crate) salary_period: Field,
}

/// The schema and its fields.
pub(crate) fn kind() -> (engine::Kind, Fields) {
    let mut builder = Schema::builder();
    // Full text: analysed in French, term frequencies kept (for scoring), positions not.
    let indexing =
        TextFieldIndexing::default().set_tokenizer(analysis::FRENCH).set_index_option(IndexRecordOption::WithFreqs);
    let searched = TextOptions::default().set_indexing_options(indexing);
    let searched_and_stored = searched.clone().set_stored();
    // Keywords: one raw term (filters), a column (facets, sorting), stored (result lines).
    let keyword = STRING | STORED | FAST;
    let fields = Fields {
        id: builder.add_text_field(ID, keyword.clone()),
        kind: builder.add_text_field(KIND_FIELD, keyword.clone()),
        title: builder.add_text_field("title", searched_and_stored.clone()),
        organisations: builder.add_text_field("organisations", searched.clone()),
        place: builder.add_text_field("place", searched.clone()),
        description: builder.add_text_field("description", searched),
        details: builder.add_text_field("details", searched_and_stored),
        excerpt: builder.add_text_field("excerpt", STORED),
        region: builder.add_text_field(REGION, keyword.clone()),
        contract: builder.add_text_field(CONTRACT, keyword.clone()),
        sector: builder.add_text_field(SECTOR, keyword.clone()),
        competence: builder.add_text_field(COMPETENCE, keyword.clone()),
        month: builder.add_text_field(MONTH, keyword.clone()),
        funder: builder.add_text_field(FUNDER, keyword),
        day: builder.add_u64_field(DAY, INDEXED | FAST),
        date: builder.add_text_field("date", STORED),
        source_url: builder.add_text_field("source_url", STORED),
        organisation: builder.add_text_field("organisation", STORED),
        amount: builder.add_f64_field("amount", STORED),
        amount_currency: builder.add_text_field("amount_currency", STORED),
        salary_min: builder.add_f64_field("salary_min", STORED),
        salary_max: builder.add_f64_field("salary_max", STORED),
        salary_currency: builder.add_text_field("salary_currency", STORED),
        salary_period: builder.add_text_field("salary_period", STORED),
    };
    let kind = engine::Kind { name: KIND, version: SCHEMA_VERSION, schema: builder.build() };
    (kind, fields)
}

impl Fields {
    /// The full-text fields with their boosts: a word of the title counts most, then the
    /// organisations (employer, funder, recipient, partners, publisher) and the city, then the
    /// kind-specific details (contract, funding programme, stage, licence…), then the description.
    pub(crate) fn weighted_text(&self) -> Vec<(Field, f32)> {
        vec![
            (self.title, 3.0),
            (self.organisations, 2.0),
            (self.place, 2.0),
            (self.details, 1.5),
            (self.description, 1.0),
        ]
    }
}

/// Every rule `record` breaks, in French. Only the id can make a record unusable: everything
/// else is optional or bounded when indexed.
pub(crate) fn problems(record: &Record) -> Vec<String> {
    let id = record.id();
    let mut problems = Vec::new();
    if id.trim().is_empty() {
        problems.push("l'identifiant est vide".to_owned());
    } else if id.chars().any(|ch| ch.is_whitespace() || ch.is_control()) {
        problems.push(format!(
            "l'identifiant « {} » contient des espaces ou des caractères de contrôle ; attendu un \
             identifiant stable sans espace, par exemple « job-3f2a9c »",
            analysis::truncate(id, 80).escape_debug()
        ));
    } else if id.len() > MAX_ID_BYTES {
        problems.push(format!("l'identifiant fait {} octets : au plus {MAX_ID_BYTES}", id.len()));
    }
    problems
}

/// A calendar date as the number `YYYYMMDD` (sortable, and searchable by range), from
/// `YYYY-MM-DD` (a time may follow) or `YYYY-MM` (day 0: before every day of the month).
/// Anything else is no date.
pub(crate) fn day_number(date: &str) -> Option<u64> {
    let bytes = date.trim().as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u64> {
        let slice = bytes.get(range)?;
        slice
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| slice.iter().fold(0, |acc, byte| acc * 10 + u64::from(byte - b'0')))
    };
    let year = digits(0..4)?;
    if bytes.get(4) != Some(&b'-') {
        return None;
    }
    let month = digits(5..7)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let day = match bytes.get(7) {
        None => 0,
        Some(b'-') => {
            let day = digits(8..10)?;
            if !(1..=31).contains(&day) || bytes.get(10).is_some_and(u8::is_ascii_digit) {
                return None;
            }
            day
        }
        Some(_) => return None,
    };
    Some(year * 10_000 + month * 100 + day)
}

/// `YYYY-MM` of a [`day_number`].
pub(crate) fn month_of(day: u64) -> String {
    format!("{:04}-{:02}", day / 10_000, day / 100 % 100)
}

/// What the index takes of each kind of record.
struct Parts<'a> {
    organisations: Vec<&'a str>,
    organisation: Option<&'a str>,
    place: Option<&'a str>,
    description: &'a str,
    details: Vec<String>,
    region: Option<&'a str>,
    contract: Option<Contract>,
    sector: Option<&'a str>,
    competences: &'a [String],
    funder: Option<&'a str>,
    amount: Option<&'a Amount>,
    salary: Option<&'a Salary>,
}

fn parts(record: &Record) -> Parts<'_> {
    let mut parts = Parts {
        organisations: Vec::new(),
        organisation: None,
        place: None,
        description: "",
        details: Vec::new(),
        region: None,
        contract: None,
        sector: None,
        competences: &[],
        funder: None,
        amount: None,
        salary: None,
    };
    match record {
        Record::Job(job) => {
            parts.organisations.extend(job.employer.as_deref());
            parts.organisation = job.employer.as_deref();
            parts.place = job.location.city.as_deref();
            parts.description = &job.description;
            parts.details.extend(job.contract.map(|contract| contract.label().to_owned()));
            parts.details.extend(job.rome_code.clone());
            if job.remote == Some(true) {
                parts.details.push("télétravail".to_owned());
            }
            parts.region = job.location.region_code.as_deref();
            parts.contract = job.contract;
            parts.sector = job.sector.as_deref();
            parts.competences = &job.competences;
            parts.salary = job.salary.as_ref();
        }
        Record::Funding(funding) => {
            parts.organisations.extend(funding.funder.as_deref());
            parts.organisations.extend(funding.recipient.as_deref());
            parts.organisation = funding.recipient.as_deref().or(funding.funder.as_deref());
            parts.details.extend(funding.programme.clone());
            parts.details.extend(funding.stage.clone());
            parts.region = funding.region_code.as_deref();
            parts.sector = funding.sector.as_deref();
            parts.funder = funding.funder.as_deref();
            parts.amount = funding.amount.as_ref();
        }
        Record::Project(project) => {
            parts.organisations.extend(project.organisations.iter().take(MAX_VALUES).map(String::as_str));
            parts.organisations.extend(project.funder.as_deref());
            parts.organisation = project.organisations.first().map(String::as_str);
            parts.description = &project.description;
            parts.region = project.region_code.as_deref();
            parts.sector = project.sector.as_deref();
            parts.funder = project.funder.as_deref();
            parts.amount = project.budget.as_ref();
        }
        Record::Dataset(dataset) => {
            parts.organisations.extend(dataset.publisher.as_deref());
            parts.organisation = dataset.publisher.as_deref();
            parts.details.extend(dataset.licence.clone());
            parts.details.extend(dataset.formats.iter().take(MAX_VALUES).cloned());
        }
    }
    parts
}

/// The indexed document of a valid `record` (see [`problems`]).
pub(crate) fn to_document(fields: &Fields, record: &Record) -> TantivyDocument {
    let parts = parts(record);
    let mut document = TantivyDocument::default();
    document.add_text(fields.id, record.id());
    document.add_text(fields.kind, record.kind().as_str());
    document.add_text(fields.title, analysis::truncate(record.title().trim(), MAX_INDEXED_TEXT_BYTES));
    for organisation in &parts.organisations {
        add_text(&mut document, fields.organisations, organisation);
    }
    if let Some(place) = parts.place {
        add_text(&mut document, fields.place, place);
    }
    let description = analysis::truncate(parts.description, MAX_INDEXED_TEXT_BYTES);
    add_text(&mut document, fields.description, description);
    add_text(&mut document, fields.excerpt, excerpt(description));
    let details: Vec<&str> =
        parts.details.iter().map(|detail| bounded_keyword(detail)).filter(|detail| !detail.is_empty()).collect();
    add_text(&mut document, fields.details, &details.join(" · "));
    add_keyword(&mut document, fields.region, parts.region);
    add_keyword(&mut document, fields.contract, parts.contract.map(Contract::as_str));
    add_keyword(&mut document, fields.sector, parts.sector);
    let mut competences: Vec<&str> = parts.competences.iter().map(|id| bounded_keyword(id)).collect();
    competences.sort_unstable();
    competences.dedup();
    for competence in competences.into_iter().take(MAX_VALUES) {
        add_keyword(&mut document, fields.competence, Some(competence));
    }
    add_keyword(&mut document, fields.funder, parts.funder);
    let date = record.date().map(str::trim).unwrap_or_default();
    if let Some(day) = day_number(date) {
        document.add_u64(fields.day, day);
        document.add_text(fields.month, month_of(day));
        add_text(&mut document, fields.date, analysis::truncate(date, 32));
    }
    add_text(&mut document, fields.source_url, analysis::truncate(record.source_url().trim(), 4096));
    if let Some(organisation) = parts.organisation {
        add_text(&mut document, fields.organisation, bounded_keyword(organisation));
    }
    if let Some(amount) = parts.amount {
        document.add_f64(fields.amount, amount.value);
        add_text(&mut document, fields.amount_currency, bounded_keyword(&amount.currency));
    }
    if let Some(salary) = parts.salary {
        if let Some(min) = salary.min {
            document.add_f64(fields.salary_min, min);
        }
        if let Some(max) = salary.max {
            document.add_f64(fields.salary_max, max);
        }
        add_text(&mut document, fields.salary_currency, bounded_keyword(&salary.currency));
        add_text(&mut document, fields.salary_period, period_code(salary.period));
    }
    document
}

/// The first [`EXCERPT_CHARS`] characters of a description, cut at a word boundary.
fn excerpt(description: &str) -> &str {
    let description = description.trim();
    match description.char_indices().nth(EXCERPT_CHARS) {
        None => description,
        Some((cut, _)) => {
            let head = &description[..cut];
            match head.rfind(char::is_whitespace) {
                Some(space) if space > 0 => head[..space].trim_end(),
                _ => head,
            }
        }
    }
}

/// A keyword value trimmed, its inner runs of spaces left as they are, and cut to
/// [`MAX_KEYWORD_BYTES`].
fn bounded_keyword(value: &str) -> &str {
    analysis::truncate(value.trim(), MAX_KEYWORD_BYTES).trim_end()
}

fn add_keyword(document: &mut TantivyDocument, field: Field, value: Option<&str>) {
    if let Some(value) = value.map(bounded_keyword)
        && !value.is_empty()
        && !value.chars().any(char::is_control)
    {
        document.add_text(field, value);
    }
}

fn add_text(document: &mut TantivyDocument, field: Field, value: &str) {
    let value = value.trim();
    if !value.is_empty() {
        document.add_text(field, value);
    }
}

/// How a salary period is stored.
pub(crate) fn period_code(period: SalaryPeriod) -> &'static str {
    match period {
        SalaryPeriod::Year => "year",
        SalaryPeriod::Month => "month",
        SalaryPeriod::Day => "day",
        SalaryPeriod::Hour => "hour",
    }
}

/// The salary period stored as [`period_code`].
pub(crate) fn parse_period(code: &str) -> Option<SalaryPeriod> {
    [SalaryPeriod::Year, SalaryPeriod::Month, SalaryPeriod::Day, SalaryPeriod::Hour]
        .into_iter()
        .find(|period| period_code(*period) == code)
}

/// The kind stored in a document (every document has one).
pub(crate) fn stored_kind(document: &TantivyDocument, fields: &Fields) -> Kind {
    Kind::parse(&first_text(document, fields.kind)).unwrap_or(Kind::Job)
}

/// The first text value of a stored field, or `""`.
pub(crate) fn first_text(document: &TantivyDocument, field: Field) -> String {
    document.get_first(field).and_then(|value| value.as_str().map(str::to_owned)).unwrap_or_default()
}

/// The first text value of a stored field, if any.
pub(crate) fn optional_text(document: &TantivyDocument, field: Field) -> Option<String> {
    document.get_first(field).and_then(|value| value.as_str().map(str::to_owned))
}

/// Every text value of a stored field.
pub(crate) fn all_text(document: &TantivyDocument, field: Field) -> Vec<String> {
    document.get_all(field).filter_map(|value| value.as_str().map(str::to_owned)).collect()
}

/// The first number of a stored `f64` field.
pub(crate) fn number(document: &TantivyDocument, field: Field) -> Option<f64> {
    document.get_first(field).and_then(|value| value.as_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_accept_calendar_dates_and_months_only() {
        for (date, expected) in [
            ("2026-03-14", Some(20_260_314)),
            ("2026-03-14T08:00:00Z", Some(20_260_314)),
            (" 2026-03 ", Some(20_260_300)),
            ("2026-13-01", None),
            ("2026-00", None),
            ("2026-03-00", None),
            ("2026-03-145", None),
            ("2026/03/14", None),
            ("2026", None),
            ("", None),
            ("２０２６-03-14", None),
            ("20é6-03-14", None),
        ] {
            assert_eq!(day_number(date), expected, "{date:?}");
        }
        assert_eq!(month_of(20_260_314), "2026-03");
        assert_eq!(month_of(20_260_300), "2026-03");
    }

    #[test]
    fn excerpts_stop_at_a_word_boundary() {
        let long = "mot ".repeat(EXCERPT_CHARS);
        let cut = excerpt(&long);
        assert!(cut.chars().count() <= EXCERPT_CHARS);
        assert!(cut.ends_with("mot"));
        assert_eq!(excerpt("  court  "), "court");
    }
}
