//! The observatory's dashboard over a small record set: every page renders with data, filters
//! narrow the indicators, the URL keeps the whole state, exports parse and hold every row,
//! hostile record text stays text, the API answers what its OpenAPI document describes.

mod common;

use axum::http::StatusCode;
use common::{Options, TestApp};
use records::{Amount, Contract, Funding, JobPosting, Location, Project, Record, Salary, SalaryPeriod};
use serde_json::Value;

fn job(index: usize, region: &str, month: &str, contract: Contract, competences: &[&str]) -> Record {
    Record::Job(JobPosting {
        id: format!("job-{index}"),
        title: if index == 0 {
            "Data engineer <script>alert('titre')</script>".to_owned()
        } else {
            format!("Data scientist {index}")
        },
        description: format!("Analyse de données et apprentissage automatique, poste {index}."),
        date_posted: Some(format!("{month}-1{}", index % 10)),
        valid_through: None,
        employer: Some(format!("Employeur {}", index % 3)),
        location: Location {
            city: Some("Lyon".to_owned()),
            postal_code: None,
            region_code: Some(region.to_owned()),
            country: Some("FR".to_owned()),
        },
        remote: None,
        contract: Some(contract),
        salary: index.is_multiple_of(2).then(|| Salary {
            min: Some(40_000.0 + index as f64 * 1000.0),
            max: Some(50_000.0 + index as f64 * 1000.0),
            currency: "EUR".to_owned(),
            period: SalaryPeriod::Year,
        }),
        competences: competences.iter().map(|id| (*id).to_owned()).collect(),
        rome_code: Some("M1405".to_owned()),
        sector: Some("sante".to_owned()),
        source_url: if index == 1 {
            "javascript:alert(1)".to_owned()
        } else {
            format!("https://emplois.test/offre/{index}")
        },
        duplicate_urls: Vec::new(),
    })
}

/// 12 postings (8 in Auvergne-Rhône-Alpes, 4 in Île-de-France, over three months), 3 funding
/// events and 2 projects.
fn records() -> Vec<Record> {
    let mut records = Vec::new();
    for index in 0..12 {
        let (region, contract) = if index < 8 { ("84", Contract::Cdi) } else { ("11", Contract::Stage) };
        let month = ["2026-08", "2026-09", "2026-10"][index % 3];
        let competences: &[&str] = if index.is_multiple_of(2) { &["DS.MST.07", "DS.INF.01"] } else { &["DS.INF.01"] };
        records.push(job(index, region, month, contract, competences));
    }
    for index in 0..3 {
        records.push(Record::Funding(Funding {
            id: format!("fin-{index}"),
            title: format!("Levée de fonds {index}"),
            funder: Some("Bpifrance".to_owned()),
            recipient: Some(format!("Jeune pousse {index}")),
            amount: Some(Amount { value: 1_000_000.0 * (index + 1) as f64, currency: "EUR".to_owned() }),
            date: Some(format!("2026-0{}-15", index + 7)),
            programme: Some("French Tech Seed".to_owned()),
            stage: Some("amorçage".to_owned()),
            sector: Some("numerique".to_owned()),
            region_code: Some("11".to_owned()),
            source_url: format!("https://financements.test/{index}"),
        }));
    }
    for index in 0..2 {
        records.push(Record::Project(Project {
            id: format!("proj-{index}"),
            title: format!("Projet de recherche {index}"),
            description: "Plateforme de données de santé.".to_owned(),
            organisations: vec!["Université de Lyon".to_owned()],
            start_date: Some("2026-09-01".to_owned()),
            end_date: None,
            budget: Some(Amount { value: 500_000.0, currency: "EUR".to_owned() }),
            funder: Some("ANR".to_owned()),
            sector: Some("sante".to_owned()),
            region_code: Some("84".to_owned()),
            source_url: format!("https://projets.test/{index}"),
        }));
    }
    records
}

async fn app() -> TestApp {
    TestApp::with(Options { records: records(), in_memory: true, ..Options::default() }).await
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|error| panic!("JSON illisible ({error}) : {body}"))
}

#[tokio::test]
async fn every_page_renders_with_data() {
    let app = app().await;
    let mut client = app.client();
    for (path, expected) in [
        ("/observatoire", "Chiffres clés sur douze mois"),
        ("/observatoire/emplois", "Auvergne-Rhône-Alpes"),
        ("/observatoire/financements", "French Tech Seed"),
        ("/observatoire/projets", "2026-T3"),
        ("/observatoire/competences", "DS.MST.07"),
        ("/observatoire/recherche", "17 résultats"),
        ("/observatoire/methode", "offre-demande"),
    ] {
        let answer = client.get(path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path} : {}", answer.body);
        assert!(answer.body.contains(expected), "{path} devrait contenir « {expected} »");
        assert!(answer.body.contains("<svg") || path.ends_with("methode"), "{path} devrait avoir un graphique");
        assert!(!answer.body.contains("<script>alert"), "{path} laisse passer un script");
    }
}

#[tokio::test]
async fn filters_narrow_the_indicators_and_the_url_keeps_them() {
    let app = app().await;
    let mut client = app.client();
    let all = json(&client.get("/api/observatoire/indicateurs/offres-par-region").await.body);
    let offers = |value: &Value, code: &str| {
        value["lignes"]
            .as_array()
            .expect("lignes")
            .iter()
            .find(|row| row["region_code"] == code)
            .map_or(0, |row| row["offres"].as_i64().expect("nombre"))
    };
    assert_eq!((offers(&all, "84"), offers(&all, "11")), (8, 4));
    let lyon = json(&client.get("/api/observatoire/indicateurs/offres-par-region?region=84").await.body);
    assert_eq!((offers(&lyon, "84"), offers(&lyon, "11")), (8, 0));
    let internships =
        json(&client.get("/api/observatoire/indicateurs/offres-par-region?contrat=stage&de=2026-09").await.body);
    // Internships are postings 8–11, published in 2026-10, -08, -09 and -10 (index % 3): three
    // from September on.
    assert_eq!(offers(&internships, "11"), 3);
    // The page with filters shows them as chosen, and its links carry them.
    let page = client.get("/observatoire/emplois?region=84&contrat=cdi").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"<option value="84" selected>"#), "région choisie");
    assert!(page.body.contains(r#"<option value="cdi" selected>"#), "contrat choisi");
    assert!(page.body.contains("/observatoire/indicateurs/offres-par-mois.csv?region=84&#38;contrat=cdi"));
    assert!(
        page.body.contains("/observatoire/financements?region=84&#38;contrat=cdi"),
        "la navigation garde les filtres"
    );
}

#[tokio::test]
async fn wrong_parameters_get_a_french_message_naming_what_is_accepted() {
    let app = app().await;
    let mut client = app.client();
    for (path, part) in [
        ("/observatoire/emplois?region=99", "code de région INSEE"),
        ("/observatoire?de=2026-14", "AAAA-MM"),
        ("/observatoire/recherche?tri=hasard", "pertinence, recent, ancien"),
        ("/observatoire/recherche?page=100000", "export complet"),
        ("/api/observatoire/indicateurs/offres-par-mois?secteur=%3Cb%3E", "Valeurs acceptées"),
        ("/observatoire/recherche.csv?competence=XX", "identifiant du référentiel"),
    ] {
        let answer = client.get(path).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(answer.body.contains(part), "{path} : {}", answer.body);
        if !path.starts_with("/api/") {
            assert!(!answer.body.contains("<b>"), "{path} recopie la valeur sans l'échapper");
        }
    }
    let missing = client.get("/observatoire/indicateurs/inconnu.csv").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Indicateurs publiés"), "{}", missing.body);
    let format = client.get("/observatoire/indicateurs/offres-par-mois.xlsx").await;
    assert_eq!(format.status, StatusCode::NOT_FOUND);
    assert!(format.body.contains(".parquet"), "{}", format.body);
}

#[tokio::test]
async fn indicator_exports_hold_the_same_rows_in_every_format() {
    let app = app().await;
    let mut client = app.client();
    let api = json(&client.get("/api/observatoire/indicateurs/offres-par-mois").await.body);
    let rows = api["lignes"].as_array().expect("lignes").len();
    assert_eq!(rows, 3);
    let csv_answer = client.get("/observatoire/indicateurs/offres-par-mois.csv").await;
    assert!(csv_answer.header("content-type").starts_with("text/csv"));
    assert!(csv_answer.header("content-disposition").contains("observatoire-offres-par-mois.csv"));
    let mut reader = csv::Reader::from_reader(csv_answer.body.as_bytes());
    assert_eq!(reader.headers().expect("en-tête").iter().collect::<Vec<_>>(), ["mois", "offres"]);
    let records: Vec<csv::StringRecord> = reader.records().map(|record| record.expect("ligne")).collect();
    assert_eq!(records.len(), rows);
    assert_eq!(&records[0][0], "2026-08");
    let ndjson = client.get("/observatoire/indicateurs/offres-par-mois.ndjson").await.body;
    assert_eq!(ndjson.lines().map(json).count(), rows);
    let exported = json(&client.get("/observatoire/indicateurs/offres-par-mois.json").await.body);
    assert_eq!(exported["lignes"], api["lignes"]);
    assert!(exported["indicateur"]["methode"].as_str().is_some_and(|method| !method.is_empty()));
    let parquet = client.get("/observatoire/indicateurs/offres-par-mois.parquet").await;
    assert_eq!(parquet.header("content-type"), "application/vnd.apache.parquet");
    assert!(parquet.body.starts_with("PAR1") && parquet.body.ends_with("PAR1"), "fichier Parquet complet");
}

#[tokio::test]
async fn search_exports_stream_every_matching_record() {
    let app = app().await;
    let mut client = app.client();
    let page = json(&client.get("/api/observatoire/recherche?q=donn%C3%A9es&type=offre&par_page=5").await.body);
    let total = page["total"].as_u64().expect("total");
    assert_eq!(total, 12);
    assert_eq!(page["resultats"].as_array().expect("page").len(), 5);
    let csv_body = client.get("/observatoire/recherche.csv?q=donn%C3%A9es&type=offre").await.body;
    let mut reader = csv::Reader::from_reader(csv_body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|record| record.expect("ligne")).collect();
    assert_eq!(rows.len() as u64, total, "l'export n'a pas la limite d'une page");
    let header = reader.headers().expect("en-tête").clone();
    let region = header.iter().position(|name| name == "region").expect("colonne région");
    assert!(rows.iter().any(|row| &row[region] == "Auvergne-Rhône-Alpes"));
    let ndjson = client.get("/observatoire/recherche.ndjson?region=84").await.body;
    let lines: Vec<Value> = ndjson.lines().map(json).collect();
    assert_eq!(lines.len(), 10, "8 offres et 2 projets en Auvergne-Rhône-Alpes");
    let array = json(&client.get("/observatoire/recherche.json?region=84").await.body);
    assert_eq!(array.as_array().expect("tableau").len(), 10);
    let parquet = client.get("/observatoire/recherche.parquet").await;
    assert!(parquet.body.starts_with("PAR1") && parquet.body.ends_with("PAR1"));
    let empty = client.get("/observatoire/recherche.csv?q=introuvablexyz").await.body;
    assert_eq!(empty.lines().count(), 1, "un export vide garde son en-tête");
}

#[tokio::test]
async fn the_search_page_keeps_its_state_and_escapes_crawled_text() {
    let app = app().await;
    let mut client = app.client();
    let page = client.get("/observatoire/recherche?q=data&region=11&tri=recent").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("4 résultats"), "{}", page.body);
    assert!(page.body.contains(r#"value="data""#));
    assert!(page.body.contains(r#"<option value="recent" selected>"#));
    assert!(page.body.contains(r#"<input type="hidden" name="region" value="11">"#), "la région suit les mots");
    // Selected facet values link to the search without them.
    assert!(page.body.contains(r#"href="/observatoire/recherche?q=data&#38;tri=recent" aria-current="true""#));
    let hostile = client.get("/observatoire/recherche?q=engineer").await;
    assert!(
        hostile.body.contains("Data engineer &lt;script&gt;")
            || hostile.body.contains("Data engineer &#60;script&#62;")
    );
    assert!(!hostile.body.contains("<script>alert"));
    let all = client.get("/observatoire/recherche?type=offre&par_page=100").await;
    assert!(!all.body.contains("href=\"javascript:"), "un lien javascript: ne devient pas un lien");
}

#[tokio::test]
async fn supply_and_demand_lists_every_competence_with_both_sides_and_the_gap() {
    let app = app().await;
    let mut client = app.client();
    let table = json(&client.get("/api/observatoire/indicateurs/offre-demande").await.body);
    let rows = table["lignes"].as_array().expect("lignes");
    assert_eq!(rows.len(), common::referentiel().competences.len(), "toutes les compétences");
    let row = |id: &str| rows.iter().find(|row| row["competence"] == id).expect("compétence");
    assert_eq!(row("DS.INF.01")["offres"], 12);
    assert_eq!(row("DS.MST.07")["offres"], 6);
    for row in rows {
        for column in [
            "offres",
            "part_offres",
            "programmes",
            "part_programmes",
            "poids_demande",
            "poids_offre",
            "chapitres",
            "questions",
            "indice_ecart",
        ] {
            assert!(row.get(column).is_some(), "{column} manque pour {}", row["competence"]);
        }
    }
    // Demand without supply (no programme in this registry): the gap is 1.
    assert_eq!(row("DS.INF.01")["indice_ecart"].as_f64(), Some(1.0));
    let page = client.get("/observatoire/competences").await;
    assert!(page.body.contains("Indice d") || page.body.contains("indice d"), "la colonne de l'indice");
    // The widest gaps drawn as paired bars, demand and supply side by side.
    assert!(page.body.contains("graphique-paires") && page.body.contains("Offre : part des enseignements"));
}

#[tokio::test]
async fn the_openapi_document_describes_routes_that_answer() {
    let app = app().await;
    let mut client = app.client();
    let document = json(&client.get("/api/observatoire/openapi.json").await.body);
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().expect("chemins");
    assert!(paths.len() >= 12, "{} chemins", paths.len());
    for path in paths.keys() {
        let concrete = path.replace("{id}", "offres-par-mois");
        let answer = client.get(&concrete).await;
        assert_eq!(answer.status, StatusCode::OK, "{concrete}");
    }
    let index = json(&client.get("/api/observatoire").await.body);
    assert!(index["indicateurs"].as_array().is_some_and(|list| list.len() >= 20));
}
