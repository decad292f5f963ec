//! The in-process half of `cargo xtask bench observatory`: runs one fixed, deterministic mix of
//! searches against the observatory's tantivy index and against an SQLite FTS5 database built
//! from the same Parquet store (the engine behind Datasette), and times the indicator catalogue
//! computed with polars. Each action prints one JSON document on stdout for the xtask to read.
//!
//! ```text
//! bench_observatory recherche DONNÉES N_REQUÊTES
//! bench_observatory fts5-construire DONNÉES BASE.sqlite
//! bench_observatory fts5 BASE.sqlite N_REQUÊTES
//! bench_observatory indicateurs DONNÉES
//! ```
//!
//! Both engines answer the same thing per query: the page of 20 hits sorted by relevance (most
//! recent first without words), the total, and the disjunctive facet counts of kind, region,
//! contract, sector, competence and funder with the month histogram (each dimension counted with
//! every filter but its own).

use std::path::{Path, PathBuf};
use std::time::Instant;

use records::{Contract, Kind, Record};
use rusqlite::Connection;
use search::observatory::{RecordIndex, RecordQuery};

/// Hits per page, as the dashboard asks.
const PAGE: usize = 20;
/// Queries run untimed before the timed pass (page cache, lazy structures).
const WARM_UP: usize = 20;

/// Words of the synthetic postings (titles, templates, competence keywords, cities).
const WORDS: [&str; 24] = [
    "données",
    "python",
    "sql",
    "analyste",
    "ingénieur",
    "consultant",
    "projet",
    "apprentissage",
    "statistiques",
    "spark",
    "cloud",
    "tableau",
    "machine",
    "senior",
    "junior",
    "stage",
    "alternance",
    "santé",
    "paris",
    "lyon",
    "visualisation",
    "architecture",
    "équipe",
    "modèles",
];
const REGIONS: [&str; 10] = ["11", "84", "93", "76", "75", "32", "52", "53", "44", "04"];
const COMPETENCES: [&str; 8] =
    ["DS.INF.05", "DS.MST.09", "DS.INF.01", "DS.MST.12", "DS.MET.04", "DS.INF.04", "DS.TRV.01", "DS.MST.13"];
/// Months of the synthetic period, oldest first.
fn period_month(index: usize) -> String {
    let month = 2023 * 12 + 10 + index % 36;
    format!("{}-{:02}", month / 12, month % 12 + 1)
}

/// One query of the mix, in terms both engines understand.
#[derive(Debug, Clone, Default)]
struct BenchQuery {
    category: &'static str,
    words: Vec<&'static str>,
    regions: Vec<String>,
    contracts: Vec<Contract>,
    sectors: Vec<String>,
    competences: Vec<String>,
    from: Option<String>,
    to: Option<String>,
}

/// The fixed mix of `n` queries: six categories in turn, parameters walked with strides prime
/// to the lists' lengths so that consecutive queries differ.
fn mix(n: usize) -> Vec<BenchQuery> {
    (0..n)
        .map(|i| {
            let word = |k: usize| WORDS[(i * 7 + k * 11) % WORDS.len()];
            let region = REGIONS[(i * 3) % REGIONS.len()].to_owned();
            let contract = Contract::ALL[(i / 6) % Contract::ALL.len()];
            let competence = COMPETENCES[(i * 5) % COMPETENCES.len()].to_owned();
            let sector = records::SECTORS[(i * 5) % records::SECTORS.len()].0.to_owned();
            let start = (i * 13) % 24;
            match i % 6 {
                0 => BenchQuery { category: "un mot", words: vec![word(0)], ..BenchQuery::default() },
                1 => BenchQuery { category: "deux mots", words: vec![word(0), word(1)], ..BenchQuery::default() },
                2 => BenchQuery {
                    category: "mot + région",
                    words: vec![word(0)],
                    regions: vec![region],
                    ..BenchQuery::default()
                },
                3 => BenchQuery {
                    category: "mot + contrat + compétence",
                    words: vec![word(0)],
                    contracts: vec![contract],
                    competences: vec![competence],
                    ..BenchQuery::default()
                },
                4 => BenchQuery {
                    category: "tout + filtres",
                    regions: vec![region, REGIONS[(i + 1) % REGIONS.len()].to_owned()],
                    sectors: vec![sector],
                    contracts: if i % 12 == 4 { vec![Contract::Cdi] } else { Vec::new() },
                    ..BenchQuery::default()
                },
                _ => BenchQuery {
                    category: "mot + période",
                    words: vec![word(0)],
                    from: Some(period_month(start)),
                    to: Some(period_month(start + 3 + i % 9)),
                    ..BenchQuery::default()
                },
            }
        })
        .collect()
}

impl BenchQuery {
    fn to_record_query(&self) -> RecordQuery {
        RecordQuery {
            text: (!self.words.is_empty()).then(|| self.words.join(" ")),
            regions: self.regions.clone(),
            contracts: self.contracts.clone(),
            sectors: self.sectors.clone(),
            competences: self.competences.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            limit: PAGE,
            ..RecordQuery::default()
        }
    }
}

/// Median and 95th percentile of microsecond timings.
fn percentiles(micros: &[u64]) -> (u64, u64) {
    let mut sorted = micros.to_vec();
    sorted.sort_unstable();
    if sorted.is_empty() {
        return (0, 0);
    }
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95))
}

/// Prints the timings of a pass as JSON.
fn print_pass(engine: &str, queries: &[BenchQuery], micros: &[u64], totals: &[u64]) {
    let (median, p95) = percentiles(micros);
    let rows: Vec<serde_json::Value> = queries
        .iter()
        .zip(micros.iter().zip(totals))
        .map(|(query, (micros, total))| {
            serde_json::json!({
                "categorie": query.category,
                "mots": query.words.join(" "),
                "micros": micros,
                "total": total,
            })
        })
        .collect();
    let document =
        serde_json::json!({ "moteur": engine, "mediane_micros": median, "p95_micros": p95, "requetes": rows });
    println!("{document}");
}

fn search_index(data: &Path, n: usize) -> Result<(), String> {
    let dir = data.join("observatoire/index");
    let (index, _) = RecordIndex::open_or_create(&dir, search::IfUnreadable::Fail)
        .map_err(|error| format!("ouverture de l'index {} : {error}", dir.display()))?;
    let queries = mix(n);
    for query in queries.iter().take(WARM_UP) {
        index.search(&query.to_record_query()).map_err(|error| format!("recherche : {error}"))?;
    }
    let (mut micros, mut totals) = (Vec::new(), Vec::new());
    for query in &queries {
        let record_query = query.to_record_query();
        let started = Instant::now();
        let results = index.search(&record_query).map_err(|error| format!("recherche : {error}"))?;
        micros.push(started.elapsed().as_micros() as u64);
        totals.push(results.total);
        // Use every part of the answer, as a page would.
        std::hint::black_box((&results.hits, &results.facets));
    }
    print_pass("socle", &queries, &micros, &totals);
    Ok(())
}

/// Calls `each` with the postings of the store, one month partition at a time (memory bounded
/// by the largest month): each partition's file is hard-linked into a scratch store of its own,
/// read with [`indicators::RecordStore::read_kind`], and the scratch store removed.
fn for_each_month(records_dir: &Path, mut each: impl FnMut(Vec<Record>) -> Result<(), String>) -> Result<(), String> {
    let kind_dir = records_dir.join("kind=job");
    let mut months: Vec<PathBuf> = std::fs::read_dir(&kind_dir)
        .map_err(|error| format!("lecture de {} : {error}", kind_dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.join(indicators::store::PART_FILE).is_file())
        .collect();
    months.sort();
    let scratch = std::env::temp_dir().join(format!("socle-bench-lecture-{}", std::process::id()));
    for month in months {
        let _ = std::fs::remove_dir_all(&scratch);
        let name = month.file_name().map(PathBuf::from).unwrap_or_default();
        let target = scratch.join("kind=job").join(name);
        std::fs::create_dir_all(&target).map_err(|error| format!("création de {} : {error}", target.display()))?;
        let part = indicators::store::PART_FILE;
        std::fs::hard_link(month.join(part), target.join(part))
            .map_err(|error| format!("lien vers {} : {error}", month.display()))?;
        let store = indicators::RecordStore::open(&scratch).map_err(|error| error.to_string())?;
        let records = store.read_kind(Kind::Job).map_err(|error| error.to_string())?;
        drop(store);
        each(records)?;
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}

fn sql(error: rusqlite::Error) -> String {
    format!("SQLite : {error}")
}

fn fts5_build(data: &Path, database: &Path) -> Result<(), String> {
    let _ = std::fs::remove_file(database);
    let started = Instant::now();
    let mut connection = Connection::open(database).map_err(sql)?;
    let options: Vec<String> = connection
        .prepare("PRAGMA compile_options")
        .and_then(|mut statement| statement.query_map([], |row| row.get(0))?.collect())
        .map_err(sql)?;
    if !options.iter().any(|option| option == "ENABLE_FTS5") {
        return Err(format!("SQLite compilé sans FTS5 (options : {})", options.join(", ")));
    }
    connection
        .execute_batch(
            "PRAGMA journal_mode = OFF;
             PRAGMA synchronous = OFF;
             CREATE TABLE postings (
                 id INTEGER PRIMARY KEY, key TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL,
                 region TEXT, contract TEXT, sector TEXT, funder TEXT, month TEXT, date TEXT);
             CREATE TABLE posting_competences (posting INTEGER NOT NULL, competence TEXT NOT NULL);
             CREATE VIRTUAL TABLE postings_fts USING fts5(title, description,
                 tokenize = 'unicode61 remove_diacritics 2');",
        )
        .map_err(sql)?;
    let mut rowid: i64 = 0;
    for_each_month(&data.join("observatoire/records"), |records| {
        let transaction = connection.transaction().map_err(sql)?;
        {
            let mut posting = transaction
                .prepare("INSERT INTO postings VALUES (?, ?, 'job', ?, ?, ?, ?, NULL, ?, ?)")
                .map_err(sql)?;
            let mut text = transaction
                .prepare("INSERT INTO postings_fts (rowid, title, description) VALUES (?, ?, ?)")
                .map_err(sql)?;
            let mut competence = transaction.prepare("INSERT INTO posting_competences VALUES (?, ?)").map_err(sql)?;
            for record in &records {
                let Record::Job(job) = record else { continue };
                rowid += 1;
                let month = job.date_posted.as_deref().map(|date| &date[..7]);
                posting
                    .execute(rusqlite::params![
                        rowid,
                        job.id,
                        job.title,
                        job.location.region_code,
                        job.contract.map(Contract::as_str),
                        job.sector,
                        month,
                        job.date_posted
                    ])
                    .map_err(sql)?;
                text.execute(rusqlite::params![rowid, job.title, job.description]).map_err(sql)?;
                for id in &job.competences {
                    competence.execute(rusqlite::params![rowid, id]).map_err(sql)?;
                }
            }
        }
        transaction.commit().map_err(sql)
    })?;
    let loaded = started.elapsed().as_secs_f64();
    connection
        .execute_batch(
            "CREATE INDEX postings_region ON postings (region);
             CREATE INDEX postings_contract ON postings (contract);
             CREATE INDEX postings_sector ON postings (sector);
             CREATE INDEX postings_date ON postings (date);
             CREATE INDEX competences_by_value ON posting_competences (competence, posting);
             CREATE INDEX competences_by_posting ON posting_competences (posting, competence);
             INSERT INTO postings_fts (postings_fts) VALUES ('optimize');
             ANALYZE;",
        )
        .map_err(sql)?;
    let document = serde_json::json!({
        "offres": rowid,
        "secondes": started.elapsed().as_secs_f64(),
        "chargement_secondes": loaded,
        "fts5": true,
    });
    println!("{document}");
    Ok(())
}

/// A dimension whose own filter a facet count leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dimension {
    Kind,
    Region,
    Contract,
    Sector,
    Competence,
    Funder,
    Month,
}

/// `FROM … WHERE …` of a query and its parameters, leaving out the filter of `skip`.
fn from_where(query: &BenchQuery, skip: Option<Dimension>, competence_table: bool) -> (String, Vec<String>) {
    let mut params = Vec::new();
    let mut from = String::from(if competence_table {
        "FROM posting_competences c JOIN postings p ON p.id = c.posting"
    } else {
        "FROM postings p"
    });
    let mut conditions = Vec::new();
    if !query.words.is_empty() {
        from.push_str(" JOIN postings_fts ON postings_fts.rowid = p.id");
        conditions.push("postings_fts MATCH ?".to_owned());
        let terms: Vec<String> = query.words.iter().map(|word| format!("\"{word}\"")).collect();
        params.push(terms.join(" "));
    }
    let contracts: Vec<String> = query.contracts.iter().map(|contract| contract.as_str().to_owned()).collect();
    let lists = [
        (Dimension::Region, "p.region IN ({})", &query.regions),
        (Dimension::Contract, "p.contract IN ({})", &contracts),
        (Dimension::Sector, "p.sector IN ({})", &query.sectors),
        (
            Dimension::Competence,
            "p.id IN (SELECT posting FROM posting_competences WHERE competence IN ({}))",
            &query.competences,
        ),
    ];
    for (dimension, template, values) in lists {
        if skip == Some(dimension) || values.is_empty() {
            continue;
        }
        conditions.push(template.replace("{}", &vec!["?"; values.len()].join(", ")));
        params.extend(values.iter().cloned());
    }
    if let Some(from_month) = &query.from {
        conditions.push("p.date >= ?".to_owned());
        params.push(format!("{from_month}-01"));
    }
    if let Some(to_month) = &query.to {
        conditions.push("p.date <= ?".to_owned());
        params.push(format!("{to_month}-31"));
    }
    let clause = if conditions.is_empty() { String::new() } else { format!(" WHERE {}", conditions.join(" AND ")) };
    (format!("{from}{clause}"), params)
}

/// Answers one query with SQLite: the page, the total and one `GROUP BY` per facet.
fn fts5_answer(connection: &Connection, query: &BenchQuery) -> Result<u64, String> {
    let (base, params) = from_where(query, None, false);
    let page = if query.words.is_empty() {
        format!("SELECT p.key, p.title, p.date {base} ORDER BY p.date DESC LIMIT {PAGE}")
    } else {
        format!(
            "SELECT p.key, p.title, snippet(postings_fts, 1, '[', ']', '…', 24), bm25(postings_fts, 3.0, 1.0) AS score \
             {base} ORDER BY score LIMIT {PAGE}"
        )
    };
    let mut statement = connection.prepare(&page).map_err(sql)?;
    let hits: Vec<String> = statement
        .query_map(rusqlite::params_from_iter(&params), |row| row.get::<_, String>(0))
        .and_then(Iterator::collect)
        .map_err(sql)?;
    std::hint::black_box(hits);
    let total: i64 = connection
        .query_row(&format!("SELECT count(*) {base}"), rusqlite::params_from_iter(&params), |row| row.get(0))
        .map_err(sql)?;
    let facets = [
        (Dimension::Kind, "p.kind"),
        (Dimension::Region, "p.region"),
        (Dimension::Contract, "p.contract"),
        (Dimension::Sector, "p.sector"),
        (Dimension::Competence, "c.competence"),
        (Dimension::Funder, "p.funder"),
        (Dimension::Month, "p.month"),
    ];
    for (dimension, column) in facets {
        let (base, params) = from_where(query, Some(dimension), dimension == Dimension::Competence);
        let mut statement =
            connection.prepare(&format!("SELECT {column}, count(*) {base} GROUP BY {column}")).map_err(sql)?;
        let counts: Vec<(Option<String>, i64)> = statement
            .query_map(rusqlite::params_from_iter(&params), |row| Ok((row.get(0)?, row.get(1)?)))
            .and_then(Iterator::collect)
            .map_err(sql)?;
        std::hint::black_box(counts);
    }
    Ok(total.max(0) as u64)
}

fn fts5_search(database: &Path, n: usize) -> Result<(), String> {
    let connection = Connection::open_with_flags(database, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(sql)?;
    let queries = mix(n);
    for query in queries.iter().take(WARM_UP) {
        fts5_answer(&connection, query)?;
    }
    let (mut micros, mut totals) = (Vec::new(), Vec::new());
    for query in &queries {
        let started = Instant::now();
        totals.push(fts5_answer(&connection, query)?);
        micros.push(started.elapsed().as_micros() as u64);
    }
    print_pass("fts5", &queries, &micros, &totals);
    Ok(())
}

/// Indicators whose computation pandas repeats (`xtask/bench/indicateurs_pandas.py`).
const PANDAS_SUBSET: [&str; 10] = [
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
];

fn indicators_run(data: &Path) -> Result<(), String> {
    let catalogue = indicators::Catalogue::builtin().map_err(|problems| problems.join(" ; "))?;
    let referentiel = skills::embedded().map_err(|error| error.to_string())?;
    let context = indicators::Context {
        competences: referentiel
            .competences
            .iter()
            .map(|competence| (competence.id.clone(), competence.label.fr.clone()))
            .collect(),
        ..indicators::Context::default()
    };
    let engine = indicators::Engine::new(&data.join("observatoire/records"));
    let filters = indicators::Filters::default();
    let started = Instant::now();
    let (mut rows, mut subset_seconds, mut errors) = (Vec::new(), 0.0, Vec::new());
    for definition in &catalogue.indicators {
        let clock = Instant::now();
        let result = engine.compute(definition, &filters, &context);
        let seconds = clock.elapsed().as_secs_f64();
        if PANDAS_SUBSET.contains(&definition.id.as_str()) {
            subset_seconds += seconds;
        }
        if let Err(error) = &result {
            errors.push(format!("{} : {error}", definition.id));
        }
        rows.push(serde_json::json!({ "id": definition.id, "secondes": seconds }));
    }
    let document = serde_json::json!({
        "secondes": started.elapsed().as_secs_f64(),
        "sous_ensemble_secondes": subset_seconds,
        "indicateurs": rows,
        "erreurs": errors,
    });
    println!("{document}");
    Ok(())
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |index: usize| args.get(index).and_then(|text| text.parse::<usize>().ok()).filter(|n| *n > 0);
    let path = |index: usize| args.get(index).map(PathBuf::from);
    let result = match (args.first().map(String::as_str), path(1)) {
        (Some("recherche"), Some(data)) => match number(2) {
            Some(n) => search_index(&data, n),
            None => Err("recherche DONNÉES N_REQUÊTES : N_REQUÊTES entier positif attendu".into()),
        },
        (Some("fts5-construire"), Some(data)) => match path(2) {
            Some(database) => fts5_build(&data, &database),
            None => Err("fts5-construire DONNÉES BASE.sqlite : BASE attendue".into()),
        },
        (Some("fts5"), Some(database)) => match number(2) {
            Some(n) => fts5_search(&database, n),
            None => Err("fts5 BASE.sqlite N_REQUÊTES : N_REQUÊTES entier positif attendu".into()),
        },
        (Some("indicateurs"), Some(data)) => indicators_run(&data),
        _ => Err("utilisation : bench_observatory recherche DONNÉES N | fts5-construire DONNÉES BASE | fts5 BASE N | \
                  indicateurs DONNÉES"
            .into()),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("erreur : {message}");
            std::process::ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mix_is_deterministic_and_covers_every_category() {
        let queries = mix(240);
        let categories: std::collections::BTreeSet<&str> = queries.iter().map(|query| query.category).collect();
        assert_eq!(categories.len(), 6);
        assert_eq!(format!("{:?}", mix(240)), format!("{queries:?}"));
        for query in &queries {
            if let (Some(from), Some(to)) = (&query.from, &query.to) {
                assert!(from < to && from.as_str() >= "2023-11" && to.as_str() <= "2026-10", "{from} {to}");
            }
        }
    }
}
