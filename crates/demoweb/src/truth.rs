//! The ground truth: the normalised records a perfect pipeline extracts from the demo web.
//!
//! Conventions (see the crate README): ids are the generator's (`offre-00042`), so compare
//! records by `source_url`; descriptions are given without the contact sentence the pages add;
//! `remote` is `Some(true)` when the page offers remote work and `None` otherwise; a page's
//! fields are the ones its site publishes (`job_pages`), while the merged offer (`jobs`) has
//! every field known of the offer.

use records::{Amount, Dataset, Funding, JobPosting, Location, Project};
use serde::{Deserialize, Serialize};

use crate::model::{Model, Offer, Publication, day};
use crate::vocab::{CITIES, ROLES, SECTORS};
use crate::{JobSite, PersonalDatum};

/// Everything the pipeline is expected to produce from the demo web.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    /// One record per distinct offer: the primary publication's URL as `source_url`, the
    /// other publications' URLs in `duplicate_urls`, competences of every publication.
    pub jobs: Vec<JobPosting>,
    /// One record per published page (or API offer), with the fields that page publishes.
    pub job_pages: Vec<JobPosting>,
    /// URLs of the offers published on several sites, one group per offer (primary first).
    pub duplicate_groups: Vec<Vec<String>>,
    /// Funding events.
    pub fundings: Vec<Funding>,
    /// Projects (JSON-LD pages and CORDIS rows).
    pub projects: Vec<Project>,
    /// Open datasets.
    pub datasets: Vec<Dataset>,
    /// Personal data planted in the pages, which no record, index or export may contain.
    pub personal_data: Vec<PersonalDatum>,
}

impl Truth {
    /// FNV-1a 64-bit hash of the truth's JSON: equal for equal truths.
    pub fn hash(&self) -> u64 {
        let json = serde_json::to_vec(self).unwrap_or_default();
        json.iter()
            .fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3))
    }
}

fn location(offer: &Offer) -> Location {
    let city = &CITIES[offer.city];
    Location {
        city: Some(city.name.to_string()),
        postal_code: Some(city.postal_code.to_string()),
        region_code: Some(city.region.to_string()),
        country: Some("FR".to_string()),
    }
}

fn merged(model: &Model, index: usize, offer: &Offer) -> JobPosting {
    let primary = &offer.publications[0];
    let mut competences: Vec<String> = offer.publications.iter().flat_map(|p| p.competences.clone()).collect();
    competences.sort();
    competences.dedup();
    JobPosting {
        id: format!("offre-{:05}", index + 1),
        title: primary.title.clone(),
        description: primary.description.clone(),
        date_posted: Some(day(offer.date)),
        valid_through: Some(day(offer.date + offer.valid_days)),
        employer: Some(model.employers[offer.employer].name.clone()),
        location: location(offer),
        remote: offer.remote.then_some(true),
        contract: Some(offer.contract),
        salary: offer.salary.clone(),
        competences,
        rome_code: Some(ROLES[offer.role].rome.to_string()),
        sector: Some(SECTORS[model.employers[offer.employer].sector].0.to_string()),
        source_url: primary.url.clone(),
        duplicate_urls: offer.publications[1..].iter().map(|p| p.url.clone()).collect(),
    }
}

/// The record one page yields: only the fields its site publishes.
pub(crate) fn page_record(model: &Model, index: usize, offer: &Offer, publication: &Publication) -> JobPosting {
    let mut record = merged(model, index, offer);
    record.id = format!("offre-{:05}-{}", index + 1, publication.site.host());
    record.title = publication.title.clone();
    record.description = publication.description.clone();
    record.competences = publication.competences.clone();
    record.source_url = publication.url.clone();
    record.duplicate_urls = Vec::new();
    match publication.site {
        JobSite::Alpha => {}
        JobSite::Beta => record.rome_code = None,
        JobSite::Gamma | JobSite::Delta => {
            record.rome_code = None;
            record.valid_through = None;
        }
        JobSite::Api => {
            record.valid_through = None;
            record.remote = None;
        }
    }
    record
}

pub(crate) fn build(model: &Model) -> Truth {
    let mut jobs = Vec::with_capacity(model.offers.len());
    let mut job_pages = Vec::new();
    let mut duplicate_groups = Vec::new();
    for (index, offer) in model.offers.iter().enumerate() {
        jobs.push(merged(model, index, offer));
        for publication in &offer.publications {
            job_pages.push(page_record(model, index, offer, publication));
        }
        if offer.publications.len() > 1 {
            duplicate_groups.push(offer.publications.iter().map(|p| p.url.clone()).collect());
        }
    }
    let fundings = model
        .fundings
        .iter()
        .map(|event| Funding {
            id: format!("financement-{:03}", event.number),
            title: event.title.clone(),
            funder: Some(event.funder.clone()),
            recipient: Some(event.recipient.clone()),
            amount: Some(Amount { value: event.amount, currency: "EUR".into() }),
            date: Some(day(event.date)),
            programme: Some(event.programme.clone()),
            stage: event.stage.map(str::to_string),
            sector: Some(SECTORS[event.sector].0.to_string()),
            region_code: Some(CITIES[event.city].region.to_string()),
            source_url: event.url.clone(),
        })
        .collect();
    let projects = model
        .projects
        .iter()
        .map(|project| Project {
            id: format!("projet-{}", project.number),
            title: project.title.clone(),
            description: project.description.clone(),
            organisations: project.organisations.iter().map(|(name, _)| name.clone()).collect(),
            start_date: Some(day(project.start)),
            end_date: Some(day(project.end)),
            budget: Some(Amount { value: project.budget, currency: "EUR".into() }),
            funder: Some(project.funder.clone()),
            sector: (!project.cordis).then(|| SECTORS[project.sector].0.to_string()),
            region_code: Some(CITIES[project.organisations[0].1].region.to_string()),
            source_url: project.url.clone(),
        })
        .collect();
    let datasets = model
        .datasets
        .iter()
        .map(|dataset| Dataset {
            id: dataset.id.clone(),
            title: dataset.title.clone(),
            publisher: Some(dataset.publisher.to_string()),
            licence: Some(dataset.licence.to_string()),
            formats: dataset.formats.iter().map(|format| format.to_string()).collect(),
            updated: Some(day(dataset.updated)),
            source_url: dataset.url.clone(),
        })
        .collect();
    let mut personal_data = model.personal_data.clone();
    personal_data.sort();
    personal_data.dedup();
    Truth { jobs, job_pages, duplicate_groups, fundings, projects, datasets, personal_data }
}

#[cfg(test)]
mod tests {
    use crate::matcher::KeywordMatcher;

    #[test]
    fn competences_come_from_the_planted_keywords_and_the_title_only() {
        let referentiel = skills::embedded().unwrap();
        let matcher = KeywordMatcher::new(&referentiel);
        let model = crate::model::generate(11, &referentiel);
        for offer in model.offers.iter().take(800) {
            for publication in &offer.publications {
                let mut expected: Vec<String> = matcher.competences(&publication.title);
                for keyword in &offer.keywords {
                    let found = matcher.competences(keyword);
                    assert!(!found.is_empty(), "keyword « {keyword} » is recognised");
                    expected.extend(found);
                }
                let mut filler = publication.description.clone();
                for keyword in &offer.keywords {
                    filler = filler.replace(keyword.as_str(), " ");
                }
                expected.extend(matcher.competences(&filler));
                expected.sort();
                expected.dedup();
                assert_eq!(publication.competences, expected, "{}", publication.url);
                let from_filler = matcher.competences(&filler);
                let from_title = matcher.competences(&publication.title);
                let stray: Vec<&String> = from_filler.iter().filter(|id| !from_title.contains(id)).collect();
                // Internship and apprenticeship sentences deliberately say « stage » / « alternance ».
                let allowed = ["DS.PRJ.04"];
                assert!(
                    stray.iter().all(|id| allowed.contains(&id.as_str())),
                    "{}: {stray:?} in « {filler} »",
                    publication.url
                );
            }
        }
    }
}
