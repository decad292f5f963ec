//! Measures the record store on generated job postings:
//! `cargo run --release -p indicators --example store_volume -- [COUNT] [DIR]` (100,000 postings in a
//! scratch directory by default). Prints the time of each step and the size on disk.

use std::path::PathBuf;
use std::time::Instant;

use indicators::RecordStore;
use records::{Contract, JobPosting, Location, Record, Salary, SalaryPeriod};

fn posting(n: usize) -> Record {
    let month = n % 24;
    let date = format!("{}-{:02}-{:02}", 2025 + month / 12, month % 12 + 1, n % 28 + 1);
    Record::Job(JobPosting {
        id: format!("job-{n:016x}"),
        title: format!("Data scientist confirmé (H/F) n° {n}"),
        description: "Au sein de l'équipe données, vous concevez des modèles de prévision, \
                      industrialisez des pipelines Python et SQL et présentez vos analyses."
            .repeat(1 + n % 4),
        date_posted: (!n.is_multiple_of(11)).then_some(date),
        valid_through: Some("2027-06-30".into()),
        employer: Some(format!("Entreprise {}", n % 500)),
        location: Location {
            city: Some(["Lyon", "Paris", "Nantes", "Lille"][n % 4].into()),
            postal_code: Some(format!("{:05}", 69000 + n % 10)),
            region_code: Some(["84", "11", "52", "32"][n % 4].into()),
            country: Some("FR".into()),
        },
        remote: Some(n.is_multiple_of(2)),
        contract: Some(Contract::ALL[n % Contract::ALL.len()]),
        salary: (!n.is_multiple_of(3)).then(|| Salary {
            min: Some(35_000.0 + (n % 20) as f64 * 1000.0),
            max: Some(50_000.0),
            currency: "EUR".into(),
            period: SalaryPeriod::Year,
        }),
        competences: vec!["DS.INF.01".into(), "DS.MST.06".into(), "DS.MST.07".into()][..n % 4].to_vec(),
        rome_code: Some("M1405".into()),
        sector: Some("sante".into()),
        source_url: format!("https://emplois.exemple.fr/offres/{n}"),
        duplicate_urls: Vec::new(),
    })
}

fn size(dir: &std::path::Path) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        total += if path.is_dir() { size(&path) } else { entry.metadata().map(|meta| meta.len()).unwrap_or(0) };
    }
    total
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().map(|text| text.parse()).transpose()?.unwrap_or(100_000);
    let dir = args.next().map(PathBuf::from).unwrap_or_else(|| std::env::temp_dir().join("indicators-measure"));
    let _ = std::fs::remove_dir_all(&dir);

    let started = Instant::now();
    let records: Vec<Record> = (0..count).map(posting).collect();
    println!("génération de {count} offres : {:.2?}", started.elapsed());

    let mut store = RecordStore::open(&dir)?;
    let started = Instant::now();
    let report = store.write(&records)?;
    println!("écriture (store vide) : {:.2?} — {} ajoutées", started.elapsed(), report.added);
    drop(store);
    println!("taille sur disque : {:.1} Mio", size(&dir) as f64 / 1_048_576.0);

    let started = Instant::now();
    let mut store = RecordStore::open(&dir)?;
    println!("ouverture (index des ids) : {:.2?}", started.elapsed());

    let started = Instant::now();
    let back = store.read_all()?;
    println!("lecture complète : {:.2?} — {} enregistrements", started.elapsed(), back.len());

    let started = Instant::now();
    let report = store.write(&records)?;
    println!("réécriture à l'identique : {:.2?} — {} inchangées", started.elapsed(), report.unchanged);

    let mut changed: Vec<Record> = records.iter().step_by(100).cloned().collect();
    for record in &mut changed {
        if let Record::Job(job) = record {
            job.title.push_str(" (mise à jour)");
        }
    }
    let started = Instant::now();
    let report = store.write(&changed)?;
    println!("mise à jour de 1 % des offres : {:.2?} — {} remplacées", started.elapsed(), report.replaced);
    drop(store);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
