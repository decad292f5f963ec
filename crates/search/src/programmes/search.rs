//! Running a [`ProgrammeQuery`]: the words' query, one filter per dimension, the page of hits in
//! the asked order, and the disjunctive facet counts.
//!
//! Facets: the page and the total come from the words and *all* filters; that same search also
//! counts the dimensions that have no selection. Each dimension with a selection is counted by
//! one more search, with the words and every filter but its own. A query with k selected
//! dimensions thus costs 1 + k searches over a small index, and each count is exact.

use std::collections::BTreeMap;

use tantivy::collector::sort_key::{SortBySimilarityScore, SortByString};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::{DocAddress, Order, Searcher, TantivyDocument};

use super::schema::{self, Fields};
use super::{ProgrammeFacets, ProgrammeHit, ProgrammeQuery, ProgrammeResults, Sort};
use crate::engine::Engine;
use crate::facets::{self, FALSE, TRUE, TermCounts, compose, filter};
use crate::snippet::Highlighter;
use crate::{Error, analysis, text_query};

/// The filterable dimensions, in the order of [`ProgrammeFacets`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dimension {
    Level,
    Diploma,
    Region,
    Modality,
    LabelStatus,
    Competence,
    Eligible,
    Example,
}

impl Dimension {
    const ALL: [Dimension; 8] = [
        Dimension::Level,
        Dimension::Diploma,
        Dimension::Region,
        Dimension::Modality,
        Dimension::LabelStatus,
        Dimension::Competence,
        Dimension::Eligible,
        Dimension::Example,
    ];

    fn column(self) -> &'static str {
        match self {
            Dimension::Level => schema::LEVEL,
            Dimension::Diploma => schema::DIPLOMA,
            Dimension::Region => schema::REGION,
            Dimension::Modality => schema::MODALITY,
            Dimension::LabelStatus => schema::LABEL_STATUS,
            Dimension::Competence => schema::COMPETENCE_AT_LEAST,
            Dimension::Eligible => schema::ELIGIBLE,
            Dimension::Example => schema::EXAMPLE,
        }
    }

    fn field(self, fields: &Fields) -> Field {
        match self {
            Dimension::Level => fields.level,
            Dimension::Diploma => fields.diploma,
            Dimension::Region => fields.region,
            Dimension::Modality => fields.modality,
            Dimension::LabelStatus => fields.label_status,
            Dimension::Competence => fields.competence_at_least,
            Dimension::Eligible => fields.eligible,
            Dimension::Example => fields.example,
        }
    }

    /// The terms selected in this dimension (alternatives); empty when it is not filtered.
    fn selected(self, query: &ProgrammeQuery) -> Vec<String> {
        let flag =
            |value: Option<bool>| value.map(|yes| if yes { TRUE } else { FALSE }.to_owned()).into_iter().collect();
        match self {
            Dimension::Level => query.levels.iter().map(u8::to_string).collect(),
            Dimension::Diploma => query.diplomas.clone(),
            Dimension::Region => query.regions.clone(),
            Dimension::Modality => query.modalities.clone(),
            Dimension::LabelStatus => query.label_statuses.clone(),
            Dimension::Competence => query
                .competence
                .iter()
                .map(|competence| schema::competence_term(&competence.id, competence.min_level))
                .collect(),
            Dimension::Eligible => flag(query.eligible),
            Dimension::Example => flag(query.example),
        }
    }
}

fn check(query: &ProgrammeQuery) -> Result<(), Error> {
    crate::paging::check(query.offset, query.limit)?;
    if let Some(competence) = &query.competence
        && !(1..=4).contains(&competence.min_level)
    {
        return Err(Error::InvalidQuery(format!(
            "niveau minimal {} pour la compétence {} : attendu 1 à 4 (N1 à N4)",
            competence.min_level, competence.id
        )));
    }
    Ok(())
}

pub(super) fn run(engine: &Engine, fields: &Fields, query: &ProgrammeQuery) -> Result<ProgrammeResults, Error> {
    check(query)?;
    let searching = Error::engine("la recherche");
    let terms = query.text.as_deref().map(analysis::query_terms).unwrap_or_default();
    let words = text_query::build(&terms, &fields.weighted_text());
    let filters: Vec<(Dimension, Box<dyn Query>)> = Dimension::ALL
        .into_iter()
        .filter_map(|dimension| {
            let selected = dimension.selected(query);
            (!selected.is_empty()).then(|| (dimension, filter(dimension.field(fields), &selected)))
        })
        .collect();
    let is_filtered = |dimension: Dimension| filters.iter().any(|(filtered, _)| *filtered == dimension);

    let searcher = engine.searcher();
    let everything = compose(&*words, &filters, None);
    let unfiltered: Vec<Dimension> = Dimension::ALL.into_iter().filter(|dimension| !is_filtered(*dimension)).collect();
    let counter = TermCounts::new(unfiltered.iter().map(|dimension| dimension.column()).collect());
    let (total, counted) = searcher.search(&everything, &(Count, counter)).map_err(searching)?;

    let mut counts: BTreeMap<&'static str, BTreeMap<String, u64>> =
        unfiltered.iter().map(|dimension| dimension.column()).zip(counted).collect();
    for (dimension, _) in &filters {
        let others = compose(&*words, &filters, Some(*dimension));
        let mut counted = searcher
            .search(&others, &TermCounts::new(vec![dimension.column()]))
            .map_err(Error::engine("le comptage des facettes"))?;
        counts.insert(dimension.column(), counted.pop().unwrap_or_default());
    }

    let sort = if terms.is_empty() && query.sort == Sort::Relevance { Sort::Title } else { query.sort };
    let page = top(&searcher, &everything, sort, query.offset, query.limit)?;
    let hits = hits(&searcher, fields, &*words, &terms, query, page)?;
    Ok(ProgrammeResults { total: total as u64, hits, facets: facets(&counts, query) })
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
    // Ties are broken by id so that pages do not overlap or skip from one request to the next.
    let by_id = (SortByString::for_field(schema::ID), Order::Asc);
    let by_title = (SortByString::for_field(schema::TITLE_SORT), Order::Asc);
    Ok(match sort {
        Sort::Relevance => searcher
            .search(query, &page.order_by(((SortBySimilarityScore, Order::Desc), by_id)))
            .map_err(searching)?
            .into_iter()
            .map(|((score, _), address)| (score, address))
            .collect(),
        Sort::Title => searcher
            .search(query, &page.order_by((by_title, by_id)))
            .map_err(searching)?
            .into_iter()
            .map(|(_, address)| (0.0, address))
            .collect(),
        Sort::Updated => searcher
            .search(query, &page.order_by(((SortByString::for_field(schema::UPDATED), Order::Desc), by_title, by_id)))
            .map_err(searching)?
            .into_iter()
            .map(|(_, address)| (0.0, address))
            .collect(),
    })
}

fn hits(
    searcher: &Searcher,
    fields: &Fields,
    words: &dyn Query,
    terms: &[String],
    query: &ProgrammeQuery,
    page: Vec<(f32, DocAddress)>,
) -> Result<Vec<ProgrammeHit>, Error> {
    let highlighter = Highlighter::new(searcher, words, !terms.is_empty(), fields.description, fields.units)?;
    let mut hits = Vec::with_capacity(page.len());
    for (score, address) in page {
        let document: TantivyDocument = searcher.doc(address).map_err(Error::engine("la lecture d'un document"))?;
        let description = schema::first_text(&document, fields.description);
        let snippet = Highlighter::snippet(
            highlighter.as_ref(),
            &description,
            || schema::all_text(&document, fields.units).join(" · "),
            &description,
        );
        hits.push(ProgrammeHit {
            id: schema::first_text(&document, fields.id),
            score,
            title: schema::first_text(&document, fields.title),
            provider: schema::first_text(&document, fields.provider),
            city: schema::first_text(&document, fields.city),
            region: schema::first_text(&document, fields.region),
            diploma: schema::first_text(&document, fields.diploma),
            level: schema::first_text(&document, fields.level).parse().ok(),
            modalities: schema::all_text(&document, fields.modality),
            label_status: schema::first_text(&document, fields.label_status),
            eligible: schema::first_text(&document, fields.eligible) == TRUE,
            example: schema::first_text(&document, fields.example) == TRUE,
            updated: schema::first_text(&document, fields.updated),
            competence_level: query
                .competence
                .as_ref()
                .and_then(|competence| schema::declared_level(&document, fields, &competence.id)),
            snippet,
        });
    }
    Ok(hits)
}

fn facets(counts: &BTreeMap<&'static str, BTreeMap<String, u64>>, query: &ProgrammeQuery) -> ProgrammeFacets {
    let empty = BTreeMap::new();
    let of = |dimension: Dimension| counts.get(dimension.column()).unwrap_or(&empty);
    let list = |dimension: Dimension| facets::facet_list(of(dimension), &dimension.selected(query));
    // The competence facet lists ids, counted at the chosen minimum level.
    let min_level = query.competence.as_ref().map_or(1, |competence| competence.min_level);
    let selected_competence: Vec<String> = query.competence.iter().map(|competence| competence.id.clone()).collect();
    let competences: BTreeMap<String, u64> = of(Dimension::Competence)
        .iter()
        .filter_map(|(term, count)| {
            let (id, level) = schema::split_competence_term(term)?;
            (level == min_level).then(|| (id.to_owned(), *count))
        })
        .collect();
    ProgrammeFacets {
        levels: list(Dimension::Level),
        diplomas: list(Dimension::Diploma),
        regions: list(Dimension::Region),
        modalities: list(Dimension::Modality),
        label_statuses: list(Dimension::LabelStatus),
        competences: facets::facet_list(&competences, &selected_competence),
        eligible: facets::bool_counts(of(Dimension::Eligible)),
        example: facets::bool_counts(of(Dimension::Example)),
    }
}
