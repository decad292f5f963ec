//! Shared helpers of the integration tests: scratch directories and records of every kind.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use records::{Amount, Contract, Dataset, Funding, JobPosting, Location, Project, Record, Salary, SalaryPeriod};

/// A fresh directory under the system's temporary directory, removed when dropped.
pub struct Scratch {
    path: PathBuf,
}

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let path = std::env::temp_dir().join(format!("indicators-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("dossier temporaire");
        Scratch { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A job posting with every optional field filled.
pub fn full_job(id: &str, date: &str) -> JobPosting {
    JobPosting {
        id: id.into(),
        title: "Data scientist (H/F) — « santé »".into(),
        description: "Analyse de données de santé.\nPython, SQL ; télétravail partiel.".into(),
        date_posted: Some(date.into()),
        valid_through: Some("2026-12-31".into()),
        employer: Some("Exemple Santé SAS".into()),
        location: Location {
            city: Some("Saint-Étienne".into()),
            postal_code: Some("42000".into()),
            region_code: Some("84".into()),
            country: Some("FR".into()),
        },
        remote: Some(false),
        contract: Some(Contract::Alternance),
        salary: Some(Salary {
            min: Some(38000.5),
            max: Some(45000.0),
            currency: "EUR".into(),
            period: SalaryPeriod::Year,
        }),
        competences: vec!["DS.INF.01".into(), "DS.MST.06".into()],
        rome_code: Some("M1405".into()),
        sector: Some("sante".into()),
        source_url: format!("https://emplois.exemple.fr/offres/{id}"),
        duplicate_urls: vec!["https://autre.exemple.fr/o/1".into(), "https://trois.exemple.fr/o/2".into()],
    }
}

/// A job posting with every optional field empty.
pub fn bare_job(id: &str) -> JobPosting {
    JobPosting {
        id: id.into(),
        title: String::new(),
        description: String::new(),
        date_posted: None,
        valid_through: None,
        employer: None,
        location: Location::default(),
        remote: None,
        contract: None,
        salary: None,
        competences: Vec::new(),
        rome_code: None,
        sector: None,
        source_url: String::new(),
        duplicate_urls: Vec::new(),
    }
}

pub fn full_funding(id: &str, date: &str) -> Funding {
    Funding {
        id: id.into(),
        title: "Lauréat du concours d'innovation".into(),
        funder: Some("Bpifrance".into()),
        recipient: Some("DataExemple SAS".into()),
        amount: Some(Amount { value: 1_250_000.0, currency: "EUR".into() }),
        date: Some(date.into()),
        programme: Some("Concours d'innovation i-Nov".into()),
        stage: Some("amorçage".into()),
        sector: Some("energie".into()),
        region_code: Some("11".into()),
        source_url: format!("https://financements.exemple.fr/{id}"),
    }
}

pub fn bare_funding(id: &str) -> Funding {
    Funding {
        id: id.into(),
        title: "Sans titre".into(),
        funder: None,
        recipient: None,
        amount: None,
        date: None,
        programme: None,
        stage: None,
        sector: None,
        region_code: None,
        source_url: "https://financements.exemple.fr/".into(),
    }
}

pub fn full_project(id: &str, date: &str) -> Project {
    Project {
        id: id.into(),
        title: "Plateforme de données agricoles".into(),
        description: "Un entrepôt de données ouvert.".into(),
        organisations: vec!["INRAE".into(), "Université Exemple".into(), "Coop Data".into()],
        start_date: Some(date.into()),
        end_date: Some("2029-02-28".into()),
        budget: Some(Amount { value: 2_400_000.75, currency: "EUR".into() }),
        funder: Some("Commission européenne".into()),
        sector: Some("agriculture".into()),
        region_code: Some("76".into()),
        source_url: format!("https://cordis.exemple.eu/{id}"),
    }
}

pub fn bare_project(id: &str) -> Project {
    Project {
        id: id.into(),
        title: "Projet".into(),
        description: String::new(),
        organisations: Vec::new(),
        start_date: None,
        end_date: None,
        budget: None,
        funder: None,
        sector: None,
        region_code: None,
        source_url: "https://cordis.exemple.eu/".into(),
    }
}

pub fn full_dataset(id: &str, date: &str) -> Dataset {
    Dataset {
        id: id.into(),
        title: "Offres d'emploi par région".into(),
        publisher: Some("DARES".into()),
        licence: Some("Licence Ouverte / Open Licence version 2.0".into()),
        formats: vec!["csv".into(), "parquet".into()],
        updated: Some(date.into()),
        source_url: format!("https://www.data.gouv.fr/fr/datasets/{id}/"),
    }
}

pub fn bare_dataset(id: &str) -> Dataset {
    Dataset {
        id: id.into(),
        title: "Jeu".into(),
        publisher: None,
        licence: None,
        formats: Vec::new(),
        updated: None,
        source_url: "https://www.data.gouv.fr/".into(),
    }
}

/// `count` job postings spread over 24 months, with varied optional fields (deterministic).
pub fn many_jobs(count: usize) -> Vec<Record> {
    (0..count)
        .map(|n| {
            let month = n % 24;
            let date = format!("{}-{:02}-{:02}", 2025 + month / 12, month % 12 + 1, n % 28 + 1);
            let mut job = full_job(&format!("job-{n:08x}"), &date);
            job.title = format!("Offre numéro {n}");
            if n.is_multiple_of(3) {
                job.salary = None;
            }
            if n.is_multiple_of(5) {
                job.location = Location::default();
                job.contract = Some(Contract::Cdi);
            }
            if n.is_multiple_of(7) {
                job.competences.clear();
                job.duplicate_urls.clear();
                job.remote = None;
            }
            if n.is_multiple_of(11) {
                job.date_posted = None;
            }
            Record::Job(job)
        })
        .collect()
}
