//! Browser test: a real `socle serve`, every page opened in headless Chromium (Debian), checked
//! for its HTTP status, console errors and axe-core violations of WCAG 2.1 A/AA; a screenshot of
//! each page is kept under `target/test-artefacts/navigateur/`.
//!
//! `cargo xtask setup` installs Chromium and the pinned npm packages; without them this test
//! fails and says so.

mod support;

use std::path::PathBuf;
use std::process::Command;

use support::{Server, workspace};

/// Every page of the site so far, with the status it must answer.
const PAGES: &[(&str, u16, &str)] = &[
    ("/", 200, "accueil"),
    ("/referentiel", 200, "referentiel"),
    ("/referentiel?pilier=MST&tronc=commun&q=mod%C3%A8le", 200, "referentiel-filtre"),
    ("/referentiel/DS.MST.06", 200, "competence-DS.MST.06"),
    ("/referentiel/DS.PRJ.04", 200, "competence-DS.PRJ.04"),
    ("/referentiel/DS.INCONNU.01", 404, "competence-inconnue"),
    ("/page/inexistante", 404, "page-inexistante"),
    ("/cours/", 200, "cours"),
    ("/cours/partie-0/correction-et-referentiel.html", 200, "cours-correction"),
    ("/cours/partie-1/regression.html", 200, "cours-regression"),
    ("/cours/partie-1/cadre-juridique.html", 200, "cours-rgpd"),
    ("/cours/partie-2/sante.html", 200, "cours-sante"),
    ("/labs/", 200, "labs"),
    ("/labs/09-regression/", 200, "labo-regression"),
];

fn node_modules() -> PathBuf {
    let path = std::env::var_os("SOCLE_NODE_MODULES")
        .map(PathBuf::from)
        .unwrap_or_else(|| support::cache_dir().join("node/node_modules"));
    assert!(
        path.join("axe-core").exists() && path.join("playwright-core").exists(),
        "axe-core et playwright-core absents de {} : lancez `cargo xtask setup`",
        path.display()
    );
    path
}

fn chromium() -> String {
    let path = std::env::var("SOCLE_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    assert!(std::path::Path::new(&path).exists(), "Chromium absent ({path}) : lancez `cargo xtask setup`");
    path
}

#[test]
fn every_page_is_accessible_and_clean() {
    let node_modules = node_modules();
    let chromium = chromium();
    let server = Server::start();
    let out = workspace().join("target/test-artefacts/navigateur");
    std::fs::create_dir_all(&out).expect("dossier des captures");
    let spec = serde_json::json!({
        "base": server.base,
        "out": out,
        "chromium": chromium,
        "pages": PAGES.iter().map(|(path, status, name)| serde_json::json!({ "path": path, "status": status, "name": name })).collect::<Vec<_>>(),
        "viewports": [
            { "width": 1280, "height": 900, "suffix": "" },
            { "width": 390, "height": 844, "suffix": "-mobile" },
        ],
    });
    let spec_path = out.join("spec.json");
    std::fs::write(&spec_path, spec.to_string()).expect("écriture de la spec");
    let output = Command::new("node")
        .arg(workspace().join("tools/browser/audit.cjs"))
        .arg(&spec_path)
        .env("NODE_PATH", &node_modules)
        .output()
        .expect("lancement de node");
    assert!(output.status.success(), "audit navigateur en échec :\n{}", String::from_utf8_lossy(&output.stderr));
    let results: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).expect("résultat JSON de l'audit");
    assert_eq!(results.len(), PAGES.len() * 2, "chaque page dans les deux tailles d'écran");
    let mut failures = Vec::new();
    for result in &results {
        let path = result["path"].as_str().unwrap_or_default();
        if result["status"] != result["expected"] {
            failures.push(format!("{path} : statut {} au lieu de {}", result["status"], result["expected"]));
        }
        for message in result["console"].as_array().into_iter().flatten() {
            failures.push(format!("{path} : erreur de console {message}"));
        }
        for request in result["failed"].as_array().into_iter().flatten() {
            failures.push(format!("{path} : ressource en échec {request}"));
        }
        for violation in result["violations"].as_array().into_iter().flatten() {
            failures.push(format!(
                "{path} : violation axe-core {} ({}) sur {}",
                violation["id"], violation["help"], violation["nodes"]
            ));
        }
        let screenshot = result["screenshot"].as_str().unwrap_or_default();
        let size = std::fs::metadata(screenshot).map(|meta| meta.len()).unwrap_or(0);
        if size < 1000 {
            failures.push(format!("{path} : capture d'écran absente ou vide ({screenshot})"));
        }
    }
    assert!(failures.is_empty(), "{} problème(s) :\n{}", failures.len(), failures.join("\n"));
}
