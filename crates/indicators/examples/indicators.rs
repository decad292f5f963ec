//! Measures the indicators' engine over generated job postings:
//! `cargo run --release -p indicators --example indicators -- [COUNT] [DIR]` (1,000,000 postings
//! by default). The postings are written with the store one month at a time (each write creates
//! one partition); an existing store in DIR is reused as it is. Prints the time of every
//! indicator of the built-in catalogue, of the whole catalogue and of the key figures.

use std::path::PathBuf;
use std::time::Instant;

use indicators::{Catalogue, Context, Engine, Filters, ProgrammeSupply, RecordStore, Supply};
use records::{Contract, JobPosting, Location, Record, Salary, SalaryPeriod};

const COMPETENCES: [&str; 8] =
    ["DS.INF.01", "DS.INF.02", "DS.MST.06", "DS.MST.07", "DS.ALG.03", "DS.VIS.02", "DS.BDD.01", "DS.ETH.01"];
const REGIONS: [&str; 6] = ["84", "11", "52", "32", "76", "04"];

fn posting(n: usize, month: usize) -> Record {
    let date = format!("{}-{:02}-{:02}", 2025 + month / 12, month % 12 + 1, n % 28 + 1);
    let competences: Vec<String> =
        (0..n % 5).map(|offset| COMPETENCES[(n / 7 + offset * 3) % COMPETENCES.len()].to_string()).collect();
    let mut competences = competences;
    competences.sort();
    competences.dedup();
    Record::Job(JobPosting {
        id: format!("job-{n:016x}"),
        title: format!("Data scientist (H/F) n° {n}"),
        description: "Au sein de l'équipe données, vous concevez des modèles et des pipelines Python et SQL.".into(),
        date_posted: Some(date),
        valid_through: None,
        employer: Some(format!("Entreprise {}", n % 500)),
        location: Location {
            city: None,
            postal_code: None,
            region_code: Some(REGIONS[n % REGIONS.len()].into()),
            country: Some("FR".into()),
        },
        remote: Some(n.is_multiple_of(2)),
        contract: Some(Contract::ALL[n % Contract::ALL.len()]),
        salary: (!n.is_multiple_of(3)).then(|| Salary {
            min: Some(30_000.0 + (n % 37) as f64 * 1000.0),
            max: (!n.is_multiple_of(4)).then_some(80_000.0),
            currency: "EUR".into(),
            period: SalaryPeriod::Year,
        }),
        competences,
        rome_code: Some(["M1405", "M1805", "M1403"][n % 3].into()),
        sector: Some(["sante", "numerique", "industrie", "conseil"][n % 4].into()),
        source_url: format!("https://emplois.exemple.fr/offres/{n}"),
        duplicate_urls: Vec::new(),
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().map(|text| text.parse()).transpose()?.unwrap_or(1_000_000);
    let dir = args.next().map(PathBuf::from).unwrap_or_else(|| std::env::temp_dir().join("indicators-engine"));
    if !dir.join("kind=job").is_dir() {
        let started = Instant::now();
        let mut store = RecordStore::open(&dir)?;
        let per_month = count.div_ceil(24);
        for month in 0..24 {
            let records: Vec<Record> =
                (month * per_month..((month + 1) * per_month).min(count)).map(|n| posting(n, month)).collect();
            store.write(&records)?;
        }
        println!("écriture de {count} offres : {:.2?}", started.elapsed());
    }

    let context = Context {
        competences: COMPETENCES.iter().map(|id| (id.to_string(), format!("Compétence {id}"))).collect(),
        supply: Supply {
            programmes: (0..300)
                .map(|n| ProgrammeSupply {
                    id: format!("p{n}"),
                    region_code: Some(REGIONS[n % REGIONS.len()].into()),
                    competences: vec![(COMPETENCES[n % COMPETENCES.len()].into(), (n % 4 + 1) as u8)],
                })
                .collect(),
            chapters: Vec::new(),
            questions: Vec::new(),
        },
    };
    let catalogue = Catalogue::builtin().map_err(|problems| problems.join("\n"))?;
    let engine = Engine::new(&dir);
    let filters = Filters::default();
    let total = Instant::now();
    for definition in &catalogue.indicators {
        let started = Instant::now();
        let table = engine.compute(definition, &filters, &context)?;
        println!("{:<28} {:>9.2?}  {} lignes", definition.id, started.elapsed(), table.rows.len());
    }
    println!("catalogue entier : {:.2?}", total.elapsed());
    let started = Instant::now();
    let figures = engine.key_figures(&filters)?;
    println!("chiffres clés : {:.2?} — {} offres sur {}", started.elapsed(), figures[0].value, figures[0].period);
    Ok(())
}
