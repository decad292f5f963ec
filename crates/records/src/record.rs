//! Normalised observatory records. Dates are ISO 8601 calendar dates (`YYYY-MM-DD`), region codes
//! are INSEE codes (`"84"`, `"11"`, `"01"` for Guadeloupe…), amounts are in euros unless
//! `currency` says otherwise.

use serde::{Deserialize, Serialize};

/// The four kinds of records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A job posting.
    Job,
    /// A funding event (grant, contest prize, investment).
    Funding,
    /// A Big Data or AI project.
    Project,
    /// An open dataset.
    Dataset,
}

impl Kind {
    /// Every kind, in display order.
    pub const ALL: [Kind; 4] = [Kind::Job, Kind::Funding, Kind::Project, Kind::Dataset];

    /// Stable identifier, used in file paths, URLs and facets.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Job => "job",
            Kind::Funding => "funding",
            Kind::Project => "project",
            Kind::Dataset => "dataset",
        }
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Job => "offre d'emploi",
            Kind::Funding => "financement",
            Kind::Project => "projet",
            Kind::Dataset => "jeu de données",
        }
    }

    /// The kind named by an identifier of [`Kind::as_str`].
    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// Contract type of a job posting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Contract {
    /// Permanent contract (contrat à durée indéterminée).
    Cdi,
    /// Fixed-term contract (contrat à durée déterminée).
    Cdd,
    /// Internship.
    Stage,
    /// Apprenticeship or professionalisation contract.
    Alternance,
    /// Freelance or contractor mission.
    Freelance,
    /// Temporary agency work.
    Interim,
}

impl Contract {
    /// Every contract type.
    pub const ALL: [Contract; 6] =
        [Contract::Cdi, Contract::Cdd, Contract::Stage, Contract::Alternance, Contract::Freelance, Contract::Interim];

    /// Stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Contract::Cdi => "cdi",
            Contract::Cdd => "cdd",
            Contract::Stage => "stage",
            Contract::Alternance => "alternance",
            Contract::Freelance => "freelance",
            Contract::Interim => "interim",
        }
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Contract::Cdi => "CDI",
            Contract::Cdd => "CDD",
            Contract::Stage => "Stage",
            Contract::Alternance => "Alternance",
            Contract::Freelance => "Indépendant",
            Contract::Interim => "Intérim",
        }
    }

    /// The contract named by an identifier of [`Contract::as_str`].
    pub fn parse(text: &str) -> Option<Contract> {
        Contract::ALL.into_iter().find(|contract| contract.as_str() == text)
    }
}

/// Where a job is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// City name as published.
    pub city: Option<String>,
    /// French postal code (5 digits).
    pub postal_code: Option<String>,
    /// INSEE region code.
    pub region_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code (`FR`).
    pub country: Option<String>,
}

/// Period a salary figure refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SalaryPeriod {
    /// Per year (gross).
    Year,
    /// Per month (gross).
    Month,
    /// Per day (freelance daily rate).
    Day,
    /// Per hour.
    Hour,
}

/// An advertised salary range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Salary {
    /// Lower bound.
    pub min: Option<f64>,
    /// Upper bound.
    pub max: Option<f64>,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Period the figures refer to.
    pub period: SalaryPeriod,
}

/// A sum of money.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Amount {
    /// The value.
    pub value: f64,
    /// ISO 4217 currency code.
    pub currency: String,
}

/// A job posting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobPosting {
    /// Stable identifier (the same offer crawled again keeps it).
    pub id: String,
    /// Job title.
    pub title: String,
    /// Description, personal data removed.
    pub description: String,
    /// Publication date.
    pub date_posted: Option<String>,
    /// Last day the offer is valid.
    pub valid_through: Option<String>,
    /// Employer organisation.
    pub employer: Option<String>,
    /// Place of work.
    pub location: Location,
    /// Whether remote work is offered.
    pub remote: Option<bool>,
    /// Contract type.
    pub contract: Option<Contract>,
    /// Advertised salary.
    pub salary: Option<Salary>,
    /// Référentiel competence ids recognised in the title and description, sorted.
    pub competences: Vec<String>,
    /// ROME code of the occupation (`M1405`).
    pub rome_code: Option<String>,
    /// Sector slug.
    pub sector: Option<String>,
    /// Page or API entry the record was read from.
    pub source_url: String,
    /// Other pages publishing the same offer (merged duplicates).
    #[serde(default)]
    pub duplicate_urls: Vec<String>,
}

/// A funding event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Funding {
    /// Stable identifier.
    pub id: String,
    /// Title of the announcement.
    pub title: String,
    /// Who gives the money.
    pub funder: Option<String>,
    /// Who receives it (an organisation, never a person).
    pub recipient: Option<String>,
    /// Amount.
    pub amount: Option<Amount>,
    /// Date of the decision or announcement.
    pub date: Option<String>,
    /// Funding programme (an innovation contest, a seed fund, a regional scheme).
    pub programme: Option<String>,
    /// Stage of the recipient (amorçage, série A…).
    pub stage: Option<String>,
    /// Sector slug.
    pub sector: Option<String>,
    /// INSEE region code of the recipient.
    pub region_code: Option<String>,
    /// Page or API entry the record was read from.
    pub source_url: String,
}

/// A project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    /// Stable identifier.
    pub id: String,
    /// Title.
    pub title: String,
    /// Description, personal data removed.
    pub description: String,
    /// Participating organisations.
    pub organisations: Vec<String>,
    /// Start date.
    pub start_date: Option<String>,
    /// End date.
    pub end_date: Option<String>,
    /// Total budget.
    pub budget: Option<Amount>,
    /// Main funder.
    pub funder: Option<String>,
    /// Sector slug.
    pub sector: Option<String>,
    /// INSEE region code of the coordinator.
    pub region_code: Option<String>,
    /// Page or API entry the record was read from.
    pub source_url: String,
}

/// An open dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    /// Stable identifier.
    pub id: String,
    /// Title.
    pub title: String,
    /// Publishing organisation.
    pub publisher: Option<String>,
    /// Licence identifier or name.
    pub licence: Option<String>,
    /// File formats offered (lowercase: `csv`, `parquet`…).
    pub formats: Vec<String>,
    /// Last update date.
    pub updated: Option<String>,
    /// Page or API entry the record was read from.
    pub source_url: String,
}

/// Any record, tagged by its kind in JSON (`{"kind": "job", …}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    /// A job posting.
    Job(JobPosting),
    /// A funding event.
    Funding(Funding),
    /// A project.
    Project(Project),
    /// A dataset.
    Dataset(Dataset),
}

impl Record {
    /// The record's kind.
    pub fn kind(&self) -> Kind {
        match self {
            Record::Job(_) => Kind::Job,
            Record::Funding(_) => Kind::Funding,
            Record::Project(_) => Kind::Project,
            Record::Dataset(_) => Kind::Dataset,
        }
    }

    /// The record's stable identifier.
    pub fn id(&self) -> &str {
        match self {
            Record::Job(record) => &record.id,
            Record::Funding(record) => &record.id,
            Record::Project(record) => &record.id,
            Record::Dataset(record) => &record.id,
        }
    }

    /// Title.
    pub fn title(&self) -> &str {
        match self {
            Record::Job(record) => &record.title,
            Record::Funding(record) => &record.title,
            Record::Project(record) => &record.title,
            Record::Dataset(record) => &record.title,
        }
    }

    /// Where the record was read.
    pub fn source_url(&self) -> &str {
        match self {
            Record::Job(record) => &record.source_url,
            Record::Funding(record) => &record.source_url,
            Record::Project(record) => &record.source_url,
            Record::Dataset(record) => &record.source_url,
        }
    }

    /// The date that places the record in time: publication for postings, decision for
    /// funding, start for projects, last update for datasets.
    pub fn date(&self) -> Option<&str> {
        match self {
            Record::Job(record) => record.date_posted.as_deref(),
            Record::Funding(record) => record.date.as_deref(),
            Record::Project(record) => record.start_date.as_deref(),
            Record::Dataset(record) => record.updated.as_deref(),
        }
    }

    /// `YYYY-MM` of [`Record::date`], the month partition and the month facet.
    pub fn month(&self) -> Option<&str> {
        self.date().filter(|date| date.len() >= 7 && date.is_char_boundary(7)).map(|date| &date[..7])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posting() -> JobPosting {
        JobPosting {
            id: "job-1".into(),
            title: "Data scientist".into(),
            description: "Analyse de données".into(),
            date_posted: Some("2026-03-14".into()),
            valid_through: None,
            employer: Some("Exemple SA".into()),
            location: Location { city: Some("Lyon".into()), region_code: Some("84".into()), ..Location::default() },
            remote: Some(true),
            contract: Some(Contract::Cdi),
            salary: Some(Salary { min: Some(45000.0), max: None, currency: "EUR".into(), period: SalaryPeriod::Year }),
            competences: vec!["DS.INF.01".into()],
            rome_code: Some("M1405".into()),
            sector: None,
            source_url: "https://emplois.exemple.fr/offres/1".into(),
            duplicate_urls: Vec::new(),
        }
    }

    #[test]
    fn records_are_tagged_by_kind_in_json_and_round_trip() {
        let record = Record::Job(posting());
        let json = serde_json::to_value(&record).unwrap();
        assert_eq!(json["kind"], "job");
        assert_eq!(json["contract"], "cdi");
        assert_eq!(json["salary"]["period"], "year");
        let back: Record = serde_json::from_value(json).unwrap();
        assert_eq!(back, record);
    }

    #[test]
    fn month_is_taken_from_the_kind_specific_date() {
        let record = Record::Job(posting());
        assert_eq!(record.month(), Some("2026-03"));
        let mut undated = posting();
        undated.date_posted = None;
        assert_eq!(Record::Job(undated).month(), None);
        assert_eq!(Kind::parse("funding"), Some(Kind::Funding));
        assert_eq!(Contract::parse("interim"), Some(Contract::Interim));
        assert_eq!(Contract::parse("CDI"), None);
    }
}
