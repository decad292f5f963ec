//! Measures indexing and query latency of the programmes index on synthetic documents; not a
//! test and not a benchmark harness, just figures to read:
//! `cargo run --release -p search --example measure -- [N_DOCS]`.

use std::time::{Duration, Instant};

use search::IfUnreadable;
use search::programmes::{CompetenceFilter, ProgrammeDoc, ProgrammeIndex, ProgrammeQuery, Sort};

/// A small deterministic generator (xorshift), so that every run indexes the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "données",
    "statistique",
    "apprentissage",
    "automatique",
    "régression",
    "séries",
    "temporelles",
    "visualisation",
    "programmation",
    "bases",
    "SQL",
    "probabilités",
    "inférence",
    "optimisation",
    "réseaux",
    "neurones",
    "éthique",
    "droit",
    "projet",
    "entreprise",
    "santé",
    "énergie",
    "assurance",
    "industrie",
    "qualité",
    "distribué",
    "calcul",
    "texte",
    "graphes",
    "causalité",
    "bayésien",
    "modèles",
    "linéaires",
    "indicateurs",
    "tableaux",
    "bord",
];
const CITIES: &[&str] =
    &["Lyon", "Paris", "Lille", "Toulouse", "Nantes", "Rennes", "Grenoble", "Strasbourg", "Bordeaux"];
const REGIONS: &[&str] = &["11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94"];
const DIPLOMAS: &[&str] =
    &["licence", "licence_pro", "but", "bts", "master", "ingenieur", "doctorat", "certificat", "court"];
const MODALITIES: &[&str] = &["presentiel", "distanciel", "hybride"];
const STATUSES: &[&str] = &["none", "draft", "submitted", "in_review", "granted", "refused", "expired"];
const PILLARS: &[&str] = &["INF", "MST", "MET", "TRV", "PRJ"];

fn sentence(rng: &mut Rng, n_words: usize) -> String {
    (0..n_words).map(|_| rng.pick(WORDS)).collect::<Vec<_>>().join(" ")
}

fn synthetic(n_docs: usize) -> Vec<ProgrammeDoc> {
    let mut rng = Rng(0x5eed_cafe_f00d);
    (0..n_docs)
        .map(|idx| {
            let competences = (0..8)
                .map(|_| {
                    let id = format!("DS.{}.{:02}", rng.pick(PILLARS), rng.next() % 12 + 1);
                    (id, (rng.next() % 4 + 1) as u8)
                })
                .collect();
            ProgrammeDoc {
                id: format!("fournisseur-{}/formation-{idx}", idx % 700),
                title: format!("Master {} et {}", rng.pick(WORDS), rng.pick(WORDS)),
                provider: format!("Université {} {}", rng.pick(CITIES), idx % 700),
                description: sentence(&mut rng, 60),
                unit_titles: (0..10).map(|_| sentence(&mut rng, 4)).collect(),
                city: rng.pick(CITIES).to_owned(),
                region: rng.pick(REGIONS).to_owned(),
                diploma: rng.pick(DIPLOMAS).to_owned(),
                level: if rng.next().is_multiple_of(5) { None } else { Some((rng.next() % 4 + 5) as u8) },
                modalities: vec![rng.pick(MODALITIES).to_owned()],
                label_status: rng.pick(STATUSES).to_owned(),
                competences,
                eligible: rng.next().is_multiple_of(2),
                example: rng.next().is_multiple_of(10),
                updated: format!("202{}-{:02}-{:02}", rng.next() % 6, rng.next() % 12 + 1, rng.next() % 28 + 1),
            }
        })
        .collect()
}

/// Median and maximum of `runs` executions of `query`.
fn time_query(index: &ProgrammeIndex, query: &ProgrammeQuery, runs: usize) -> (Duration, Duration, u64) {
    let mut times = Vec::with_capacity(runs);
    let mut total = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let results = index.search(query).expect("recherche");
        times.push(start.elapsed());
        total = results.total;
    }
    times.sort();
    (times[runs / 2], times[runs - 1], total)
}

fn main() {
    let n_docs: usize = std::env::args().nth(1).and_then(|arg| arg.parse().ok()).unwrap_or(10_000);
    let docs = synthetic(n_docs);

    let index = ProgrammeIndex::in_memory().expect("index");
    let start = Instant::now();
    let rejected = index.rebuild(&docs).expect("reconstruction");
    println!("indexation en mémoire de {n_docs} documents : {:?} ({} refusés)", start.elapsed(), rejected.len());

    let dir = std::env::temp_dir().join(format!("socle-search-mesure-{}", std::process::id()));
    let (on_disk, _) = ProgrammeIndex::open_or_create(&dir, IfUnreadable::Recreate).expect("index sur disque");
    let start = Instant::now();
    on_disk.rebuild(&docs).expect("reconstruction");
    println!("indexation sur disque de {n_docs} documents : {:?}", start.elapsed());
    let start = Instant::now();
    on_disk.upsert(&docs[0]).expect("ajout");
    on_disk.commit().expect("commit");
    println!("mise à jour d'un document + commit sur disque : {:?}", start.elapsed());
    drop(on_disk);
    let _ = std::fs::remove_dir_all(&dir);

    let competence = Some(CompetenceFilter { id: "DS.MST.07".into(), min_level: 3 });
    let queries = [
        ("tout, sans filtre", ProgrammeQuery::default()),
        ("un mot", ProgrammeQuery { text: Some("statistiques".into()), ..ProgrammeQuery::default() }),
        (
            "trois mots",
            ProgrammeQuery { text: Some("apprentissage données santé".into()), ..ProgrammeQuery::default() },
        ),
        (
            "mots + 3 filtres",
            ProgrammeQuery {
                text: Some("données".into()),
                diplomas: vec!["master".into()],
                regions: vec!["84".into(), "11".into()],
                levels: vec![7],
                ..ProgrammeQuery::default()
            },
        ),
        ("compétence ≥ N3", ProgrammeQuery { competence: competence.clone(), ..ProgrammeQuery::default() }),
        (
            "tous les filtres, tri par date",
            ProgrammeQuery {
                text: Some("données".into()),
                levels: vec![6, 7],
                diplomas: vec!["master".into(), "licence".into()],
                regions: vec!["84".into()],
                modalities: vec!["presentiel".into()],
                label_statuses: vec!["granted".into(), "submitted".into()],
                competence,
                eligible: Some(true),
                example: Some(false),
                sort: Sort::Updated,
                ..ProgrammeQuery::default()
            },
        ),
        ("page 50", ProgrammeQuery { text: Some("données".into()), offset: 1_000, ..ProgrammeQuery::default() }),
    ];
    for (name, query) in &queries {
        let (median, max, total) = time_query(&index, query, 50);
        println!("requête « {name} » : médiane {median:?}, max {max:?} sur 50 ({total} résultats)");
    }
}
