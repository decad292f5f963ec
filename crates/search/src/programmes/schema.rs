//! The programmes index's schema: its fields, how a [`ProgrammeDoc`] becomes an indexed document
//! and what a document must satisfy to be indexed.
//!
//! Bump [`SCHEMA_VERSION`] whenever a field, its options or the analysis of text change: an index
//! on disk built by another version is then replaced by an empty one and reindexed.

use tantivy::TantivyDocument;
use tantivy::schema::{FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value};

use super::ProgrammeDoc;
use crate::analysis;
use crate::engine::Kind;
use crate::facets::{FALSE, TRUE};

/// Version of this schema and of the analysis of its text.
pub const SCHEMA_VERSION: u32 = 1;

/// Name of the index kind, written in the version file.
const KIND: &str = "formations";

// Names of the keyword fields that filters and facets use; each has a column.
pub(crate) const LEVEL: &str = "level";
pub(crate) const DIPLOMA: &str = "diploma";
pub(crate) const REGION: &str = "region";
pub(crate) const MODALITY: &str = "modality";
pub(crate) const LABEL_STATUS: &str = "label_status";
pub(crate) const COMPETENCE_AT_LEAST: &str = "competence_at_least";
pub(crate) const ELIGIBLE: &str = "eligible";
pub(crate) const EXAMPLE: &str = "example";
// Columns used for sorting only.
pub(crate) const ID: &str = "id";
pub(crate) const TITLE_SORT: &str = "title_sort";
pub(crate) const UPDATED: &str = "updated";

/// The fields of the programmes index.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub(crate) id: Field,
    pub(crate) title: Field,
    pub(crate) provider: Field,
    pub(crate) description: Field,
    pub(crate) units: Field,
    pub(crate) city: Field,
    pub(crate) title_sort: Field,
    pub(crate) region: Field,
    pub(crate) diploma: Field,
    pub(crate) level: Field,
    pub(crate) modality: Field,
    pub(crate) label_status: Field,
    pub(crate) competence_at_least: Field,
    pub(crate) competence: Field,
    pub(crate) eligible: Field,
    pub(crate) example: Field,
    pub(crate) updated: Field,
}

/// The schema and its fields.
pub(crate) fn kind() -> (Kind, Fields) {
    let mut builder = Schema::builder();
    // Full text: analysed in French, term frequencies kept (for scoring), positions not (no
    // phrase queries), stored for result lines and snippets.
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default().set_tokenizer(analysis::FRENCH).set_index_option(IndexRecordOption::WithFreqs),
        )
        .set_stored();
    // Keywords: indexed as one raw term (filters), with a column (facets, sorting), stored.
    let keyword = STRING | STORED | FAST;
    let fields = Fields {
        id: builder.add_text_field(ID, keyword.clone()),
        title: builder.add_text_field("title", text.clone()),
        provider: builder.add_text_field("provider", text.clone()),
        description: builder.add_text_field("description", text.clone()),
        units: builder.add_text_field("units", text.clone()),
        city: builder.add_text_field("city", text),
        title_sort: builder.add_text_field(TITLE_SORT, FAST),
        region: builder.add_text_field(REGION, keyword.clone()),
        diploma: builder.add_text_field(DIPLOMA, keyword.clone()),
        level: builder.add_text_field(LEVEL, keyword.clone()),
        modality: builder.add_text_field(MODALITY, keyword.clone()),
        label_status: builder.add_text_field(LABEL_STATUS, keyword.clone()),
        competence_at_least: builder.add_text_field(COMPETENCE_AT_LEAST, STRING | FAST),
        competence: builder.add_text_field("competence", STORED),
        eligible: builder.add_text_field(ELIGIBLE, keyword.clone()),
        example: builder.add_text_field(EXAMPLE, keyword.clone()),
        updated: builder.add_text_field(UPDATED, keyword),
    };
    let kind = Kind { name: KIND, version: SCHEMA_VERSION, schema: builder.build() };
    (kind, fields)
}

impl Fields {
    /// The full-text fields with their boosts: a word in the title counts most, then the
    /// provider and the city (a user typing « Lyon » or « Dauphine » means them), then the
    /// units' titles, then the description.
    pub(crate) fn weighted_text(&self) -> Vec<(Field, f32)> {
        vec![(self.title, 3.0), (self.provider, 2.0), (self.city, 2.0), (self.units, 1.5), (self.description, 1.0)]
    }
}

/// The term that says « declares competence `id` at level `level` or above ».
///
/// A programme declaring DS.MST.07 at N3 gets `DS.MST.07@1`, `@2` and `@3`: the question « who
/// teaches DS.MST.07 at N3 or above » is then one exact term, as cheap as any other filter, and
/// composes with them in the same boolean query; counting these terms gives the competence
/// facet at any minimum level. At most four terms per competence keep the cost small.
pub(crate) fn competence_term(id: &str, level: u8) -> String {
    format!("{id}@{level}")
}

/// Splits a [`competence_term`] back into its id and level.
pub(crate) fn split_competence_term(term: &str) -> Option<(&str, u8)> {
    let (id, level) = term.rsplit_once('@')?;
    Some((id, level.parse().ok()?))
}

/// Every rule `doc` breaks, in French.
pub(crate) fn problems(doc: &ProgrammeDoc) -> Vec<String> {
    let mut problems = Vec::new();
    if doc.id.trim().is_empty() {
        problems.push("l'identifiant est vide".to_owned());
    } else if doc.id.chars().any(|ch| ch.is_whitespace() || ch.is_control()) {
        problems.push(format!(
            "l'identifiant « {} » contient des espaces ou des caractères de contrôle ; attendu par \
             exemple « fournisseur/formation »",
            doc.id.escape_debug()
        ));
    }
    if doc.title.trim().is_empty() {
        problems.push("le titre est vide".to_owned());
    }
    if let Some(level) = doc.level
        && !(5..=8).contains(&level)
    {
        problems.push(format!("le niveau {level} n'existe pas : attendu 5 à 8, ou aucun pour une formation courte"));
    }
    for (id, level) in &doc.competences {
        if id.is_empty() || !id.chars().all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '.' | '-' | '_')) {
            problems.push(format!(
                "l'identifiant de compétence « {} » est invalide : attendu lettres, chiffres, points \
                 et tirets (par exemple DS.MST.07)",
                id.escape_debug()
            ));
        }
        if !(1..=4).contains(level) {
            problems.push(format!("la compétence {id} a le niveau {level} : attendu 1 à 4 (N1 à N4)"));
        }
    }
    if !doc.updated.is_empty() && !is_iso_date_prefix(&doc.updated) {
        problems
            .push(format!("la date de mise à jour « {} » n'est pas au format AAAA-MM-JJ", doc.updated.escape_debug()));
    }
    problems
}

fn is_iso_date_prefix(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 10
        && bytes[..10].iter().enumerate().all(|(idx, byte)| match idx {
            4 | 7 => *byte == b'-',
            _ => byte.is_ascii_digit(),
        })
}

/// The indexed document of a valid `doc` (see [`problems`]).
pub(crate) fn to_document(fields: &Fields, doc: &ProgrammeDoc) -> TantivyDocument {
    let mut document = TantivyDocument::default();
    document.add_text(fields.id, &doc.id);
    document.add_text(fields.title, &doc.title);
    document.add_text(fields.title_sort, skills::fold(doc.title.trim()));
    document.add_text(fields.provider, &doc.provider);
    document.add_text(fields.description, &doc.description);
    for unit in &doc.unit_titles {
        document.add_text(fields.units, unit);
    }
    document.add_text(fields.city, &doc.city);
    add_keyword(&mut document, fields.region, &doc.region);
    add_keyword(&mut document, fields.diploma, &doc.diploma);
    if let Some(level) = doc.level {
        document.add_text(fields.level, level.to_string());
    }
    let mut modalities: Vec<&str> = doc.modalities.iter().map(|modality| modality.trim()).collect();
    modalities.sort_unstable();
    modalities.dedup();
    for modality in modalities {
        add_keyword(&mut document, fields.modality, modality);
    }
    add_keyword(&mut document, fields.label_status, &doc.label_status);
    // One competence declared twice keeps its highest level.
    let mut competences: Vec<(&str, u8)> = doc.competences.iter().map(|(id, level)| (id.as_str(), *level)).collect();
    competences.sort_unstable_by(|left, right| left.0.cmp(right.0).then(right.1.cmp(&left.1)));
    competences.dedup_by(|later, earlier| later.0 == earlier.0);
    for (id, level) in competences {
        document.add_text(fields.competence, format!("{id}={level}"));
        for at_least in 1..=level {
            document.add_text(fields.competence_at_least, competence_term(id, at_least));
        }
    }
    document.add_text(fields.eligible, if doc.eligible { TRUE } else { FALSE });
    document.add_text(fields.example, if doc.example { TRUE } else { FALSE });
    add_keyword(&mut document, fields.updated, &doc.updated);
    document
}

fn add_keyword(document: &mut TantivyDocument, field: Field, value: &str) {
    let value = value.trim();
    if !value.is_empty() {
        document.add_text(field, value);
    }
}

/// The first text value of a stored field, or `""`.
pub(crate) fn first_text(document: &TantivyDocument, field: Field) -> String {
    document.get_first(field).and_then(|value| value.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Every text value of a stored field.
pub(crate) fn all_text(document: &TantivyDocument, field: Field) -> Vec<String> {
    document.get_all(field).filter_map(|value| value.as_str().map(str::to_owned)).collect()
}

/// The declared level of competence `id` in a stored document.
pub(crate) fn declared_level(document: &TantivyDocument, fields: &Fields, id: &str) -> Option<u8> {
    all_text(document, fields.competence).iter().find_map(|pair| {
        let (pair_id, level) = pair.rsplit_once('=')?;
        if pair_id == id { level.parse().ok() } else { None }
    })
}
