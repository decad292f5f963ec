//! Near-duplicate postings: the same offer on several sites is merged, distinct offers are not.

use extract::dedup;
use records::{Contract, JobPosting, Location};

const DESCRIPTION: &str = "Au sein de l'équipe data, vous concevez des pipelines de données avec Spark et Airflow, \
    vous modélisez l'entrepôt de données et vous accompagnez les analystes dans leurs usages. Vous travaillez \
    avec les équipes produit pour comprendre leurs besoins et garantir la qualité des données livrées chaque jour.";

fn posting(url: &str, title: &str, description: &str, employer: &str, date: &str) -> JobPosting {
    JobPosting {
        id: format!("job-{url}"),
        title: title.into(),
        description: description.into(),
        date_posted: Some(date.into()),
        valid_through: None,
        employer: Some(employer.into()),
        location: Location { city: Some("Lyon".into()), region_code: Some("84".into()), ..Location::default() },
        remote: None,
        contract: Some(Contract::Cdi),
        salary: None,
        competences: Vec::new(),
        rome_code: None,
        sector: None,
        source_url: url.into(),
        duplicate_urls: Vec::new(),
    }
}

#[test]
fn the_same_offer_on_several_sites_is_merged_keeping_every_url() {
    let original = posting("https://a.exemple/1", "Data Engineer (H/F)", DESCRIPTION, "Acme SAS", "2026-03-01");
    let mut copy = posting(
        "https://b.exemple/9",
        "Data engineer - CDI - Lyon",
        &format!("<p>{DESCRIPTION}</p><p>Postulez vite sur notre site, des milliers d'offres vous attendent !</p>"),
        "ACME",
        "2026-03-04",
    );
    copy.rome_code = Some("M1811".into());
    let other = posting(
        "https://a.exemple/2",
        "Comptable (H/F)",
        "Tenue de la comptabilité fournisseurs.",
        "Acme SAS",
        "2026-03-01",
    );
    let postings = vec![original, other, copy];
    assert_eq!(dedup::groups(&postings), vec![vec![0, 2]]);
    let merged = dedup::merge(postings);
    assert_eq!(merged.len(), 2);
    let survivor = merged.iter().find(|p| p.title.contains("ngineer")).unwrap();
    let mut urls = vec![survivor.source_url.clone()];
    urls.extend(survivor.duplicate_urls.clone());
    urls.sort();
    assert_eq!(urls, ["https://a.exemple/1", "https://b.exemple/9"]);
    assert_eq!(survivor.rome_code.as_deref(), Some("M1811"));
}

#[test]
fn different_jobs_cities_or_employers_are_not_merged() {
    let base = posting("https://a.exemple/1", "Data Engineer", DESCRIPTION, "Acme", "2026-03-01");
    let mut elsewhere = posting("https://b.exemple/1", "Data Engineer", DESCRIPTION, "Acme", "2026-03-02");
    elsewhere.location =
        Location { city: Some("Rennes".into()), region_code: Some("53".into()), ..Location::default() };
    let other_employer = posting("https://c.exemple/1", "Data Engineer", DESCRIPTION, "Globex", "2026-03-02");
    let later = posting("https://d.exemple/1", "Data Engineer", DESCRIPTION, "Acme", "2026-09-01");
    let other_job = posting(
        "https://e.exemple/1",
        "Chef de rayon",
        "Gestion du rayon frais et de l'équipe de vente en magasin, commandes et inventaires.",
        "Acme",
        "2026-03-01",
    );
    assert!(dedup::groups(&[base, elsewhere, other_employer, later, other_job]).is_empty());
}

#[test]
fn five_thousand_postings_are_grouped_without_comparing_every_pair() {
    let mut postings = Vec::new();
    for index in 0..5000 {
        let description = format!(
            "Offre numéro {index} : mission {} pour le client {} avec des outils {}.",
            index * 7,
            index * 13,
            index * 31
        );
        postings.push(posting(
            &format!("https://a.exemple/{index}"),
            &format!("Poste {index}"),
            &description,
            &format!("Employeur {}", index % 50),
            "2026-03-01",
        ));
    }
    let copy = postings[10].clone();
    postings.push(JobPosting { source_url: "https://b.exemple/10".into(), ..copy });
    // Printed for the record, not asserted: timing depends on the machine.
    let started = std::time::Instant::now();
    let groups = dedup::groups(&postings);
    println!("{} postings grouped in {:?}", postings.len(), started.elapsed());
    assert_eq!(groups, vec![vec![10, 5000]]);
}

fn competences(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|id| (*id).to_owned()).collect()
}

fn yearly(min: f64, max: f64) -> Option<records::Salary> {
    Some(records::Salary {
        min: Some(min),
        max: Some(max),
        currency: "EUR".into(),
        period: records::SalaryPeriod::Year,
    })
}

#[test]
fn one_offer_rewritten_for_another_site_is_merged_by_its_facts() {
    let mut original = posting(
        "https://a.exemple/1",
        "Data engineer (H/F)",
        "Vous concevez des pipelines Spark et Airflow pour l'équipe produit. Vous maîtrisez SQL et Kafka.",
        "Acme",
        "2026-03-01",
    );
    original.competences = competences(&["DS.INF.04", "DS.INF.05", "DS.INF.09"]);
    original.salary = yearly(45000.0, 55000.0);
    let mut rewritten = posting(
        "https://b.exemple/7",
        "Ingénieur de données H/F – Lyon",
        "Rejoignez Acme à Lyon. Ce que nous attendons : SQL, Kafka ; au quotidien, Spark et Airflow en production.",
        "Acme",
        "2026-03-03",
    );
    rewritten.competences = competences(&["DS.INF.04", "DS.INF.05", "DS.INF.09"]);
    // The same salary written per month.
    rewritten.salary = Some(records::Salary {
        min: Some(3750.0),
        max: Some(4583.0),
        currency: "EUR".into(),
        period: records::SalaryPeriod::Month,
    });
    let mut without_skills = rewritten.clone();
    without_skills.source_url = "https://c.exemple/3".into();
    without_skills.competences = Vec::new();
    assert_eq!(dedup::groups(&[original.clone(), rewritten.clone(), without_skills]), vec![vec![0, 1, 2]]);

    // A week and more apart, or another contract, or other skills: facts alone do not suffice.
    let mut later = rewritten.clone();
    later.date_posted = Some("2026-03-12".into());
    let mut other_contract = rewritten.clone();
    other_contract.contract = Some(Contract::Cdd);
    let mut other_skills = rewritten.clone();
    other_skills.competences = competences(&["DS.INF.04", "DS.MST.09", "DS.MST.10"]);
    for other in [later, other_contract, other_skills] {
        assert!(dedup::groups(&[original.clone(), other.clone()]).is_empty(), "{other:?}");
    }
}

#[test]
fn alike_postings_of_one_employer_with_other_salaries_or_skills_are_not_merged() {
    let mut first = posting("https://a.exemple/1", "Data engineer (H/F)", DESCRIPTION, "Acme", "2026-03-01");
    first.salary = yearly(50000.0, 57000.0);
    first.competences = competences(&["DS.INF.04", "DS.INF.05", "DS.INF.09"]);
    // The same boilerplate, another salary: another job.
    let mut other_salary = first.clone();
    other_salary.source_url = "https://a.exemple/2".into();
    other_salary.salary = yearly(53000.0, 60000.0);
    // The same boilerplate, mostly other skills: another job.
    let mut other_skills = first.clone();
    other_skills.source_url = "https://a.exemple/3".into();
    other_skills.competences = competences(&["DS.INF.03", "DS.INF.12", "DS.INF.05"]);
    assert!(dedup::groups(&[first.clone(), other_salary]).is_empty());
    assert!(dedup::groups(&[first.clone(), other_skills]).is_empty());
    // The same salary rounded differently is the same offer.
    let mut rounded = first.clone();
    rounded.source_url = "https://b.exemple/1".into();
    rounded.salary = yearly(50000.0, 57500.0);
    assert_eq!(dedup::groups(&[first, rounded]), vec![vec![0, 1]]);
}
