//! Acceptance: the whole label journey in a real browser, on the real server.
//!
//! A provider (created with `socle admin create-user`) logs in, declares a programme with the
//! form (adding a second unit on the way), reads the gap report (not eligible), uploads a
//! corrected declaration (eligible), and submits it; a reviewer logs in, takes the application in
//! review and grants the label; a visitor finds the programme in the public search with its
//! label and downloads the signed credential from its page; `socle label verify` accepts that
//! credential and refuses it once one byte is changed. Every page visited — the refused form,
//! file and decision included — has zero axe-core violations (WCAG 2.1 A/AA, at a desktop's and
//! a phone's width), no console error and no failed resource.
//!
//! `tools/browser/journey.cjs` plays the steps in Chromium (playwright-core), one browser context
//! (one cookie jar) per person; `cargo xtask setup` installs Chromium and the npm packages.

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};
use support::{Server, TempDir, chromium, create_user, node_modules, workspace};

const PROVIDER: (&str, &str) = ("responsable@universite-parcours.fr", "phrase de passe de l'organisme");
const REVIEWER: (&str, &str) = ("instructrice@registre.fr", "phrase de passe de l'instructrice");
const TITLE: &str = "Master Science des données et société";

/// The eligible demo master, renamed, dated today and not marked as an example: the corrected
/// declaration the provider uploads.
fn corrected_declaration() -> String {
    let text =
        std::fs::read_to_string(workspace().join("datasets/formations-demo/02-master-science-donnees-lyon.toml"))
            .expect("déclaration de démonstration");
    let today = registry::Date::today();
    text.lines()
        .map(|line| match line {
            _ if line.starts_with("updated = ") => format!("updated = {today}"),
            _ if line.starts_with("example = ") => "example = false".to_owned(),
            _ if line.starts_with("title = \"Master Science des données\"") => format!("title = \"{TITLE}\""),
            _ if line.starts_with("provider = ") => "provider = \"Université Parcours\"".to_owned(),
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn fill(selector: &str, value: &str) -> Value {
    json!({ "fill": selector, "value": value })
}

/// The journey, as steps for `journey.cjs`.
fn steps(corrected: &Path, broken: &Path, jwt: &Path) -> Value {
    let login = |person: &str, (email, password): (&str, &str), wait: &str| {
        json!({
            "name": format!("connexion-{person}-faite"),
            "context": person,
            "actions": [fill("#email", email), fill("#mot-de-passe", password)],
            "click": "form[action='/connexion'] button[type='submit']",
            "wait": wait,
        })
    };
    json!([
        { "name": "01-connexion-organisme", "context": "organisme", "goto": "/connexion?suite=%2Fespace" },
        login("organisme", PROVIDER, "/espace$"),
        { "name": "03-declaration-vide", "context": "organisme", "click": "a[href='/espace/nouvelle']", "wait": "/espace/nouvelle$" },
        {
            "name": "04-declaration-deux-unites",
            "context": "organisme",
            "actions": [
                fill("#programme-id", "master-science-donnees-lyon"),
                fill("#programme-title", TITLE),
                { "select": "#programme-diploma", "value": "master" },
                { "select": "#programme-level", "value": "7" },
                fill("#programme-rncp", "RNCP99701"),
                { "select": "#programme-region", "value": "84" },
                fill("#programme-city", "Lyon"),
                { "check": "#programme-modality-presentiel" },
                fill("#programme-total_ects", "120"),
                fill("#programme-total_hours", "1 095"),
                fill("#programme-semesters", "4"),
                fill("#programme-practitioner_share", "0,2"),
                fill("#programme-public_url", "https://univ-exemple-lyon.example.fr/formations/master-science-donnees"),
                fill("#units-0-code", "UE11"),
                fill("#units-0-title", "Programmation pour la science des données"),
                fill("#units-0-ects", "6"),
                fill("#units-0-hours", "60"),
                fill("#units-0-semester", "1"),
                { "select": "#units-0-kind", "value": "core" },
                fill("#units-0-competences", "DS.INF.01 N3, DS.INF.03 N2"),
                { "check": "#units-0-assessments-exam" },
                { "check": "#units-0-assessments-graded_lab" },
            ],
            "click": "button[value='ajouter-units']",
            "wait": "#units-1$",
        },
        {
            "name": "04b-declaration-refusee",
            "context": "organisme",
            "actions": [
                fill("#units-1-code", "UE12"),
                fill("#units-1-title", "Bases de données relationnelles et NoSQL"),
                fill("#units-1-ects", "6"),
                fill("#units-1-hours", "-60"),
            ],
            "click": "button[value='enregistrer']",
            "wait": "/espace/nouvelle$",
        },
        {
            "name": "05-rapport-formulaire",
            "context": "organisme",
            "actions": [
                fill("#units-1-hours", "60"),
                fill("#units-1-semester", "1"),
                { "select": "#units-1-kind", "value": "core" },
                fill("#units-1-competences", "DS.INF.05 N3, DS.INF.06 N2"),
                { "check": "#units-1-assessments-exam" },
            ],
            "click": "button[value='enregistrer']",
            "wait": "enregistre=formulaire",
            "capture": { "name": "id", "pattern": "/espace/formations/(\\d+)" },
        },
        {
            "name": "05b-fichier-refuse",
            "context": "organisme",
            "actions": [{ "file": "#fichier", "path": broken }],
            "click": "form[action$='/televerser'] button[type='submit']",
            "wait": "/televerser$",
        },
        {
            "name": "06-rapport-fichier",
            "context": "organisme",
            "actions": [{ "file": "#fichier", "path": corrected }],
            "click": "form[action$='/televerser'] button[type='submit']",
            "wait": "enregistre=fichier",
        },
        { "name": "07-confirmation", "context": "organisme", "click": "a[href$='/soumettre']", "wait": "/soumettre$" },
        {
            "name": "08-deposee",
            "context": "organisme",
            "click": "form[action$='/soumettre'] button[type='submit']",
            "wait": "fait=submit",
        },
        { "name": "09-connexion-instructeur", "context": "instructeur", "goto": "/connexion?suite=%2Frevue" },
        login("instructeur", REVIEWER, "/revue$"),
        { "name": "11-demande", "context": "instructeur", "click": "a[href='/revue/formations/{id}']", "wait": "/revue/formations/\\d+$" },
        {
            "name": "12-instruction",
            "context": "instructeur",
            "click": "form:has(input[name='action'][value='take_in_review']) button[type='submit']",
            "wait": "fait=take_in_review",
        },
        {
            "name": "12b-refus-sans-motif",
            "context": "instructeur",
            "click": "form:has(input[name='action'][value='refuse']) button[type='submit']",
            "wait": "/decision$",
        },
        {
            "name": "13-accorde",
            "context": "instructeur",
            "actions": [fill("#motif-grant", "Dossier complet ; pièces vérifiées.")],
            "click": "form:has(input[name='action'][value='grant']) button[type='submit']",
            "wait": "fait=grant",
        },
        { "name": "14-recherche", "context": "visiteur", "goto": "/formations?q=soci%C3%A9t%C3%A9&statut=granted" },
        {
            "name": "15-fiche-publique",
            "context": "visiteur",
            "click": "a[href='/formations/{id}']",
            "wait": "/formations/\\d+$",
            "download": { "url": "/formations/{id}/label.jwt", "to": jwt },
        },
        { "name": "16-espace-labellise", "context": "organisme", "goto": "/espace/formations/{id}" },
    ])
}

fn verify(data: &Path, jwt: &Path) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_socle"))
        .args(["label", "verify"])
        .arg(jwt)
        .arg("--data-dir")
        .arg(data)
        .output()
        .expect("socle label verify");
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn a_programme_goes_from_declaration_to_a_verified_label_in_the_browser() {
    let node_modules = node_modules();
    let chromium = chromium();
    let data = TempDir::new("parcours");
    create_user(&data.path, "provider", PROVIDER, Some("Université Parcours"));
    create_user(&data.path, "reviewer", REVIEWER, None);
    let server = Server::on(&data.path, &[]);
    let out = workspace().join("target/test-artefacts/parcours");
    std::fs::create_dir_all(&out).expect("dossier des captures");
    let corrected = out.join("formation-corrigee.toml");
    std::fs::write(&corrected, corrected_declaration()).expect("déclaration corrigée");
    let broken = out.join("formation-cassee.toml");
    std::fs::write(&broken, corrected_declaration().replace("diploma = \"master\"", "diploma = \"mastere\""))
        .expect("déclaration cassée");
    let jwt = out.join("label.jwt");
    let _ = std::fs::remove_file(&jwt);
    let spec =
        json!({ "base": server.base, "out": out, "chromium": chromium, "steps": steps(&corrected, &broken, &jwt) });
    let spec_path = out.join("spec.json");
    std::fs::write(&spec_path, spec.to_string()).expect("spec");
    let output = Command::new("node")
        .arg(workspace().join("tools/browser/journey.cjs"))
        .arg(&spec_path)
        .env("NODE_PATH", &node_modules)
        .output()
        .expect("lancement de node");
    assert!(output.status.success(), "parcours en échec :\n{}", String::from_utf8_lossy(&output.stderr));
    let result: Value = serde_json::from_slice(&output.stdout).expect("résultat JSON du parcours");
    let steps = result["steps"].as_array().expect("étapes");

    let mut failures = Vec::new();
    for step in steps {
        let name = step["name"].as_str().unwrap_or_default();
        if let Some(error) = step["error"].as_str() {
            failures.push(format!("{name} : étape impossible ({error}) sur {}\n{}", step["url"], step["text"]));
            continue;
        }
        // The refused form, file and decision come back with their problems (422); every other
        // page answers 200.
        let expected = if name.contains("refuse") || name.contains("sans-motif") { 422 } else { 200 };
        if step["status"] != expected {
            failures.push(format!("{name} : statut {} au lieu de {expected} sur {}", step["status"], step["url"]));
        }
        // Chromium logs the status of a page that answers an error once: that line is the
        // expected answer, not a fault of the page.
        let mut messages: Vec<&str> =
            step["console"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        if expected != 200
            && let Some(index) = messages
                .iter()
                .position(|message| message.contains(&format!("the server responded with a status of {expected}")))
        {
            messages.remove(index);
        }
        for message in messages {
            failures.push(format!("{name} : erreur de console {message}"));
        }
        for request in step["failed"].as_array().into_iter().flatten() {
            failures.push(format!("{name} : ressource en échec {request}"));
        }
        for violation in step["violations"].as_array().into_iter().flatten() {
            failures.push(format!(
                "{name} : violation axe-core {} ({}) en largeur {} sur {}",
                violation["id"], violation["help"], violation["viewport"], violation["nodes"]
            ));
        }
    }
    assert_eq!(steps.len(), 19, "toutes les étapes jouées");
    assert!(failures.is_empty(), "{} problème(s) :\n{}", failures.len(), failures.join("\n"));

    let text = |name: &str| -> String {
        steps
            .iter()
            .find(|step| step["name"] == name)
            .and_then(|step| step["text"].as_str())
            .unwrap_or_default()
            .to_owned()
    };
    // The form kept the first unit while adding the second, then saved a programme that is not
    // eligible: the gap report says which criteria fail and why.
    // Refusals say what is wrong, and where.
    assert!(text("04b-declaration-refusee").contains("Unité 2, heures encadrées : valeur -60 refusée"));
    assert!(text("05b-fichier-refuse").contains("vouliez-vous dire « master » ?"));
    assert!(text("12b-refus-sans-motif").contains("Refuser le label, motif : obligatoire"));
    let report = text("05-rapport-formulaire");
    assert!(report.contains("Verdict : non éligible au label"), "{report}");
    assert!(
        report.contains("C2 — Volume minimal\tnon conforme"),
        "two units are far from the minimum volume:\n{report}"
    );
    // The corrected file makes it eligible.
    let corrected_report = text("06-rapport-fichier");
    assert!(corrected_report.contains("Verdict : éligible au label"), "{corrected_report}");
    assert!(text("08-deposee").contains("Demande de label déposée"));
    assert!(text("connexion-instructeur-faite").contains(TITLE), "the application is in the reviewer's queue");
    assert!(text("13-accorde").contains("Label accordé pour trois ans"));
    let search = text("14-recherche");
    assert!(search.contains(TITLE) && search.contains("label accordé"), "{search}");
    assert!(text("15-fiche-publique").contains("label accordé"));
    assert!(text("16-espace-labellise").contains("Label valable jusqu'au"));

    // The credential downloaded from the public page verifies, and fails once a byte changes.
    let download = &steps.iter().find(|step| step["name"] == "15-fiche-publique").expect("fiche")["download"];
    assert_eq!(download["status"], 200, "{download}");
    let (code, report) = verify(&data.path, &jwt);
    assert_eq!(code, 0, "label refusé :\n{report}");
    assert!(report.contains("Résultat : label valide."), "{report}");
    let mut bytes = std::fs::read(&jwt).expect("label");
    let middle = bytes.iter().position(|byte| *byte == b'.').expect("en-tête") + 20;
    bytes[middle] = if bytes[middle] == b'A' { b'B' } else { b'A' };
    let tampered = out.join("label-modifie.jwt");
    std::fs::write(&tampered, &bytes).expect("label modifié");
    let (code, report) = verify(&data.path, &tampered);
    assert_eq!(code, 1, "un label modifié doit être refusé :\n{report}");
    assert!(report.contains("NON VALIDE"), "{report}");
    drop(server);
}
