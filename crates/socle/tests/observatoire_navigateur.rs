//! Browser test of the observatory's dashboard, on a real `socle serve` whose demo web has been
//! ingested: each of its seven pages opened in headless Chromium (HTTP status, console errors,
//! failed resources, axe-core WCAG 2.1 A/AA at a desktop's and a phone's width, data shown,
//! screenshots kept under `target/test-artefacts/observatoire/`); filters applied through the
//! interface (the jobs page's selects, the search's words, a facet and the next page), whose
//! address, opened in a fresh browser context, must give the same view; and exports downloaded
//! through their links (an indicator's CSV, the filtered search's NDJSON), checked against what
//! the page shows.
//!
//! `tools/browser/observatoire.cjs` drives Chromium (playwright-core); `cargo xtask setup`
//! installs Chromium and the npm packages.

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};
use support::{Server, TempDir, chromium, node_modules, workspace};

/// The dashboard's pages: path and screenshot name.
const PAGES: [(&str, &str); 7] = [
    ("/observatoire", "vue-d-ensemble"),
    ("/observatoire/emplois", "emplois"),
    ("/observatoire/financements", "financements"),
    ("/observatoire/projets", "projets"),
    ("/observatoire/competences", "competences"),
    ("/observatoire/recherche", "recherche"),
    ("/observatoire/methode", "methode"),
];

/// The filters the test chooses on the jobs page: Île-de-France, permanent contracts.
const REGION: &str = "11";
const CONTRACT: &str = "cdi";
/// The words typed in the search.
const WORDS: &str = "données";

/// The problems the browser reported for one audited page.
fn audit_failures(audit: &Value, failures: &mut Vec<String>) {
    let name = audit["name"].as_str().unwrap_or_default();
    if audit["status"] != 200 {
        failures.push(format!("{name} : statut {} au lieu de 200 ({})", audit["status"], audit["url"]));
    }
    for message in audit["console"].as_array().into_iter().flatten() {
        failures.push(format!("{name} : erreur de console {message}"));
    }
    for request in audit["failed"].as_array().into_iter().flatten() {
        failures.push(format!("{name} : ressource en échec {request}"));
    }
    for violation in audit["violations"].as_array().into_iter().flatten() {
        failures.push(format!(
            "{name} : violation axe-core {} ({}) en largeur {} sur {}",
            violation["id"], violation["help"], violation["viewport"], violation["nodes"]
        ));
    }
    for screenshot in audit["screenshots"].as_array().into_iter().flatten() {
        let screenshot = screenshot.as_str().unwrap_or_default();
        if std::fs::metadata(screenshot).map(|meta| meta.len()).unwrap_or(0) < 1000 {
            failures.push(format!("{name} : capture d'écran absente ou vide ({screenshot})"));
        }
    }
    // Each page shows data: the search its results, the method page its table of records, the
    // others a chart and a table with rows.
    let data = &audit["data"];
    let count = |key: &str| data[key].as_u64().unwrap_or(0);
    let shows_data = match name {
        "recherche" | "recherche-filtre" => count("results") > 0 && count("charts") > 0,
        "methode" => count("table_rows") > 0,
        _ => count("charts") > 0 && count("table_rows") > 0,
    };
    if !shows_data {
        failures.push(format!("{name} : la page ne montre pas de données ({data})"));
    }
}

/// The number of data rows of a CSV file (its header apart), or what is wrong with it.
fn csv_rows(path: &Path) -> Result<usize, String> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|error| format!("lecture de {} : {error}", path.display()))?;
    let headers = reader.headers().map_err(|error| format!("en-tête illisible : {error}"))?.clone();
    if headers.is_empty() || headers.iter().all(str::is_empty) {
        return Err("pas d'en-tête".to_owned());
    }
    let mut rows = 0;
    for record in reader.records() {
        let record = record.map_err(|error| format!("ligne {} illisible : {error}", rows + 2))?;
        if record.len() != headers.len() {
            return Err(format!("ligne {} : {} colonnes pour {} en-têtes", rows + 2, record.len(), headers.len()));
        }
        rows += 1;
    }
    Ok(rows)
}

/// The number of lines of an NDJSON file, each of which must be a JSON object.
fn ndjson_lines(path: &Path) -> Result<u64, String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("lecture de {} : {error}", path.display()))?;
    let mut lines = 0;
    for (number, line) in text.lines().enumerate() {
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(_)) => lines += 1,
            Ok(other) => return Err(format!("ligne {} : pas un objet JSON ({other})", number + 1)),
            Err(error) => return Err(format!("ligne {} : JSON invalide ({error})", number + 1)),
        }
    }
    Ok(lines)
}

/// The number a heading such as « 1234 résultats » starts with.
fn leading_number(text: &str) -> Option<u64> {
    let digits: String =
        text.chars().take_while(|c| c.is_ascii_digit() || c.is_whitespace()).filter(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Checks that the permalink of a journey gave the same view in a fresh context.
fn same_view(name: &str, journey: &Value, failures: &mut Vec<String>) {
    let fresh = &journey["fresh_view"];
    if fresh["status"] != 200 {
        failures.push(format!("{name} : le permalien répond {} ({})", fresh["status"], journey["url"]));
    }
    let mut fresh = fresh.clone();
    if let Some(object) = fresh.as_object_mut() {
        object.remove("status");
    }
    if journey["view"] != fresh {
        failures.push(format!(
            "{name} : le permalien {} ne redonne pas la même vue dans un contexte neuf :\nvue : {}\npermalien : {}",
            journey["url"], journey["view"], fresh
        ));
    }
}

#[test]
fn the_dashboard_works_in_a_browser_and_its_permalinks_reproduce_the_view() {
    let node_modules = node_modules();
    let chromium = chromium();
    let data = TempDir::new("observatoire-navigateur");
    let mut server = Server::on(&data.path, &[]);
    server.wait_for_demo(&data.path);

    let out = workspace().join("target/test-artefacts/observatoire");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).expect("dossier des captures");
    let spec = json!({
        "base": server.base,
        "out": out,
        "chromium": chromium,
        "pages": PAGES.iter().map(|(path, name)| json!({ "path": path, "name": name })).collect::<Vec<_>>(),
        "jobs": { "path": "/observatoire/emplois", "region": REGION, "contract": CONTRACT },
        "search": { "path": "/observatoire/recherche", "words": WORDS },
    });
    let spec_path = out.join("spec.json");
    std::fs::write(&spec_path, spec.to_string()).expect("écriture de la spec");
    let output = Command::new("node")
        .arg(workspace().join("tools/browser/observatoire.cjs"))
        .arg(&spec_path)
        .env("NODE_PATH", &node_modules)
        .output()
        .expect("lancement de node");
    assert!(output.status.success(), "test navigateur en échec :\n{}", String::from_utf8_lossy(&output.stderr));
    let result: Value = serde_json::from_slice(&output.stdout).expect("résultat JSON du test navigateur");
    // Kept beside the screenshots, for whoever reads a failure.
    std::fs::write(out.join("resultat.json"), &output.stdout).expect("écriture du résultat");

    let mut failures: Vec<String> = result["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|error| format!("étape impossible : {}", error.as_str().unwrap_or_default()))
        .collect();
    let audits = result["audits"].as_array().cloned().unwrap_or_default();
    for audit in &audits {
        audit_failures(audit, &mut failures);
    }
    let audited: Vec<&str> = audits.iter().filter_map(|audit| audit["name"].as_str()).collect();
    for name in PAGES.iter().map(|(_, name)| *name).chain(["emplois-filtre", "recherche-filtre"]) {
        if !audited.contains(&name) {
            failures.push(format!("{name} : page non auditée"));
        }
    }

    // The jobs page filtered through its form: the address carries the filters, the view shows
    // them and some data, and the permalink gives the same view.
    let jobs = &result["jobs"];
    let url = jobs["url"].as_str().unwrap_or_default();
    for wanted in [format!("region={REGION}"), format!("contrat={CONTRACT}")] {
        if !url.contains(&wanted) {
            failures.push(format!("emplois : l'adresse filtrée {url:?} ne contient pas {wanted}"));
        }
    }
    let selects: Vec<&str> =
        jobs["view"]["selects"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    for wanted in [format!("region={REGION}"), format!("contrat={CONTRACT}")] {
        if !selects.contains(&wanted.as_str()) {
            failures.push(format!("emplois : filtre {wanted} non choisi dans le formulaire ({selects:?})"));
        }
    }
    if jobs["view"]["rows"].as_array().is_none_or(Vec::is_empty) || jobs["view"]["chart_desc"] == "" {
        failures.push(format!("emplois : la vue filtrée ne montre pas de données ({})", jobs["view"]));
    }
    if jobs["view"]["rows"] == jobs["view_before"]["rows"] {
        failures.push(format!("emplois : les filtres ne changent pas le premier tableau ({})", jobs["view"]["rows"]));
    }
    same_view("emplois", jobs, &mut failures);

    // The first indicator's CSV, downloaded through its link, has the table's rows.
    let download = &jobs["download"];
    let csv_file = download["file"].as_str().unwrap_or_default();
    if !download["failure"].is_null() {
        failures.push(format!("emplois : téléchargement du CSV en échec ({})", download["failure"]));
    }
    let table_rows = download["table_rows"].as_u64().unwrap_or(0) as usize;
    let csv_count = match csv_rows(Path::new(csv_file)) {
        Ok(rows) => {
            if rows == 0 || rows != table_rows {
                failures.push(format!(
                    "emplois : le CSV de « {} » a {rows} lignes, le tableau de la page {table_rows}",
                    download["indicator"].as_str().unwrap_or_default()
                ));
            }
            rows
        }
        Err(problem) => {
            failures.push(format!("emplois : CSV téléchargé invalide ({csv_file}) : {problem}"));
            0
        }
    };

    // The search refined through words, a facet and the next page: same view from its address.
    let search = &result["search"];
    let url = search["url"].as_str().unwrap_or_default();
    if !(url.contains("q=") && url.contains("region=")) {
        failures.push(format!("recherche : l'adresse {url:?} ne garde pas les mots et la facette"));
    }
    if search["view"]["facets"].as_array().is_none_or(Vec::is_empty) {
        failures.push(format!("recherche : aucune facette choisie n'est marquée aria-current ({})", search["view"]));
    }
    if search["view"]["titles"].as_array().is_none_or(Vec::is_empty) {
        failures.push(format!("recherche : aucun résultat ({})", search["view"]));
    }
    // The chosen facet counts what the search finds with it: « Île-de-France (905) » beside
    // « 905 résultats ».
    let total_text = search["view"]["total"].as_str().unwrap_or_default();
    for facet in search["view"]["facets"].as_array().into_iter().flatten() {
        let facet = facet.as_str().unwrap_or_default();
        let count = facet.rsplit_once('(').and_then(|(_, count)| leading_number(count));
        if count.is_none() || count != leading_number(total_text) {
            failures.push(format!("recherche : la facette choisie « {facet} » ne compte pas « {total_text} »"));
        }
    }
    same_view("recherche", search, &mut failures);

    // The search's NDJSON, downloaded through its link, has one JSON object per result.
    let download = &search["download"];
    let ndjson_file = download["file"].as_str().unwrap_or_default();
    let total = download["total_text"].as_str().and_then(leading_number);
    let ndjson_count = match ndjson_lines(Path::new(ndjson_file)) {
        Ok(lines) => {
            if Some(lines) != total {
                failures.push(format!(
                    "recherche : le NDJSON a {lines} lignes, la page annonce {}",
                    download["total_text"]
                ));
            }
            lines
        }
        Err(problem) => {
            failures.push(format!("recherche : NDJSON téléchargé invalide ({ndjson_file}) : {problem}"));
            0
        }
    };

    let violations: usize = audits.iter().map(|audit| audit["violations"].as_array().map_or(0, Vec::len)).sum();
    let screenshots: usize = audits.iter().map(|audit| audit["screenshots"].as_array().map_or(0, Vec::len)).sum();
    println!("Observatoire dans le navigateur :");
    println!("  pages auditées : {} ({})", audits.len(), audited.join(", "));
    println!("  violations axe-core (WCAG 2.1 A/AA, deux largeurs) : {violations}");
    println!("  captures d'écran : {screenshots}, dans {}", out.display());
    println!(
        "  permaliens rejoués : emplois {}, recherche {}{}",
        jobs["url"].as_str().unwrap_or("?"),
        search["url"].as_str().unwrap_or("?"),
        if search["went_to_page_two"] == true { " (page 2)" } else { "" }
    );
    println!("  exports téléchargés : CSV de {csv_count} lignes, NDJSON de {ndjson_count} lignes");
    println!("  problèmes : {}", failures.len());
    assert!(failures.is_empty(), "{} problème(s) :\n{}", failures.len(), failures.join("\n"));
    drop(server);
}
