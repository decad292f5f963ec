//! Shared material of the observatory index's tests: record builders, a fixed corpus where every
//! facet has several values, and a generator of many records.

#![allow(dead_code)]

use records::{Amount, Contract, Dataset, Funding, JobPosting, Location, Project, Record, Salary, SalaryPeriod};
use search::observatory::{RecordIndex, RecordQuery, RecordResults};

/// A job posting with only an id, a title and a date; other fields are set with struct update
/// syntax.
pub fn job(id: &str, title: &str, date: Option<&str>) -> JobPosting {
    JobPosting {
        id: id.to_owned(),
        title: title.to_owned(),
        description: String::new(),
        date_posted: date.map(str::to_owned),
        valid_through: None,
        employer: None,
        location: Location::default(),
        remote: None,
        contract: None,
        salary: None,
        competences: Vec::new(),
        rome_code: None,
        sector: None,
        source_url: format!("https://emplois.exemple.fr/offres/{id}"),
        duplicate_urls: Vec::new(),
    }
}

/// A funding event with only an id, a title and a date.
pub fn funding(id: &str, title: &str, date: Option<&str>) -> Funding {
    Funding {
        id: id.to_owned(),
        title: title.to_owned(),
        funder: None,
        recipient: None,
        amount: None,
        date: date.map(str::to_owned),
        programme: None,
        stage: None,
        sector: None,
        region_code: None,
        source_url: format!("https://financements.exemple.fr/{id}"),
    }
}

/// A project with only an id, a title and a start date.
pub fn project(id: &str, title: &str, start: Option<&str>) -> Project {
    Project {
        id: id.to_owned(),
        title: title.to_owned(),
        description: String::new(),
        organisations: Vec::new(),
        start_date: start.map(str::to_owned),
        end_date: None,
        budget: None,
        funder: None,
        sector: None,
        region_code: None,
        source_url: format!("https://projets.exemple.fr/{id}"),
    }
}

/// A dataset with only an id, a title and an update date.
pub fn dataset(id: &str, title: &str, updated: Option<&str>) -> Dataset {
    Dataset {
        id: id.to_owned(),
        title: title.to_owned(),
        publisher: None,
        licence: None,
        formats: Vec::new(),
        updated: updated.map(str::to_owned),
        source_url: format!("https://donnees.exemple.fr/{id}"),
    }
}

fn location(city: &str, region: &str) -> Location {
    Location {
        city: Some(city.to_owned()),
        postal_code: None,
        region_code: Some(region.to_owned()),
        country: Some("FR".to_owned()),
    }
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| (*value).to_owned()).collect()
}

fn euros(value: f64) -> Option<Amount> {
    Some(Amount { value, currency: "EUR".to_owned() })
}

/// Twelve records of the four kinds over three regions, three contracts, three sectors, four
/// competences, two funders and months from 2025-11 to 2026-03 (2025-12 left empty), one
/// undated.
///
/// | id | kind | region | contract | sector | competences | funder | month |
/// | --- | --- | --- | --- | --- | --- | --- | --- |
/// | j1 | job | 84 | cdi | sante | DS.INF.01, DS.MST.06 | | 2026-03 |
/// | j2 | job | 11 | cdi | banque | DS.MST.06 | | 2026-03 |
/// | j3 | job | 11 | stage | banque | DS.MST.07 | | 2026-02 |
/// | j4 | job | 84 | alternance | industrie | DS.INF.01, DS.ETH.02 | | 2026-01 |
/// | j5 | job | 76 | cdi | sante | | | 2025-11 |
/// | j6 | job | 11 | cdd | | DS.MST.07 | | (none) |
/// | f1 | funding | 84 | | sante | | Bpifrance | 2026-02 |
/// | f2 | funding | 11 | | industrie | | Région Île-de-France | 2026-01 |
/// | f3 | funding | 11 | | banque | | Bpifrance | 2026-03 |
/// | p1 | project | 76 | | sante | | Bpifrance | 2025-11 |
/// | p2 | project | 84 | | industrie | | | 2026-02 |
/// | d1 | dataset | | | | | | 2026-03 |
pub fn corpus() -> Vec<Record> {
    vec![
        Record::Job(JobPosting {
            description: "Vous analyserez des données de santé et construirez des modèles statistiques \
                          pour les équipes médicales."
                .into(),
            employer: Some("Clinique Exemple".into()),
            location: location("Lyon", "84"),
            contract: Some(Contract::Cdi),
            salary: Some(Salary {
                min: Some(42_000.0),
                max: Some(50_000.0),
                currency: "EUR".into(),
                period: SalaryPeriod::Year,
            }),
            competences: strings(&["DS.MST.06", "DS.INF.01"]),
            rome_code: Some("M1405".into()),
            sector: Some("sante".into()),
            remote: Some(true),
            ..job("j1", "Data scientist santé", Some("2026-03-14"))
        }),
        Record::Job(JobPosting {
            description: "Modélisation du risque de crédit, statistique bayésienne.".into(),
            employer: Some("Banque Exemple".into()),
            location: location("Paris", "11"),
            contract: Some(Contract::Cdi),
            competences: strings(&["DS.MST.06"]),
            sector: Some("banque".into()),
            ..job("j2", "Statisticien risque de crédit", Some("2026-03-02"))
        }),
        Record::Job(JobPosting {
            description: "Stage de six mois : tableaux de bord et donnees de marche.".into(),
            employer: Some("Banque Exemple".into()),
            location: location("Paris", "11"),
            contract: Some(Contract::Stage),
            competences: strings(&["DS.MST.07"]),
            sector: Some("banque".into()),
            ..job("j3", "Stage analyste", Some("2026-02-20"))
        }),
        Record::Job(JobPosting {
            description: "Alternance en ingénierie : pipelines Spark et qualité de la donnée.".into(),
            employer: Some("Usine Exemple".into()),
            location: location("Grenoble", "84"),
            contract: Some(Contract::Alternance),
            competences: strings(&["DS.INF.01", "DS.ETH.02"]),
            sector: Some("industrie".into()),
            ..job("j4", "Data engineer en alternance", Some("2026-01-10"))
        }),
        Record::Job(JobPosting {
            description: "Suivi des indicateurs hospitaliers.".into(),
            employer: Some("Hôpital Exemple".into()),
            location: location("Rouen", "76"),
            contract: Some(Contract::Cdi),
            sector: Some("sante".into()),
            ..job("j5", "Analyste de données hospitalières", Some("2025-11-30"))
        }),
        Record::Job(JobPosting {
            description: "Mission courte de reporting.".into(),
            location: location("Paris", "11"),
            contract: Some(Contract::Cdd),
            competences: strings(&["DS.MST.07"]),
            ..job("j6", "Chargé de reporting", None)
        }),
        Record::Funding(Funding {
            funder: Some("Bpifrance".into()),
            recipient: Some("MedIA SAS".into()),
            amount: euros(1_500_000.0),
            programme: Some("Concours d'innovation i-Nov".into()),
            stage: Some("amorçage".into()),
            sector: Some("sante".into()),
            region_code: Some("84".into()),
            ..funding("f1", "MedIA lauréate du concours d'innovation", Some("2026-02-05"))
        }),
        Record::Funding(Funding {
            funder: Some("Région Île-de-France".into()),
            recipient: Some("Atelier Quatre".into()),
            amount: euros(300_000.0),
            programme: Some("Subvention régionale".into()),
            sector: Some("industrie".into()),
            region_code: Some("11".into()),
            ..funding("f2", "Aide régionale à l'industrie du futur", Some("2026-01-22"))
        }),
        Record::Funding(Funding {
            funder: Some("Bpifrance".into()),
            recipient: Some("Fintech Exemple".into()),
            amount: euros(2_000_000.0),
            programme: Some("Fonds d'amorçage".into()),
            stage: Some("série A".into()),
            sector: Some("banque".into()),
            region_code: Some("11".into()),
            ..funding("f3", "Levée de fonds d'une fintech", Some("2026-03-28"))
        }),
        Record::Project(Project {
            description: "Entrepôt de données de santé partagé entre hôpitaux.".into(),
            organisations: strings(&["CHU Exemple", "Université Exemple"]),
            budget: euros(4_000_000.0),
            funder: Some("Bpifrance".into()),
            sector: Some("sante".into()),
            region_code: Some("76".into()),
            ..project("p1", "Entrepôt de données hospitalier", Some("2025-11-01"))
        }),
        Record::Project(Project {
            description: "Maintenance prédictive par apprentissage automatique.".into(),
            organisations: strings(&["Usine Exemple"]),
            sector: Some("industrie".into()),
            region_code: Some("84".into()),
            ..project("p2", "Maintenance prédictive", Some("2026-02-01"))
        }),
        Record::Dataset(Dataset {
            publisher: Some("Ministère Exemple".into()),
            licence: Some("Licence Ouverte 2.0".into()),
            formats: strings(&["csv", "parquet"]),
            ..dataset("d1", "Statistiques des établissements de santé", Some("2026-03-01"))
        }),
    ]
}

/// An in-memory index holding [`corpus`].
pub fn corpus_index() -> RecordIndex {
    let index = RecordIndex::in_memory().expect("index en mémoire");
    let rejected = index.add(&corpus()).expect("indexation");
    assert!(rejected.is_empty(), "{rejected:?}");
    index
}

/// Runs `query` and returns the results, failing the test on an error.
pub fn search(index: &RecordIndex, query: &RecordQuery) -> RecordResults {
    index.search(query).unwrap_or_else(|error| panic!("{query:?} : {error}"))
}

/// The ids of a search's hits, in order.
pub fn ids(results: &RecordResults) -> Vec<String> {
    results.hits.iter().map(|hit| hit.id.clone()).collect()
}

/// The ids of the hits of the words `text`, sorted (for order-free comparisons).
pub fn ids_for_text(index: &RecordIndex, text: &str) -> Vec<String> {
    let mut ids = ids(&search(index, &RecordQuery { text: Some(text.to_owned()), ..RecordQuery::default() }));
    ids.sort();
    ids
}

/// A small deterministic generator (xorshift), so that every run builds the same records.
pub struct Rng(pub u64);

impl Rng {
    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// One of `items`.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "données",
    "statistique",
    "apprentissage",
    "automatique",
    "modélisation",
    "tableaux",
    "bord",
    "pipelines",
    "qualité",
    "santé",
    "énergie",
    "assurance",
    "industrie",
    "cloud",
    "SQL",
    "Python",
    "visualisation",
    "prévision",
    "clients",
    "équipe",
];
const REGIONS: &[&str] = &["11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94", "01"];
const SECTORS: &[&str] = &["sante", "banque", "industrie", "energie", "commerce", "public"];
const COMPETENCES: &[&str] = &["DS.INF.01", "DS.INF.02", "DS.MST.06", "DS.MST.07", "DS.ETH.02", "DS.VIS.01"];
const FUNDERS: &[&str] = &["Bpifrance", "Région Exemple", "France 2030", "Fonds Européen"];

/// `n` records of every kind (mostly job postings), over 24 months, regions, sectors,
/// contracts, competences and funders.
pub fn generated(n: usize, seed: u64) -> Vec<Record> {
    let mut rng = Rng(seed.max(1));
    (0..n)
        .map(|idx| {
            let date = format!("{}-{:02}-{:02}", 2025 + rng.next() % 2, 1 + rng.next() % 12, 1 + rng.next() % 28);
            let title: Vec<&str> = (0..4).map(|_| rng.pick(WORDS)).collect();
            let description: Vec<&str> = (0..60).map(|_| rng.pick(WORDS)).collect();
            let region = rng.pick(REGIONS).to_owned();
            let sector = rng.pick(SECTORS).to_owned();
            match rng.next() % 10 {
                0 => Record::Funding(Funding {
                    funder: Some(rng.pick(FUNDERS).to_owned()),
                    recipient: Some(format!("Entreprise {}", rng.next() % 500)),
                    amount: euros((rng.next() % 5_000) as f64 * 1_000.0),
                    region_code: Some(region),
                    sector: Some(sector),
                    ..funding(&format!("gen-{idx}"), &title.join(" "), Some(&date))
                }),
                1 => Record::Project(Project {
                    description: description.join(" "),
                    organisations: vec![format!("Laboratoire {}", rng.next() % 100)],
                    funder: Some(rng.pick(FUNDERS).to_owned()),
                    region_code: Some(region),
                    sector: Some(sector),
                    ..project(&format!("gen-{idx}"), &title.join(" "), Some(&date))
                }),
                2 => Record::Dataset(dataset(&format!("gen-{idx}"), &title.join(" "), Some(&date))),
                _ => Record::Job(JobPosting {
                    description: description.join(" "),
                    employer: Some(format!("Employeur {}", rng.next() % 2_000)),
                    location: location("Ville", &region),
                    contract: Some(records::Contract::ALL[(rng.next() % 6) as usize]),
                    competences: (0..rng.next() % 4).map(|_| rng.pick(COMPETENCES).to_owned()).collect(),
                    sector: Some(sector),
                    ..job(&format!("gen-{idx}"), &title.join(" "), Some(&date))
                }),
            }
        })
        .collect()
}
