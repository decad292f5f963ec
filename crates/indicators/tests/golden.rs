//! Golden tests of the indicators: a small record set written with the store, every indicator
//! of the built-in catalogue computed over it and compared with a table computed by hand; the
//! filters, an empty store, a damaged file, the catalogue's parser and the Parquet export.

mod common;

use common::Scratch;
use indicators::{
    Catalogue, Cell, Context, Engine, Filters, KeyFigure, ProgrammeSupply, RecordStore, Supply, Table, Taught, Theme,
};
use records::{Amount, Contract, Funding, JobPosting, Location, Project, Record, Salary, SalaryPeriod};

const A: &str = "DS.A01";
const B: &str = "DS.B02";
const C: &str = "DS.C03";
const D: &str = "DS.D04";
const E: &str = "DS.E05";

type Pay = (Option<f64>, Option<f64>, &'static str, SalaryPeriod);

#[allow(clippy::too_many_arguments)]
fn job(
    id: &str,
    date: Option<&str>,
    region: Option<&str>,
    contract: Option<Contract>,
    sector: Option<&str>,
    rome: Option<&str>,
    competences: &[&str],
    pay: Option<Pay>,
) -> Record {
    Record::Job(JobPosting {
        id: id.into(),
        title: format!("Offre {id}"),
        description: String::new(),
        date_posted: date.map(str::to_string),
        valid_through: None,
        employer: None,
        location: Location { region_code: region.map(str::to_string), ..Location::default() },
        remote: None,
        contract,
        salary: pay.map(|(min, max, currency, period)| Salary { min, max, currency: currency.into(), period }),
        competences: competences.iter().map(|id| id.to_string()).collect(),
        rome_code: rome.map(str::to_string),
        sector: sector.map(str::to_string),
        source_url: format!("https://emplois.exemple.fr/{id}"),
        duplicate_urls: Vec::new(),
    })
}

#[allow(clippy::too_many_arguments)]
fn funding(
    id: &str,
    date: &str,
    region: Option<&str>,
    sector: Option<&str>,
    amount: Option<(f64, &str)>,
    programme: Option<&str>,
    stage: Option<&str>,
) -> Record {
    Record::Funding(Funding {
        id: id.into(),
        title: format!("Financement {id}"),
        funder: Some("Bpifrance".into()),
        recipient: None,
        amount: amount.map(|(value, currency)| Amount { value, currency: currency.into() }),
        date: Some(date.into()),
        programme: programme.map(str::to_string),
        stage: stage.map(str::to_string),
        sector: sector.map(str::to_string),
        region_code: region.map(str::to_string),
        source_url: format!("https://financements.exemple.fr/{id}"),
    })
}

fn project(id: &str, date: &str, region: Option<&str>, sector: &str) -> Record {
    Record::Project(Project {
        id: id.into(),
        title: format!("Projet {id}"),
        description: String::new(),
        organisations: Vec::new(),
        start_date: Some(date.into()),
        end_date: None,
        budget: None,
        funder: None,
        sector: Some(sector.into()),
        region_code: region.map(str::to_string),
        source_url: format!("https://projets.exemple.fr/{id}"),
    })
}

/// 20 postings (18 dated from 2024-10 to 2026-10, one undated), 8 funding events, 6 projects.
///
/// Annual salaries in euros (midpoint or single bound × 1, 12, 218, 1607):
/// o01 45 000, o02 3 000 × 12 = 36 000, o03 1 300 × 12 = 15 600, o05 60 000, o06 60 000,
/// o07 450 × 218 = 98 100, o08 55 000, o09 12 × 1 607 = 19 284, o10 4 000 × 12 = 48 000,
/// o11 44 000, o13 1 000 × 12 = 12 000, o15 70 000, o16 52 000, o18 32 000,
/// o20 1 500 × 12 = 18 000; o12 is in USD and o04, o14, o17, o19 have no salary.
fn records() -> Vec<Record> {
    use Contract::*;
    use SalaryPeriod::*;
    let eur = |min: Option<f64>, max: Option<f64>, period| Some((min, max, "EUR", period));
    vec![
        job(
            "o01",
            Some("2025-01-15"),
            Some("11"),
            Some(Cdi),
            Some("numerique"),
            Some("M1405"),
            &[A, B],
            eur(Some(40000.0), Some(50000.0), Year),
        ),
        job(
            "o02",
            Some("2025-03-10"),
            Some("84"),
            Some(Cdd),
            Some("sante"),
            Some("M1805"),
            &[A],
            eur(Some(3000.0), None, Month),
        ),
        job(
            "o03",
            Some("2025-06-20"),
            Some("11"),
            Some(Stage),
            Some("numerique"),
            Some("M1405"),
            &[C],
            eur(Some(1200.0), Some(1400.0), Month),
        ),
        job("o04", Some("2025-09-05"), Some("53"), Some(Cdi), Some("banque-assurance"), Some("M1403"), &[B, C], None),
        job(
            "o05",
            Some("2025-10-30"),
            Some("84"),
            Some(Cdi),
            Some("numerique"),
            Some("M1405"),
            &[A],
            eur(None, Some(60000.0), Year),
        ),
        job(
            "o06",
            Some("2025-11-03"),
            Some("11"),
            Some(Cdi),
            Some("numerique"),
            Some("M1405"),
            &[A, B],
            eur(Some(50000.0), Some(70000.0), Year),
        ),
        job(
            "o07",
            Some("2025-12-12"),
            Some("84"),
            Some(Freelance),
            Some("conseil"),
            Some("M1805"),
            &[B],
            eur(Some(400.0), Some(500.0), Day),
        ),
        job(
            "o08",
            Some("2026-01-08"),
            Some("11"),
            Some(Cdi),
            Some("numerique"),
            Some("M1405"),
            &[B, D],
            eur(Some(55000.0), None, Year),
        ),
        job(
            "o09",
            Some("2026-02-14"),
            Some("53"),
            Some(Alternance),
            Some("sante"),
            Some("M1805"),
            &[A, C],
            eur(Some(12.0), None, Hour),
        ),
        job(
            "o10",
            Some("2026-03-01"),
            Some("11"),
            Some(Cdd),
            Some("banque-assurance"),
            Some("M1403"),
            &[B],
            eur(Some(3500.0), Some(4500.0), Month),
        ),
        job(
            "o11",
            Some("2026-04-22"),
            Some("04"),
            Some(Cdi),
            Some("numerique"),
            Some("M1405"),
            &[D],
            eur(Some(42000.0), Some(46000.0), Year),
        ),
        job(
            "o12",
            Some("2026-05-05"),
            Some("84"),
            Some(Cdi),
            Some("sante"),
            Some("M1805"),
            &[B, C],
            Some((Some(50000.0), None, "USD", Year)),
        ),
        job(
            "o13",
            Some("2026-06-30"),
            Some("11"),
            Some(Stage),
            Some("numerique"),
            None,
            &[],
            eur(Some(1000.0), None, Month),
        ),
        job("o14", Some("2026-07-07"), Some("84"), Some(Cdi), Some("numerique"), Some("M1405"), &[B], None),
        job(
            "o15",
            Some("2026-08-18"),
            Some("11"),
            None,
            None,
            Some("M1405"),
            &[A, B, D],
            eur(Some(65000.0), Some(75000.0), Year),
        ),
        job(
            "o16",
            Some("2026-10-02"),
            Some("53"),
            Some(Cdi),
            Some("numerique"),
            Some("M1403"),
            &[B],
            eur(Some(52000.0), None, Year),
        ),
        job("o17", Some("2026-10-20"), None, Some(Cdd), Some("numerique"), Some("M1405"), &[C], None),
        job(
            "o18",
            Some("2024-10-15"),
            Some("84"),
            Some(Cdi),
            Some("sante"),
            Some("M1805"),
            &[A],
            eur(Some(30000.0), Some(34000.0), Year),
        ),
        job("o19", None, Some("11"), Some(Cdi), Some("numerique"), Some("M1405"), &[B], None),
        job(
            "o20",
            Some("2026-09-09"),
            Some("11"),
            Some(Alternance),
            Some("conseil"),
            Some("M1402"),
            &[A, B],
            eur(Some(1500.0), None, Month),
        ),
        funding(
            "f1",
            "2026-01-10",
            Some("84"),
            Some("numerique"),
            Some((100000.0, "EUR")),
            Some("i-Nov"),
            Some("amorçage"),
        ),
        funding(
            "f2",
            "2026-01-25",
            Some("11"),
            Some("sante"),
            Some((250000.0, "EUR")),
            Some("France 2030"),
            Some("série A"),
        ),
        funding(
            "f3",
            "2026-03-05",
            Some("84"),
            Some("numerique"),
            Some((50000.0, "EUR")),
            Some("i-Nov"),
            Some("amorçage"),
        ),
        funding(
            "f4",
            "2026-04-12",
            Some("53"),
            Some("energie"),
            Some((80000.0, "USD")),
            Some("Pack Ambition"),
            Some("amorçage"),
        ),
        funding("f5", "2026-04-30", Some("11"), Some("numerique"), None, Some("France 2030"), Some("série A")),
        funding("f6", "2025-12-01", Some("11"), Some("sante"), Some((120000.0, "EUR")), Some("i-Nov"), None),
        funding("f7", "2026-06-15", None, None, Some((30000.0, "EUR")), None, Some("amorçage")),
        funding(
            "f8",
            "2024-12-20",
            Some("84"),
            Some("numerique"),
            Some((200000.0, "EUR")),
            Some("France 2030"),
            Some("série A"),
        ),
        project("p1", "2026-02-01", Some("84"), "numerique"),
        project("p2", "2026-03-15", Some("11"), "sante"),
        project("p3", "2026-07-01", Some("84"), "numerique"),
        project("p4", "2025-11-20", Some("53"), "energie"),
        project("p5", "2026-08-30", None, "numerique"),
        project("p6", "2025-05-10", Some("11"), "sante"),
    ]
}

fn context() -> Context {
    let competences = [
        (A, "Analyse de données"),
        (B, "Apprentissage automatique"),
        (C, "Bases de données"),
        (D, "Visualisation"),
        (E, "Éthique des données"),
    ];
    let programme = |id: &str, region: Option<&str>, taught: &[(&str, u8)]| ProgrammeSupply {
        id: id.into(),
        region_code: region.map(str::to_string),
        competences: taught.iter().map(|(id, level)| (id.to_string(), *level)).collect(),
    };
    let taught = |id: &str, competences: &[&str]| Taught {
        id: id.into(),
        competences: competences.iter().map(|id| id.to_string()).collect(),
    };
    Context {
        competences: competences.iter().map(|(id, label)| (id.to_string(), label.to_string())).collect(),
        supply: Supply {
            programmes: vec![
                programme("r1", Some("84"), &[(A, 2), (B, 3)]),
                programme("r2", Some("11"), &[(A, 1), (C, 2)]),
                programme("r3", Some("11"), &[(B, 2), (D, 4)]),
                programme("r4", None, &[(A, 3)]),
            ],
            chapters: vec![taught("ch1", &[A, B]), taught("ch2", &[B]), taught("ch3", &[C])],
            questions: vec![taught("q1", &[A]), taught("q2", &[A]), taught("q3", &[D])],
        },
    }
}

fn store(name: &str) -> Scratch {
    let scratch = Scratch::new(name);
    let mut store = RecordStore::open(scratch.path()).unwrap();
    let report = store.write(&records()).unwrap();
    assert_eq!(report.added, 34, "{report:?}");
    scratch
}

fn t(text: &str) -> Cell {
    Cell::Text(text.into())
}

fn i(value: i64) -> Cell {
    Cell::Int(value)
}

fn f(value: f64) -> Cell {
    Cell::Float(value)
}

const N: Cell = Cell::Null;

fn same(left: &Cell, right: &Cell) -> bool {
    match (left, right) {
        (Cell::Float(left), Cell::Float(right)) => (left - right).abs() <= 1e-9 * left.abs().max(1.0),
        _ => left == right,
    }
}

fn show(table: &Table) -> String {
    let mut text = table.columns.iter().map(|column| column.name.as_str()).collect::<Vec<_>>().join(" | ");
    for row in &table.rows {
        text.push('\n');
        text.push_str(&format!("{row:?}"));
    }
    text
}

/// Asserts the table's column names and rows (floats within 1e-9, relative).
fn check(table: &Table, columns: &[&str], rows: &[Vec<Cell>]) {
    let names: Vec<&str> = table.columns.iter().map(|column| column.name.as_str()).collect();
    assert_eq!(names, columns, "\n{}", show(table));
    assert_eq!(table.rows.len(), rows.len(), "\n{}", show(table));
    for (got, want) in table.rows.iter().zip(rows) {
        assert_eq!(got.len(), want.len(), "\n{}", show(table));
        assert!(
            got.iter().zip(want).all(|(got, want)| same(got, want)),
            "ligne {got:?}, attendu {want:?}\n{}",
            show(table)
        );
    }
    assert!(table.problems.is_empty(), "{:?}", table.problems);
}

fn compute(engine: &Engine, id: &str, filters: &Filters) -> Table {
    let catalogue = Catalogue::builtin().unwrap();
    let definition = catalogue.get(id).unwrap_or_else(|| panic!("indicateur {id} absent du catalogue"));
    engine.compute(definition, filters, &context()).unwrap()
}

/// Months and counts, one row per month.
fn series(months: &[(&str, i64)]) -> Vec<Vec<Cell>> {
    months.iter().map(|(month, count)| vec![t(month), i(*count)]).collect()
}

const ALL_IDS: [&str; 20] = [
    "offres-par-mois",
    "offres-par-competence",
    "offres-par-region",
    "offres-par-contrat",
    "offres-par-secteur",
    "offres-par-rome",
    "salaire-par-competence",
    "salaire-par-region",
    "part-par-competence",
    "competences-en-hausse",
    "financements-par-mois",
    "financements-par-secteur",
    "financements-par-stade",
    "financements-par-region",
    "financements-par-programme",
    "projets-par-trimestre",
    "projets-par-secteur",
    "projets-par-region",
    "offre-demande",
    "offre-demande-par-region",
];

#[test]
fn every_indicator_of_the_catalogue_matches_the_hand_computed_table() {
    let scratch = store("golden");
    let engine = Engine::new(scratch.path());
    let all = Filters::default();
    let mut checked = Vec::new();
    let mut run = |id: &str, columns: &[&str], rows: Vec<Vec<Cell>>| {
        check(&compute(&engine, id, &all), columns, &rows);
        checked.push(id.to_string());
    };

    // 19 dated postings over 2024-10 … 2026-10 (two in 2026-10), months without any are 0;
    // o19 has no date.
    run(
        "offres-par-mois",
        &["mois", "offres"],
        series(&[
            ("2024-10", 1),
            ("2024-11", 0),
            ("2024-12", 0),
            ("2025-01", 1),
            ("2025-02", 0),
            ("2025-03", 1),
            ("2025-04", 0),
            ("2025-05", 0),
            ("2025-06", 1),
            ("2025-07", 0),
            ("2025-08", 0),
            ("2025-09", 1),
            ("2025-10", 1),
            ("2025-11", 1),
            ("2025-12", 1),
            ("2026-01", 1),
            ("2026-02", 1),
            ("2026-03", 1),
            ("2026-04", 1),
            ("2026-05", 1),
            ("2026-06", 1),
            ("2026-07", 1),
            ("2026-08", 1),
            ("2026-09", 1),
            ("2026-10", 2),
        ]),
    );
    // Shares over all 20 postings: B 12/20, A 8/20, C 5/20, D 3/20; E is never cited.
    run(
        "offres-par-competence",
        &["competence", "competence_libelle", "offres", "part"],
        vec![
            vec![t(B), t("Apprentissage automatique"), i(12), f(60.0)],
            vec![t(A), t("Analyse de données"), i(8), f(40.0)],
            vec![t(C), t("Bases de données"), i(5), f(25.0)],
            vec![t(D), t("Visualisation"), i(3), f(15.0)],
        ],
    );
    // 19 postings have a region (o17 has none): 11 → 9/19, 84 → 6/19, 53 → 3/19, 04 → 1/19.
    run(
        "offres-par-region",
        &["region_code", "region", "offres", "part"],
        vec![
            vec![t("11"), t("Île-de-France"), i(9), f(900.0 / 19.0)],
            vec![t("84"), t("Auvergne-Rhône-Alpes"), i(6), f(600.0 / 19.0)],
            vec![t("53"), t("Bretagne"), i(3), f(300.0 / 19.0)],
            vec![t("04"), t("La Réunion"), i(1), f(100.0 / 19.0)],
        ],
    );
    // 19 postings have a contract (o15 has none); stage and alternance tie, sorted by code.
    run(
        "offres-par-contrat",
        &["contrat", "contrat_libelle", "offres", "part"],
        vec![
            vec![t("cdi"), t("CDI"), i(11), f(1100.0 / 19.0)],
            vec![t("cdd"), t("CDD"), i(3), f(300.0 / 19.0)],
            vec![t("alternance"), t("Alternance"), i(2), f(200.0 / 19.0)],
            vec![t("stage"), t("Stage"), i(2), f(200.0 / 19.0)],
            vec![t("freelance"), t("Indépendant"), i(1), f(100.0 / 19.0)],
        ],
    );
    run(
        "offres-par-secteur",
        &["secteur", "secteur_libelle", "offres", "part"],
        vec![
            vec![t("numerique"), t("Numérique et logiciels"), i(11), f(1100.0 / 19.0)],
            vec![t("sante"), t("Santé, pharmacie et action sociale"), i(4), f(400.0 / 19.0)],
            vec![t("banque-assurance"), t("Banque, finance et assurance"), i(2), f(200.0 / 19.0)],
            vec![t("conseil"), t("Conseil, services aux entreprises et ingénierie"), i(2), f(200.0 / 19.0)],
        ],
    );
    run(
        "offres-par-rome",
        &["rome", "offres", "part"],
        vec![
            vec![t("M1405"), i(10), f(1000.0 / 19.0)],
            vec![t("M1805"), i(5), f(500.0 / 19.0)],
            vec![t("M1403"), i(3), f(300.0 / 19.0)],
            vec![t("M1402"), i(1), f(100.0 / 19.0)],
        ],
    );
    // Linear quartiles: position q × (n − 1) in the sorted values.
    // B (8): 18 000, 45 000, 48 000, 52 000, 55 000, 60 000, 70 000, 98 100
    //   Q1 at 1.75: 45 000 + 0.75 × 3 000 = 47 250; median at 3.5: (52 000 + 55 000) / 2 = 53 500;
    //   Q3 at 5.25: 60 000 + 0.25 × 10 000 = 62 500.
    // D (3): 44 000, 55 000, 70 000 → Q1 at 0.5: 49 500; median 55 000; Q3 at 1.5: 62 500.
    // A (8): 18 000, 19 284, 32 000, 36 000, 45 000, 60 000, 60 000, 70 000
    //   Q1: 19 284 + 0.75 × 12 716 = 28 821; median (36 000 + 45 000) / 2 = 40 500; Q3 60 000.
    // C (2, o12 in USD left out): 15 600, 19 284 → Q1 at 0.25: 15 600 + 0.25 × 3 684 = 16 521;
    //   median 17 442; Q3 18 363.
    run(
        "salaire-par-competence",
        &["competence", "competence_libelle", "offres", "premier_quartile", "mediane", "troisieme_quartile"],
        vec![
            vec![t(D), t("Visualisation"), i(3), f(49500.0), f(55000.0), f(62500.0)],
            vec![t(B), t("Apprentissage automatique"), i(8), f(47250.0), f(53500.0), f(62500.0)],
            vec![t(A), t("Analyse de données"), i(8), f(28821.0), f(40500.0), f(60000.0)],
            vec![t(C), t("Bases de données"), i(2), f(16521.0), f(17442.0), f(18363.0)],
        ],
    );
    // 84 (4): 32 000, 36 000, 60 000, 98 100 → Q1 at 0.75: 35 000; median 48 000;
    //   Q3 at 2.25: 60 000 + 0.25 × 38 100 = 69 525.
    // 11 (8): 12 000, 15 600, 18 000, 45 000, 48 000, 55 000, 60 000, 70 000 → Q1 at 1.75:
    //   15 600 + 0.75 × 2 400 = 17 400; median 46 500; Q3 at 5.25: 55 000 + 0.25 × 5 000 = 56 250.
    // 04 (1): 44 000. 53 (2): 19 284, 52 000 → 27 463, 35 642, 43 821.
    run(
        "salaire-par-region",
        &["region_code", "region", "offres", "premier_quartile", "mediane", "troisieme_quartile"],
        vec![
            vec![t("84"), t("Auvergne-Rhône-Alpes"), i(4), f(35000.0), f(48000.0), f(69525.0)],
            vec![t("11"), t("Île-de-France"), i(8), f(17400.0), f(46500.0), f(56250.0)],
            vec![t("04"), t("La Réunion"), i(1), f(44000.0), f(44000.0), f(44000.0)],
            vec![t("53"), t("Bretagne"), i(2), f(27463.0), f(35642.0), f(43821.0)],
        ],
    );
    // Reference month 2026-10: last 12 months 2025-11 … 2026-10 hold 13 postings (o06–o17,
    // o20), the 12 before (2024-11 … 2025-10) hold 5 (o01–o05); o18 (2024-10) and o19 are in
    // neither.
    // B: 9/13 = 69.23 % now, 2/5 = 40 % before → +29.23 points.
    // A: 4/13 = 30.77 %, 3/5 = 60 % → −29.23.  C: 3/13, 2/5 → −16.92.  D: 3/13, 0/5 → +23.08.
    run(
        "part-par-competence",
        &["competence", "competence_libelle", "offres", "part", "part_12_mois", "part_12_mois_precedents", "tendance"],
        vec![
            vec![
                t(B),
                t("Apprentissage automatique"),
                i(12),
                f(60.0),
                f(900.0 / 13.0),
                f(40.0),
                f(900.0 / 13.0 - 40.0),
            ],
            vec![t(A), t("Analyse de données"), i(8), f(40.0), f(400.0 / 13.0), f(60.0), f(400.0 / 13.0 - 60.0)],
            vec![t(C), t("Bases de données"), i(5), f(25.0), f(300.0 / 13.0), f(40.0), f(300.0 / 13.0 - 40.0)],
            vec![t(D), t("Visualisation"), i(3), f(15.0), f(300.0 / 13.0), f(0.0), f(300.0 / 13.0)],
        ],
    );
    run(
        "competences-en-hausse",
        &["competence", "competence_libelle", "part_12_mois", "part_12_mois_precedents", "tendance"],
        vec![
            vec![t(B), t("Apprentissage automatique"), f(900.0 / 13.0), f(40.0), f(900.0 / 13.0 - 40.0)],
            vec![t(D), t("Visualisation"), f(300.0 / 13.0), f(0.0), f(300.0 / 13.0)],
        ],
    );
    // Amounts in euros only: f4 (USD) and f5 (no amount) count but add nothing.
    let months = [
        ("2024-12", 200000.0, 1),
        ("2025-01", 0.0, 0),
        ("2025-02", 0.0, 0),
        ("2025-03", 0.0, 0),
        ("2025-04", 0.0, 0),
        ("2025-05", 0.0, 0),
        ("2025-06", 0.0, 0),
        ("2025-07", 0.0, 0),
        ("2025-08", 0.0, 0),
        ("2025-09", 0.0, 0),
        ("2025-10", 0.0, 0),
        ("2025-11", 0.0, 0),
        ("2025-12", 120000.0, 1),
        ("2026-01", 350000.0, 2),
        ("2026-02", 0.0, 0),
        ("2026-03", 50000.0, 1),
        ("2026-04", 0.0, 2),
        ("2026-05", 0.0, 0),
        ("2026-06", 30000.0, 1),
    ];
    run(
        "financements-par-mois",
        &["mois", "montant", "financements"],
        months.iter().map(|(month, amount, count)| vec![t(month), f(*amount), i(*count)]).collect(),
    );
    // sante: f2 250 000 + f6 120 000; numerique: f1 100 000 + f3 50 000 + f8 200 000 (+ f5).
    run(
        "financements-par-secteur",
        &["secteur", "secteur_libelle", "montant", "financements"],
        vec![
            vec![t("sante"), t("Santé, pharmacie et action sociale"), f(370000.0), i(2)],
            vec![t("numerique"), t("Numérique et logiciels"), f(350000.0), i(4)],
            vec![t("energie"), t("Énergie, eau et environnement"), f(0.0), i(1)],
        ],
    );
    // série A: f2 250 000 + f8 200 000 (+ f5); amorçage: f1 100 000 + f3 50 000 + f7 30 000 (+ f4).
    run(
        "financements-par-stade",
        &["stade", "montant", "financements"],
        vec![vec![t("série A"), f(450000.0), i(3)], vec![t("amorçage"), f(180000.0), i(4)]],
    );
    run(
        "financements-par-region",
        &["region_code", "region", "montant", "financements"],
        vec![
            vec![t("11"), t("Île-de-France"), f(370000.0), i(3)],
            vec![t("84"), t("Auvergne-Rhône-Alpes"), f(350000.0), i(3)],
            vec![t("53"), t("Bretagne"), f(0.0), i(1)],
        ],
    );
    run(
        "financements-par-programme",
        &["programme", "montant", "financements"],
        vec![
            vec![t("France 2030"), f(450000.0), i(3)],
            vec![t("i-Nov"), f(270000.0), i(3)],
            vec![t("Pack Ambition"), f(0.0), i(1)],
        ],
    );
    // p6 2025-05 (T2), p4 2025-11 (T4), p1 + p2 (2026-T1), p3 + p5 (2026-T3).
    run(
        "projets-par-trimestre",
        &["trimestre", "projets"],
        series(&[("2025-T2", 1), ("2025-T3", 0), ("2025-T4", 1), ("2026-T1", 2), ("2026-T2", 0), ("2026-T3", 2)]),
    );
    run(
        "projets-par-secteur",
        &["secteur", "secteur_libelle", "projets"],
        vec![
            vec![t("numerique"), t("Numérique et logiciels"), i(3)],
            vec![t("sante"), t("Santé, pharmacie et action sociale"), i(2)],
            vec![t("energie"), t("Énergie, eau et environnement"), i(1)],
        ],
    );
    run(
        "projets-par-region",
        &["region_code", "region", "projets"],
        vec![
            vec![t("11"), t("Île-de-France"), i(2)],
            vec![t("84"), t("Auvergne-Rhône-Alpes"), i(2)],
            vec![t("53"), t("Bretagne"), i(1)],
        ],
    );
    // Supply: 4 programmes; at level ≥ 2, A is taught by r1 and r4 (r2 has it at level 1),
    // B by r1 and r3, C by r2, D by r3: 6 teachings. Demand: 20 postings, 28 citations.
    // Weights: demand A 8/28, B 12/28, C 5/28, D 3/28; supply A 2/6, B 2/6, C 1/6, D 1/6.
    // Gap (wd − ws) / max(wd, ws): A (8/28 − 1/3) / (1/3) = −1/7; B (12/28 − 1/3) / (12/28) = 2/9;
    // C (5/28 − 1/6) / (5/28) = 1/15; D (3/28 − 1/6) / (1/6) = −5/14; E: both 0 → 0.
    run(
        "offre-demande",
        &[
            "competence",
            "competence_libelle",
            "offres",
            "part_offres",
            "programmes",
            "part_programmes",
            "poids_demande",
            "poids_offre",
            "chapitres",
            "questions",
            "indice_ecart",
        ],
        vec![
            vec![
                t(A),
                t("Analyse de données"),
                i(8),
                f(40.0),
                i(2),
                f(50.0),
                f(800.0 / 28.0),
                f(100.0 / 3.0),
                i(1),
                i(2),
                f(-1.0 / 7.0),
            ],
            vec![
                t(B),
                t("Apprentissage automatique"),
                i(12),
                f(60.0),
                i(2),
                f(50.0),
                f(1200.0 / 28.0),
                f(100.0 / 3.0),
                i(2),
                i(0),
                f(2.0 / 9.0),
            ],
            vec![
                t(C),
                t("Bases de données"),
                i(5),
                f(25.0),
                i(1),
                f(25.0),
                f(500.0 / 28.0),
                f(100.0 / 6.0),
                i(1),
                i(0),
                f(1.0 / 15.0),
            ],
            vec![
                t(D),
                t("Visualisation"),
                i(3),
                f(15.0),
                i(1),
                f(25.0),
                f(300.0 / 28.0),
                f(100.0 / 6.0),
                i(0),
                i(1),
                f(-5.0 / 14.0),
            ],
            vec![t(E), t("Éthique des données"), i(0), f(0.0), i(0), f(0.0), f(0.0), f(0.0), i(0), i(0), f(0.0)],
        ],
    );
    // Per region: 04 has 1 posting and no programme; 11 has 9 postings and r2, r3; 53 has 3
    // postings; 84 has 6 postings and r1. r4 (no region) and o17 (no region) are left out.
    // Shares: 11/B d = 7/9, s = 1/2; 84/A d = 3/6, s = 100 %.
    // Weights: 11 has 14 citations (A 4, B 7, C 1, D 2) and 3 teachings (B, C, D by r2 and r3):
    // A 4/14 vs 0 → 1; B 1/2 vs 1/3 → 1/3; C 1/14 vs 1/3 → −11/14; D 1/7 vs 1/3 → −4/7.
    // 84 has 7 citations (A 3, B 3, C 1) and 2 teachings (A, B by r1): A and B 3/7 vs 1/2 → −1/7;
    // C 1/7 vs 0 → 1. 04 (D 1) and 53 (A 1, B 2, C 2) have no programme: every citation → 1.
    let region = |code: &str,
                  name: &str,
                  competence: &str,
                  label: &str,
                  offres,
                  d: f64,
                  programmes,
                  s: f64,
                  (wd, ws): (f64, f64),
                  gap: f64| {
        vec![t(code), t(name), t(competence), t(label), i(offres), f(d), i(programmes), f(s), f(wd), f(ws), f(gap)]
    };
    let (aa, bb, cc, dd, ee) =
        ("Analyse de données", "Apprentissage automatique", "Bases de données", "Visualisation", "Éthique des données");
    let (re, idf, bzh, ara) = ("La Réunion", "Île-de-France", "Bretagne", "Auvergne-Rhône-Alpes");
    let zero = (0.0, 0.0);
    run(
        "offre-demande-par-region",
        &[
            "region_code",
            "region",
            "competence",
            "competence_libelle",
            "offres",
            "part_offres",
            "programmes",
            "part_programmes",
            "poids_demande",
            "poids_offre",
            "indice_ecart",
        ],
        vec![
            region("04", re, A, aa, 0, 0.0, 0, 0.0, zero, 0.0),
            region("04", re, B, bb, 0, 0.0, 0, 0.0, zero, 0.0),
            region("04", re, C, cc, 0, 0.0, 0, 0.0, zero, 0.0),
            region("04", re, D, dd, 1, 100.0, 0, 0.0, (100.0, 0.0), 1.0),
            region("04", re, E, ee, 0, 0.0, 0, 0.0, zero, 0.0),
            region("11", idf, A, aa, 4, 400.0 / 9.0, 0, 0.0, (400.0 / 14.0, 0.0), 1.0),
            region("11", idf, B, bb, 7, 700.0 / 9.0, 1, 50.0, (50.0, 100.0 / 3.0), 1.0 / 3.0),
            region("11", idf, C, cc, 1, 100.0 / 9.0, 1, 50.0, (100.0 / 14.0, 100.0 / 3.0), -11.0 / 14.0),
            region("11", idf, D, dd, 2, 200.0 / 9.0, 1, 50.0, (200.0 / 14.0, 100.0 / 3.0), -4.0 / 7.0),
            region("11", idf, E, ee, 0, 0.0, 0, 0.0, zero, 0.0),
            region("53", bzh, A, aa, 1, 100.0 / 3.0, 0, 0.0, (20.0, 0.0), 1.0),
            region("53", bzh, B, bb, 2, 200.0 / 3.0, 0, 0.0, (40.0, 0.0), 1.0),
            region("53", bzh, C, cc, 2, 200.0 / 3.0, 0, 0.0, (40.0, 0.0), 1.0),
            region("53", bzh, D, dd, 0, 0.0, 0, 0.0, zero, 0.0),
            region("53", bzh, E, ee, 0, 0.0, 0, 0.0, zero, 0.0),
            region("84", ara, A, aa, 3, 50.0, 1, 100.0, (300.0 / 7.0, 50.0), -1.0 / 7.0),
            region("84", ara, B, bb, 3, 50.0, 1, 100.0, (300.0 / 7.0, 50.0), -1.0 / 7.0),
            region("84", ara, C, cc, 1, 100.0 / 6.0, 0, 0.0, (100.0 / 7.0, 0.0), 1.0),
            region("84", ara, D, dd, 0, 0.0, 0, 0.0, zero, 0.0),
            region("84", ara, E, ee, 0, 0.0, 0, 0.0, zero, 0.0),
        ],
    );
    let catalogue = Catalogue::builtin().unwrap();
    let mut declared: Vec<String> = catalogue.indicators.iter().map(|definition| definition.id.clone()).collect();
    declared.sort();
    checked.sort();
    assert_eq!(checked, declared, "chaque indicateur du catalogue a sa table attendue");
}

#[test]
fn key_figures_compare_the_last_twelve_months_with_the_twelve_before() {
    let scratch = store("key-figures");
    let engine = Engine::new(scratch.path());
    let figures = engine.key_figures(&Filters::default()).unwrap();
    let summary: Vec<(&str, f64, Option<f64>)> =
        figures.iter().map(|figure| (figure.id.as_str(), figure.value, figure.previous)).collect();
    // Reference month 2026-10. Postings 13 vs 5; euros: f6 120 000 + f1 100 000 + f2 250 000
    // + f3 50 000 + f7 30 000 = 550 000 vs f8 200 000; funding events 7 vs 1; projects p1–p5
    // vs p6; competences cited A, B, C, D vs A, B, C.
    assert_eq!(
        summary,
        [
            ("offres", 13.0, Some(5.0)),
            ("financements-montant", 550000.0, Some(200000.0)),
            ("financements", 7.0, Some(1.0)),
            ("projets", 5.0, Some(1.0)),
            ("competences-demandees", 4.0, Some(3.0)),
        ]
    );
    let changes: Vec<f64> = figures.iter().map(|figure| figure.change_percent.unwrap()).collect();
    let expected = [160.0, 175.0, 600.0, 400.0, 100.0 / 3.0];
    for (got, want) in changes.iter().zip(expected) {
        assert!((got - want).abs() < 1e-9, "{changes:?}");
    }
    assert!(figures.iter().all(|figure: &KeyFigure| figure.period == "nov. 2025 – oct. 2026"), "{figures:?}");
    assert_eq!(engine.months().unwrap(), Some(("2024-10".to_string(), "2026-10".to_string())));
}

#[test]
fn filters_change_the_results_as_expected() {
    let scratch = store("filters");
    let engine = Engine::new(scratch.path());
    let period = Filters { from: Some("2026-01".into()), to: Some("2026-06".into()), ..Filters::default() };
    check(
        &compute(&engine, "offres-par-mois", &period),
        &["mois", "offres"],
        &series(&[("2026-01", 1), ("2026-02", 1), ("2026-03", 1), ("2026-04", 1), ("2026-05", 1), ("2026-06", 1)]),
    );
    // A period also drops the undated posting o19: B is cited by o08, o10, o12 among 6 postings.
    let table = compute(&engine, "offres-par-competence", &period);
    assert_eq!(table.rows[0], vec![t(B), t("Apprentissage automatique"), i(3), f(50.0)]);

    // Region 84: o02 cdd, o05 cdi, o07 freelance, o12 cdi, o14 cdi, o18 cdi.
    let region = Filters { regions: vec!["84".into()], ..Filters::default() };
    check(
        &compute(&engine, "offres-par-contrat", &region),
        &["contrat", "contrat_libelle", "offres", "part"],
        &[
            vec![t("cdi"), t("CDI"), i(4), f(400.0 / 6.0)],
            vec![t("cdd"), t("CDD"), i(1), f(100.0 / 6.0)],
            vec![t("freelance"), t("Indépendant"), i(1), f(100.0 / 6.0)],
        ],
    );
    // The region filter applies to funding too (f1, f3, f8) …
    check(
        &compute(&engine, "financements-par-programme", &region),
        &["programme", "montant", "financements"],
        &[vec![t("France 2030"), f(200000.0), i(1)], vec![t("i-Nov"), f(150000.0), i(2)]],
    );

    // Contract cdi: o01, o04, o05, o06, o08, o11, o12, o14, o16, o18, o19.
    let cdi = Filters { contracts: vec!["cdi".into()], ..Filters::default() };
    check(
        &compute(&engine, "offres-par-region", &cdi),
        &["region_code", "region", "offres", "part"],
        &[
            vec![t("11"), t("Île-de-France"), i(4), f(400.0 / 11.0)],
            vec![t("84"), t("Auvergne-Rhône-Alpes"), i(4), f(400.0 / 11.0)],
            vec![t("53"), t("Bretagne"), i(2), f(200.0 / 11.0)],
            vec![t("04"), t("La Réunion"), i(1), f(100.0 / 11.0)],
        ],
    );
    // … but the contract filter does not apply to projects: same table as without filters.
    assert_eq!(
        compute(&engine, "projets-par-secteur", &cdi),
        compute(&engine, "projets-par-secteur", &Filters::default())
    );

    // Competence D: postings o08, o11 (numerique) and o15 (no sector).
    let competence = Filters { competences: vec![D.into()], ..Filters::default() };
    check(
        &compute(&engine, "offres-par-secteur", &competence),
        &["secteur", "secteur_libelle", "offres", "part"],
        &[vec![t("numerique"), t("Numérique et logiciels"), i(2), f(100.0)]],
    );
    // In tables by competence it selects the rows; shares stay over all 20 postings.
    check(
        &compute(&engine, "offres-par-competence", &competence),
        &["competence", "competence_libelle", "offres", "part"],
        &[vec![t(D), t("Visualisation"), i(3), f(15.0)]],
    );
    assert_eq!(compute(&engine, "offre-demande", &competence).rows.len(), 1);

    let wrong = Filters { from: Some("2026-13".into()), ..Filters::default() };
    let catalogue = Catalogue::builtin().unwrap();
    let error = engine.compute(catalogue.get("offres-par-mois").unwrap(), &wrong, &context()).unwrap_err();
    assert!(error.to_string().contains("AAAA-MM"), "{error}");
}

#[test]
fn an_empty_or_absent_store_gives_empty_tables() {
    let scratch = Scratch::new("golden-empty");
    for root in [scratch.path().to_path_buf(), scratch.path().join("absent")] {
        let engine = Engine::new(&root);
        for id in ALL_IDS {
            let table = compute(&engine, id, &Filters::default());
            assert!(table.problems.is_empty(), "{id}: {:?}", table.problems);
            assert!(!table.columns.is_empty(), "{id}");
            if id == "offre-demande" {
                // One row per competence of the référentiel, even without any posting: taught
                // but never demanded gives −1, neither taught nor demanded (E) gives 0.
                assert_eq!(table.rows.len(), 5, "{id}");
                let gaps: Vec<(&Cell, &Cell)> = table.rows.iter().map(|row| (&row[2], &row[10])).collect();
                assert_eq!(
                    gaps,
                    [(&i(0), &f(-1.0)), (&i(0), &f(-1.0)), (&i(0), &f(-1.0)), (&i(0), &f(-1.0)), (&i(0), &f(0.0))]
                );
            } else if id == "offre-demande-par-region" {
                // Programmes r1–r3 still give their regions.
                assert_eq!(table.rows.len(), 10, "{id}");
            } else {
                assert!(table.rows.is_empty(), "{id}: {}", show(&table));
            }
        }
        assert_eq!(engine.key_figures(&Filters::default()).unwrap(), Vec::new());
        assert_eq!(engine.months().unwrap(), None);
    }
}

#[test]
fn a_damaged_file_is_skipped_and_reported_in_french() {
    let scratch = store("golden-damaged");
    let month = scratch.path().join("kind=job").join("month=2027-01");
    std::fs::create_dir_all(&month).unwrap();
    std::fs::write(month.join("part-0.parquet"), b"PAR1 ceci n'est pas du Parquet").unwrap();
    // A hidden or underscore file is not a data file: never read, never reported.
    std::fs::write(month.join(".part-0.parquet.9.1.tmp"), b"temporaire").unwrap();
    std::fs::write(month.join("_SUCCESS.parquet"), b"").unwrap();
    let engine = Engine::new(scratch.path());
    let table = compute(&engine, "offres-par-mois", &Filters::default());
    assert_eq!(table.rows.len(), 25, "{}", show(&table));
    assert_eq!(table.rows[24], vec![t("2026-10"), i(2)]);
    assert_eq!(table.problems.len(), 1, "{:?}", table.problems);
    assert!(
        table.problems[0].contains("illisible") && table.problems[0].contains("month=2027-01"),
        "{:?}",
        table.problems
    );
    // A file whose framing and footer are intact but whose data pages are garbage fails only
    // when read: it is found, skipped and reported too.
    let good = std::fs::read(scratch.path().join("kind=job/month=2026-10/part-0.parquet")).unwrap();
    let footer = u32::from_le_bytes(good[good.len() - 8..good.len() - 4].try_into().unwrap()) as usize;
    let mut broken = good.clone();
    for byte in &mut broken[4..good.len() - footer - 8] {
        *byte = 0xA5;
    }
    let pages = scratch.path().join("kind=job").join("month=2027-02");
    std::fs::create_dir_all(&pages).unwrap();
    std::fs::write(pages.join("part-0.parquet"), broken).unwrap();
    let table = compute(&engine, "offres-par-competence", &Filters::default());
    assert_eq!(table.rows[0], vec![t(B), t("Apprentissage automatique"), i(12), f(60.0)], "{}", show(&table));
    assert_eq!(table.problems.len(), 2, "{:?}", table.problems);
    assert!(table.problems.iter().any(|problem| problem.contains("month=2027-02")), "{:?}", table.problems);
    // The funding tables do not read job files.
    assert!(compute(&engine, "financements-par-region", &Filters::default()).problems.is_empty());
}

#[test]
fn the_builtin_catalogue_declares_every_indicator_with_a_method_note() {
    let catalogue = Catalogue::builtin().unwrap();
    for id in ALL_IDS {
        let definition = catalogue.get(id).unwrap_or_else(|| panic!("{id} manque"));
        assert!(definition.method.len() > 40, "{id}");
        assert!(!definition.title.is_empty() && !definition.definition.is_empty() && !definition.source.is_empty());
    }
    assert_eq!(catalogue.indicators.len(), ALL_IDS.len());
    assert_eq!(catalogue.by_theme(Theme::Projects).count(), 3);
    assert_eq!(catalogue.by_theme(Theme::Funding).count(), 5);
    let gap = catalogue.get("offre-demande").unwrap();
    assert!(gap.method.contains("(wd − ws) / max(wd, ws)"), "{}", gap.method);
    assert!(catalogue.get("salaire-par-competence").unwrap().method.contains("interpolation linéaire"));
}

#[test]
fn catalogue_errors_are_french_and_name_the_key() {
    let valid = r#"
[[indicateur]]
id = "offres-par-mois"
titre = "Offres"
definition = "Nombre d'offres."
unite = "offres"
dimensions = ["mois"]
theme = "emplois"
graphique = "ligne"
methode = "Compte."
source = "Offres."
"#;
    assert_eq!(Catalogue::parse(valid).unwrap().indicators.len(), 1);
    let check_error = |text: &str, expected: &[&str]| {
        let problems = Catalogue::parse(text).unwrap_err();
        for fragment in expected {
            assert!(problems.iter().any(|problem| problem.contains(fragment)), "« {fragment} » absent de {problems:?}");
        }
    };
    check_error(
        &valid.replace("unite =", "unitee ="),
        &["clé « unitee » inconnue", "la clé obligatoire « unite » manque"],
    );
    check_error(&valid.replace("[\"mois\"]", "[\"mois\", \"jour\"]"), &["dimension « jour » inconnue", "trimestre"]);
    check_error(&format!("{valid}{valid}"), &["« offres-par-mois » est déjà utilisé"]);
    check_error(&valid.replace("\"emplois\"", "\"sport\""), &["thème « sport » inconnu", "financements"]);
    check_error(&valid.replace("\"ligne\"", "\"camembert\""), &["graphique « camembert » inconnu"]);
    check_error(&valid.replace("\"offres-par-mois\"", "\"Offres par mois\""), &["kebab-case"]);
    check_error(&valid.replace("titre = \"Offres\"", "titre = 3"), &["« titre » doit être une chaîne"]);
    check_error("[[indicateur]\n", &["n'est pas du TOML valide"]);
    check_error(&format!("version = 2\n{valid}"), &["clé « version » inconnue au premier niveau"]);
    // Every problem at once.
    let many = valid.replace("\"emplois\"", "\"sport\"").replace("\"ligne\"", "\"camembert\"");
    assert_eq!(Catalogue::parse(&many).unwrap_err().len(), 2);
}

#[test]
fn write_parquet_round_trips_through_polars() {
    use polars::prelude::{DataType, ParquetReader, SerReader};
    let scratch = store("golden-parquet");
    let engine = Engine::new(scratch.path());
    let table = compute(&engine, "salaire-par-region", &Filters::default());
    let mut bytes = Vec::new();
    table.write_parquet(&mut bytes).unwrap();
    let frame = ParquetReader::new(std::io::Cursor::new(bytes)).finish().unwrap();
    assert_eq!(frame.height(), 4);
    assert_eq!(frame.column("region_code").unwrap().dtype(), &DataType::String);
    assert_eq!(frame.column("offres").unwrap().dtype(), &DataType::Int64);
    assert_eq!(frame.column("mediane").unwrap().dtype(), &DataType::Float64);
    let codes: Vec<Option<&str>> = frame.column("region_code").unwrap().str().unwrap().iter().collect();
    assert_eq!(codes, [Some("84"), Some("11"), Some("04"), Some("53")]);
    let medians: Vec<Option<f64>> = frame.column("mediane").unwrap().f64().unwrap().iter().collect();
    assert_eq!(medians, [Some(48000.0), Some(46500.0), Some(44000.0), Some(35642.0)]);

    // Nulls stay nulls.
    let with_null = Table {
        columns: table.columns[..3].to_vec(),
        rows: vec![vec![t("84"), N, i(1)], vec![N, t("x"), N]],
        problems: Vec::new(),
    };
    let mut bytes = Vec::new();
    with_null.write_parquet(&mut bytes).unwrap();
    let frame = ParquetReader::new(std::io::Cursor::new(bytes)).finish().unwrap();
    assert_eq!(frame.column("offres").unwrap().i64().unwrap().iter().collect::<Vec<_>>(), [Some(1), None]);
    assert_eq!(frame.column("region").unwrap().str().unwrap().iter().collect::<Vec<_>>(), [None, Some("x")]);
}
