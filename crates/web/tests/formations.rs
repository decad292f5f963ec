//! The public registry: search with facets, the competence question, programme pages with their
//! JSON-LD, comparison, the JSON API, the CSV export, the signed label's public endpoints, who
//! sees drafts, hostile input, and the demonstration data they are all shown with.

mod common;

use std::collections::BTreeMap;

use axum::http::StatusCode;
use common::{Answer, BASE_URL, Client, TestApp};
use registry::Timestamp;
use registry::credential::{CredentialId, Revocation};
use registry::workflow::{Action, Role as WorkflowRole};
use serde_json::Value;
use store::{LabelState, ProgrammeFilter, ProgrammeId, Role};
use web::catalogue::{self, DEMO_DECLARATIONS, LabelActor};

/// A fresh application holding the thirty demonstration programmes, evaluated and decided on
/// the data set's reference date (in memory: loading writes a hundred transactions).
async fn demo_app() -> TestApp {
    let app = TestApp::with(common::Options { in_memory: true, ..Default::default() }).await;
    let load = catalogue::load_demo(&app.state).await.unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(load.loaded, DEMO_DECLARATIONS.len());
    app
}

/// The store id of a demonstration programme, by the number that starts its file name.
async fn demo_id(app: &TestApp, number: &str) -> ProgrammeId {
    let (file, text) = DEMO_DECLARATIONS.iter().find(|(file, _)| file.starts_with(number)).expect("fichier");
    let slug = text
        .lines()
        .find_map(|line| line.strip_prefix("id = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or_else(|| panic!("pas d'identifiant dans {file}"));
    let programmes = app.store.programmes(&ProgrammeFilter::default()).await.expect("lecture");
    programmes.iter().find(|programme| programme.slug == slug).map(|programme| programme.id).expect("formation")
}

fn json(answer: &Answer) -> Value {
    serde_json::from_str(&answer.body).unwrap_or_else(|error| panic!("JSON illisible ({error}) :\n{}", answer.body))
}

/// The golden verdicts of the demonstration set on its reference date (the table of
/// `datasets/formations-demo/README.md`), and the label state each is left in.
const GOLDEN: [(&str, &[&str], &str); 30] = [
    ("01", &["C1", "C3", "C4", "C13"], "draft"),
    ("02", &[], "granted"),
    ("03", &[], "granted"),
    ("04", &[], "granted"),
    ("05", &[], "granted"),
    ("06", &[], "submitted"),
    ("07", &["C3"], "refused"),
    ("08", &["C4"], "draft"),
    ("09", &["C8"], "refused"),
    ("10", &[], "granted"),
    ("11", &[], "granted"),
    ("12", &["C9"], "in_review"),
    ("13", &[], "granted"),
    ("14", &["C5", "C11"], "refused"),
    ("15", &[], "granted"),
    ("16", &[], "granted"),
    ("17", &["C7"], "refused"),
    ("18", &[], "in_review"),
    ("19", &["C10"], "draft"),
    ("20", &[], "granted"),
    ("21", &["C6"], "refused"),
    ("22", &[], "granted"),
    ("23", &[], "in_review"),
    ("24", &[], "suspended"),
    ("25", &[], "granted"),
    ("26", &["C2"], "draft"),
    ("27", &["C12"], "draft"),
    ("28", &[], "granted"),
    ("29", &[], "submitted"),
    ("30", &["C14"], "draft"),
];

#[tokio::test]
async fn the_demonstration_set_keeps_its_verdicts_states_and_signed_labels() {
    let app = demo_app().await;
    let mut found = Vec::new();
    for (number, _, _) in GOLDEN {
        let programme = app.store.programme(demo_id(&app, number).await).await.expect("lecture").expect("formation");
        let report: Value = serde_json::from_str(&programme.report).expect("rapport");
        let failing: Vec<String> = report["criteria"]
            .as_array()
            .expect("critères")
            .iter()
            .filter(|criterion| criterion["status"] == "fail")
            .map(|criterion| criterion["id"].as_str().expect("id").to_owned())
            .collect();
        assert_eq!(report["evaluated_on"], "2026-11-28", "{number}");
        assert_eq!(programme.eligible, failing.is_empty(), "{number}");
        assert!(programme.example, "{number} : exemple");
        found.push((number, failing, programme.label_state.code()));
    }
    let expected: Vec<(&str, Vec<String>, &str)> = GOLDEN
        .iter()
        .map(|(number, failing, state)| (*number, failing.iter().map(|id| (*id).to_owned()).collect(), *state))
        .collect();
    assert_eq!(found, expected);

    // Every granted programme holds one credential, signed by the registry's key, valid three
    // years from the reference date; the suspended one's is revoked.
    let key = *app.state.signing_key.public_key();
    for (number, _, state) in GOLDEN.iter().filter(|(_, _, state)| *state == "granted" || *state == "suspended") {
        let id = demo_id(&app, number).await;
        let credentials = app.store.credentials_of_programme(id).await.expect("labels");
        assert_eq!(credentials.len(), 1, "{number}");
        let credential = &credentials[0];
        assert_eq!(Timestamp { unix_seconds: credential.valid_until }.to_string(), "2029-11-28T00:00:00Z");
        assert_eq!(credential.revoked_at.is_some(), *state == "suspended", "{number}");
        let at = Timestamp { unix_seconds: credential.issued_at + 86_400 };
        let verification = registry::credential::verify(&credential.jwt, &[key], at, &|_| Revocation::NotRevoked);
        assert!(verification.valid, "{number} : {:?}", verification.checks);
    }
    let history = app.store.label_history(demo_id(&app, "07").await).await.expect("historique");
    let refusal = history.last().expect("refus");
    assert_eq!((refusal.to, refusal.actor), (LabelState::Refused, store::Actor::System));
    assert_eq!(refusal.reason, "données de démonstration : critère(s) non conforme(s) C3");

    // A second start loads nothing again.
    let again = catalogue::load_demo(&app.state).await.expect("second chargement");
    assert_eq!(again.loaded, 0);
    assert_eq!(app.store.programmes(&ProgrammeFilter::default()).await.expect("lecture").len(), 30);
    assert_eq!(app.state.search.len(), 24, "les 24 formations publiques sont indexées, pas les brouillons");
}

/// The number of public demonstration programmes that declare `competence` at `min_level` or
/// above, counted from the declarations themselves (not from the index).
fn naive_count(competence: &str, min_level: &str) -> usize {
    GOLDEN
        .iter()
        .filter(|(_, _, state)| *state != "draft")
        .filter(|(number, _, _)| {
            let (_, text) = DEMO_DECLARATIONS.iter().find(|(file, _)| file.starts_with(number)).expect("fichier");
            let mut best = None;
            for line in text.lines().filter(|line| line.contains(&format!("id = \"{competence}\""))) {
                for piece in line.split(&format!("id = \"{competence}\", level = \"")).skip(1) {
                    let level = &piece[..2];
                    best = best.max(Some(level.to_owned()));
                }
            }
            best.is_some_and(|level| level.as_str() >= min_level)
        })
        .count()
}

#[tokio::test]
async fn the_competence_question_and_disjunctive_facets() {
    let app = demo_app().await;
    let mut client = app.client();
    let expected = naive_count("DS.MST.07", "N3");
    assert!(expected > 0, "le jeu de démonstration enseigne DS.MST.07 à N3 quelque part");
    let page = client.get("/formations?competence=DS.MST.07&niveau_min=N3").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let label = common::referentiel().competence("DS.MST.07").expect("compétence").label.fr.clone();
    let sentence = if expected == 1 {
        format!("1 formation publique enseigne DS.MST.07 ({label}) au niveau N3")
    } else {
        format!("{expected} formations publiques enseignent DS.MST.07 ({label}) au niveau N3")
    };
    assert!(page.body.contains(&sentence), "« {sentence} » absent de :\n{}", page.body);
    let api = json(&client.get("/api/formations?competence=DS.MST.07&niveau_min=N3").await);
    assert_eq!(api["total"], expected);
    assert!(
        api["results"].as_array().expect("résultats").iter().all(|hit| hit["competence_level"].as_str() >= Some("N3"))
    );
    // At N1 or above, more programmes answer.
    let api_n1 = json(&client.get("/api/formations?competence=DS.MST.07").await);
    assert_eq!(api_n1["total"], naive_count("DS.MST.07", "N1"));

    // Filtering on masters keeps the other diplomas' counts (disjunctive facets), while the
    // regions are counted among masters only.
    let all = json(&client.get("/api/formations").await);
    let masters = json(&client.get("/api/formations?diplome=master").await);
    let count = |answer: &Value, facet: &str, value: &str| {
        answer["facets"][facet].as_array().expect("facette").iter().find(|item| item["value"] == value).expect("valeur")
            ["count"]
            .as_u64()
            .expect("nombre")
    };
    assert_eq!(masters["total"].as_u64(), Some(count(&all, "diplome", "master")));
    assert_eq!(count(&masters, "diplome", "licence"), count(&all, "diplome", "licence"));
    assert!(count(&all, "diplome", "licence") > 0);
    let region_total: u64 = masters["facets"]["region"]
        .as_array()
        .expect("régions")
        .iter()
        .map(|item| item["count"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(Some(region_total), masters["total"].as_u64(), "chaque master a une région");
    // Two values of one facet are alternatives; two facets must both hold.
    let either = json(&client.get("/api/formations?diplome=master&diplome=licence").await);
    assert_eq!(either["total"].as_u64(), Some(count(&all, "diplome", "master") + count(&all, "diplome", "licence")));
    let granted_masters = json(&client.get("/api/formations?diplome=master&statut=granted").await);
    assert!(granted_masters["total"].as_u64() < masters["total"].as_u64());
    assert!(
        granted_masters["results"]
            .as_array()
            .expect("résultats")
            .iter()
            .all(|hit| hit["label_status"]["code"] == "granted" && hit["diploma"]["code"] == "master")
    );

    // The page shows the same facets as checkboxes with their counts and French names.
    let page = client.get("/formations?diplome=master&region=84").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"diplome-master\" name=\"diplome\" value=\"master\" checked"), "{}", page.body);
    assert!(page.body.contains("Auvergne-Rhône-Alpes"));
    assert!(page.body.contains("id=\"region-84\" name=\"region\" value=\"84\" checked"));
    // Words are stemmed and accents folded: « series temporelles » finds « Séries temporelles ».
    let words = json(&client.get("/api/formations?q=series+temporelles").await);
    assert!(words["total"].as_u64() > Some(0));
    assert!(words["results"][0]["snippet"]["html"].as_str().expect("extrait").contains("<mark>"));
}

#[tokio::test]
async fn drafts_are_seen_only_by_their_organisation_and_reviewers() {
    let app = demo_app().await;
    let draft = demo_id(&app, "19").await;
    let programme = app.store.programme(draft).await.expect("lecture").expect("formation");
    assert_eq!(programme.label_state, LabelState::Draft);
    let organisation = app.store.organisation(programme.organisation_id).await.expect("lecture").expect("organisme");
    app.user("moi@organisme.example.fr", Role::Provider, Some(&organisation.name)).await;
    app.user("autre@ecole.example.fr", Role::Provider, Some("École B")).await;
    app.user("instructeur@exemple.fr", Role::Reviewer, None).await;
    app.user("admin@exemple.fr", Role::Admin, None).await;
    let paths = [format!("/formations/{draft}"), format!("/api/formations/{draft}")];
    for (who, expected) in [
        (None, StatusCode::NOT_FOUND),
        (Some("autre@ecole.example.fr"), StatusCode::NOT_FOUND),
        (Some("admin@exemple.fr"), StatusCode::NOT_FOUND),
        (Some("moi@organisme.example.fr"), StatusCode::OK),
        (Some("instructeur@exemple.fr"), StatusCode::OK),
    ] {
        let mut client = match who {
            Some(email) => app.signed_in(email).await,
            None => app.client(),
        };
        for path in &paths {
            let answer = client.get(path).await;
            assert_eq!(answer.status, expected, "{who:?} {path}");
        }
    }
    let mut owner = app.signed_in("moi@organisme.example.fr").await;
    assert!(owner.get(&paths[0]).await.body.contains("Brouillon."));
    // A draft is in no list, for anyone: search, API, CSV, comparison.
    let link = format!("href=\"/formations/{draft}\"");
    let mut anonymous = app.client();
    assert!(anonymous.get("/formations?par_page=100").await.body.contains("href=\"/formations/"));
    assert!(!anonymous.get("/formations?par_page=100").await.body.contains(&link));
    assert!(!owner.get("/formations?par_page=100").await.body.contains(&link));
    let listed = |answer: Answer| {
        json(&answer)["results"].as_array().expect("résultats").iter().any(|hit| hit["id"] == draft.to_string())
    };
    assert!(!listed(anonymous.get("/api/formations?par_page=100").await));
    let csv = anonymous.get("/formations.csv").await.body;
    assert!(csv.lines().count() > 1 && !csv.lines().any(|line| line.starts_with(&format!("{draft},"))));
    let public = demo_id(&app, "02").await;
    let compare = anonymous.get(&format!("/formations/comparer?ids={public},{draft}")).await;
    assert_eq!(compare.status, StatusCode::NOT_FOUND);
    assert_eq!(anonymous.get(&format!("/formations/{draft}/label.jwt")).await.status, StatusCode::NOT_FOUND);
    // Submitting makes it public, and searchable at once.
    let actor = LabelActor::system(WorkflowRole::Provider);
    catalogue::change_label(&app.state, draft, Action::Submit, &actor, None, Timestamp::now()).await.expect("dépôt");
    assert_eq!(anonymous.get(&paths[0]).await.status, StatusCode::OK);
    assert!(anonymous.get("/formations?par_page=100").await.body.contains(&link));
    assert!(listed(anonymous.get("/api/formations?par_page=100").await));
}

/// The text of the first `<script type="application/ld+json">` of a page.
fn json_ld(body: &str) -> Value {
    let start = body.find("<script type=\"application/ld+json\">").expect("JSON-LD") + 35;
    let end = start + body[start..].find("</script>").expect("fin du script");
    serde_json::from_str(&body[start..end]).unwrap_or_else(|error| panic!("JSON-LD illisible : {error}"))
}

#[tokio::test]
async fn a_programme_page_shows_its_units_chart_report_label_and_json_ld() {
    let app = demo_app().await;
    let id = demo_id(&app, "02").await;
    let mut client = app.client();
    let page = client.get(&format!("/formations/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    for expected in [
        "<h1>Master Science des données</h1>",
        "Exemple fictif.",
        "Université Exemple de Lyon — Lyon (Auvergne-Rhône-Alpes)",
        "RNCP99701",
        "<a href=\"/referentiel/DS.MST.07\"><span class=\"identifiant\">DS.MST.07</span>",
        "<span class=\"identifiant\">UE24</span> Séries temporelles",
        "role=\"img\" aria-labelledby=\"graphe-titre graphe-resume\"",
        "<caption>Volume de science des données par pilier</caption>",
        "<th scope=\"row\">C14 — Validité et mise à jour annuelle</th>",
        "label accordé",
        "valable jusqu'au 27 novembre 2029 inclus",
        "données de démonstration",
        &format!("href=\"/formations/{id}/label.jwt\""),
        "socle label verify",
    ] {
        assert!(body.contains(expected), "« {expected} » absent de la page :\n{body}");
    }
    // Each pillar share is both in the chart's text alternative and in the table.
    let view = json(&client.get(&format!("/api/formations/{id}")).await);
    let c1 = &view["report"]["criteria"][0];
    assert_eq!(c1["id"], "C1");
    for pillar in ["inf", "mst", "met"] {
        let share = registry::fr::percent(c1["figures"][format!("share_{pillar}")].as_f64().expect("part"));
        assert!(
            body.matches(&share).count() >= 3,
            "part {pillar} {share} attendue dans le résumé du graphe, le graphe et le tableau"
        );
    }
    assert_eq!(body.matches("<th scope=\"row\">C").count(), 14);

    let ld = json_ld(body);
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "EducationalOccupationalProgram");
    assert_eq!(ld["name"], "Master Science des données");
    assert_eq!(ld["url"], format!("{BASE_URL}/formations/{id}"));
    assert_eq!(ld["provider"]["name"], "Université Exemple de Lyon");
    assert_eq!(ld["educationalCredentialAwarded"], "master (niveau 7)");
    assert_eq!(ld["timeToComplete"], "P24M");
    assert_eq!(ld["identifier"]["value"], "RNCP99701");
    let teaches = ld["teaches"].as_array().expect("compétences");
    assert!(teaches.iter().any(|term| term["termCode"] == "DS.MST.07" && term["@type"] == "DefinedTerm"));
    assert_eq!(ld["hasCourse"].as_array().expect("unités").len(), 20);

    // The credential downloads, verifies with the registry's key, and is not revoked.
    let jwt = client.get(&format!("/formations/{id}/label.jwt")).await;
    assert_eq!(jwt.status, StatusCode::OK);
    assert_eq!(jwt.header("content-type"), "application/jwt");
    let key = *app.state.signing_key.public_key();
    let verification = registry::credential::verify(&jwt.body, &[key], Timestamp::now(), &|_| Revocation::NotRevoked);
    assert!(verification.valid, "{:?}", verification.checks);
    let credential = verification.credential.expect("titre");
    assert_eq!(credential["credentialSubject"]["id"], format!("{BASE_URL}/formations/{id}"));
    let status_url = credential["credentialStatus"]["id"].as_str().expect("statut").to_owned();
    let status_path = status_url.strip_prefix(BASE_URL).expect("adresse du registre");
    let status = json(&client.get(status_path).await);
    assert_eq!(status["revokedCredentials"], Value::Array(Vec::new()));
    assert_eq!(status["id"], status_url);

    // The suspended programme: no credential to download, its old one listed as revoked.
    let suspended = demo_id(&app, "24").await;
    assert_eq!(client.get(&format!("/formations/{suspended}/label.jwt")).await.status, StatusCode::NOT_FOUND);
    let old = &app.store.credentials_of_programme(suspended).await.expect("labels")[0];
    let uuid = CredentialId::from_urn(&old.id).expect("urn").to_string();
    let status = json(&client.get(&format!("/label/statut/{uuid}")).await);
    assert_eq!(status["revokedCredentials"][0]["id"], old.id);
    let page = client.get(&format!("/formations/{suspended}")).await;
    assert!(page.body.contains("a été révoqué le 28 novembre 2026"), "{}", page.body);
}

#[tokio::test]
async fn two_or_three_programmes_are_compared_and_anything_else_is_refused() {
    let app = demo_app().await;
    let (a, b, c) = (demo_id(&app, "02").await, demo_id(&app, "15").await, demo_id(&app, "28").await);
    let mut client = app.client();
    let page = client.get(&format!("/formations/comparer?ids={a},{b},{c}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for expected in [
        "Master Science des données",
        "Licence MIASHS — parcours Science des données",
        "MOOC Introduction à la science des données",
        "<th scope=\"row\">C1 — Complétude des trois piliers</th>",
        "<th scope=\"row\">Part INF",
        "sans objet",
    ] {
        assert!(page.body.contains(expected), "« {expected} » absent :\n{}", page.body);
    }
    // The results' form sends `ids` once per ticked box.
    assert_eq!(client.get(&format!("/formations/comparer?ids={a}&ids={b}")).await.status, StatusCode::OK);
    for (query, status, fragment) in [
        (format!("ids={a}"), 400, "donne 1 formation(s)"),
        (String::new(), 400, "donne 0 formation(s)"),
        (format!("ids={a},{b},{c},{a}"), 400, "deux fois"),
        (format!("ids={a},{b},{c},9999"), 400, "donne 4 formation(s)"),
        (format!("ids={a},{a}"), 400, "deux fois"),
        (format!("ids={a},999999"), 404, "« 999999 »"),
        (format!("ids={a},abc"), 404, "« abc »"),
        (format!("ids={a},{b}&tri=titre"), 400, "« tri » n&#39;existe pas"),
    ] {
        let answer = client.get(&format!("/formations/comparer?{query}")).await;
        assert_eq!(answer.status.as_u16(), status, "{query}");
        assert!(answer.body.contains(fragment), "{query} : « {fragment} » absent :\n{}", answer.body);
    }
}

#[tokio::test]
async fn every_bad_parameter_gets_a_french_400_naming_it() {
    let app = TestApp::with(common::Options { in_memory: true, ..Default::default() }).await;
    let mut client = app.client();
    let long = "a".repeat(201);
    for (query, fragment) in [
        ("niveau=9", "« niveau » vaut « 9 »"),
        ("niveau=sept", "Valeurs acceptées : 5, 6, 7, 8"),
        ("diplome=docteur", "licence, licence_pro, but, bts, master"),
        ("region=99", "84 (Auvergne-Rhône-Alpes)"),
        ("modalite=avion", "presentiel, distanciel, hybride"),
        ("statut=draft", "submitted, in_review, granted, refused, suspended, expired"),
        ("competence=DS.XXX.99", "aucune compétence du référentiel"),
        ("competence=DS.MST.07&niveau_min=N5", "N1, N2, N3, N4"),
        ("niveau_min=N3", "demande une compétence"),
        ("exemples=peut-etre", "inclus, exclus, seuls"),
        ("tri=prix", "pertinence, titre, mise-a-jour"),
        ("page=0", "un nombre entier à partir de 1"),
        ("page=abc", "un nombre entier à partir de 1"),
        ("par_page=500", "de 1 à 100"),
        ("page=100000", "la dernière page consultable est la page 501"),
        ("q=a&q=b", "« q » est donné plusieurs fois"),
        ("couleur=bleu", "« couleur » n&#39;existe pas"),
    ]
    .into_iter()
    .chain([(format!("q={long}").leak() as &str, "dépasse 200 caractères")])
    {
        let page = client.get(&format!("/formations?{query}")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(page.body.contains("Requête invalide"), "{query}");
        assert!(page.body.contains(fragment), "{query} : « {fragment} » absent :\n{}", page.body);
        let api = client.get(&format!("/api/formations?{query}")).await;
        assert_eq!(api.status, StatusCode::BAD_REQUEST, "{query}");
        let error = json(&api)["error"].as_str().expect("message").to_owned();
        assert!(error.contains(&fragment.replace("&#39;", "'")), "{query} : {error}");
    }
    // Empty fields of a submitted form are no filter.
    let empty = client.get("/formations?q=&competence=&niveau_min=&tri=&exemples=&page=").await;
    assert_eq!(empty.status, StatusCode::OK);
    for path in ["/formations/0", "/formations/-3", "/formations/abc", "/formations/1", "/api/formations/1"] {
        assert_eq!(client.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

/// A declaration whose programme has `slug` and `title` (a TOML basic string's content), from
/// the demonstration's master of Lyon.
fn declaration(slug: &str, title: &str, provider: &str) -> String {
    let (_, text) = DEMO_DECLARATIONS[1];
    text.replace("id = \"master-science-donnees-lyon\"", &format!("id = \"{slug}\""))
        .replace("title = \"Master Science des données\"", &format!("title = \"{title}\""))
        .replace("provider = \"Université Exemple de Lyon\"", &format!("provider = \"{provider}\""))
}

/// Saves a declaration for a new organisation and submits it, so that it is public.
async fn publish(app: &TestApp, text: &str) -> ProgrammeId {
    let organisation = app.organisation("Organisme hostile").await;
    let id = catalogue::save_declaration(&app.state, organisation, text, registry::Format::Toml, store::Actor::System)
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let actor = LabelActor::system(WorkflowRole::Provider);
    catalogue::change_label(&app.state, id, Action::Submit, &actor, None, Timestamp::now()).await.expect("dépôt");
    id
}

#[tokio::test]
async fn hostile_text_comes_back_escaped_everywhere() {
    let app = TestApp::with(common::Options { in_memory: true, ..Default::default() }).await;
    let title = r#"</script><script>alert(\"titre\")</script> <b onmouseover=\"x\">données</b> & ' OR 1=1 --"#;
    let raw_title = title.replace("\\\"", "\"");
    let id = publish(&app, &declaration("formation-hostile", title, "<img src=x onerror=alert(1)>")).await;
    let mut client = app.client();

    let page = client.get(&format!("/formations/{id}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(!page.body.contains("<script>alert"), "{}", page.body);
    assert!(!page.body.contains("<img src=x"));
    assert!(!page.body.contains("<b onmouseover"));
    assert!(page.body.contains("&#60;b onmouseover="), "{}", page.body);
    // Exactly one script element: the JSON-LD, which reads back to the title as declared.
    assert_eq!(page.body.matches("<script").count(), 1);
    assert_eq!(json_ld(&page.body)["name"], raw_title.as_str());
    assert_eq!(json_ld(&page.body)["provider"]["name"], "<img src=x onerror=alert(1)>");

    // In the search results (title, provider, snippet with its marks).
    let results = client.get("/formations?q=donnees+script").await;
    assert_eq!(results.status, StatusCode::OK);
    assert!(!results.body.contains("<script>alert") && !results.body.contains("<img src=x"), "{}", results.body);
    assert!(results.body.contains("&#60;img src=x onerror=alert(1)&#62;"), "{}", results.body);
    // The words searched for are escaped too, in the form and in the answer.
    for payload in ["<script>alert(1)</script>", "\"><svg onload=alert(1)>", "' OR '1'='1"] {
        let query: String = form_urlencoded::byte_serialize(payload.as_bytes()).collect();
        let answer = client.get(&format!("/formations?q={query}")).await;
        assert_eq!(answer.status, StatusCode::OK, "{payload}");
        assert!(!answer.body.contains(payload), "{payload} renvoyé tel quel");
        assert!(!answer.body.contains("<svg onload"), "{payload}");
        let bad = client.get(&format!("/formations?competence={query}")).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(!bad.body.contains("<script>alert") && !bad.body.contains("<svg onload"), "{payload}");
        let api = client.get(&format!("/api/formations?q={query}")).await;
        assert_eq!(api.status, StatusCode::OK);
    }
    // Nothing was changed by the SQL-looking words.
    assert_eq!(app.store.programmes(&ProgrammeFilter::default()).await.expect("lecture").len(), 1);
}

#[tokio::test]
async fn the_csv_lists_every_public_programme_and_cannot_carry_a_formula() {
    let app = demo_app().await;
    let formula = publish(&app, &declaration("formule", "=HYPERLINK(\\\"http://mal.example\\\")", "@SUM(A1:A9)")).await;
    let mut client = app.client();
    let answer = client.get("/formations.csv").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("content-type"), "text/csv; charset=utf-8");
    assert!(answer.header("content-disposition").contains("formations.csv"));
    let mut reader = csv::Reader::from_reader(answer.body.as_bytes());
    let headers: Vec<String> = reader.headers().expect("en-têtes").iter().map(str::to_owned).collect();
    assert_eq!(&headers[..4], ["identifiant", "intitulé", "organisme", "type de diplôme"]);
    assert!(headers.contains(&"critères non conformes".to_owned()));
    let rows: Vec<csv::StringRecord> = reader.records().map(|record| record.expect("ligne")).collect();
    assert_eq!(rows.len(), 25, "24 formations publiques de démonstration et la formation déposée");
    assert!(rows.iter().all(|row| row.len() == headers.len()));
    let by_id: BTreeMap<String, &csv::StringRecord> = rows.iter().map(|row| (row[0].to_owned(), row)).collect();
    let row = by_id[&formula.to_string()];
    assert_eq!(&row[1], "'=HYPERLINK(\"http://mal.example\")");
    assert_eq!(&row[2], "'@SUM(A1:A9)");
    let refused = by_id[&demo_id(&app, "14").await.to_string()];
    let column = |name: &str| headers.iter().position(|header| header == name).expect("colonne");
    assert_eq!(&refused[column("statut du label")], "label refusé");
    assert_eq!(&refused[column("critères non conformes")], "C5, C11");
    assert_eq!(&refused[column("exemple fictif")], "oui");
    assert_eq!(&refused[column("région")], "Provence-Alpes-Côte d'Azur");
    assert!(rows.iter().all(|row| !row[0].is_empty() && row[column("page du registre")].starts_with(BASE_URL)));
}

#[tokio::test]
async fn the_api_answers_with_results_facets_pagination_and_programmes() {
    let app = demo_app().await;
    let mut client = app.client();
    let first = json(&client.get("/api/formations?par_page=5&tri=titre").await);
    assert_eq!(first["total"], 24);
    assert_eq!(
        (first["page"].as_u64(), first["per_page"].as_u64(), first["pages"].as_u64()),
        (Some(1), Some(5), Some(5))
    );
    let results = first["results"].as_array().expect("résultats");
    assert_eq!(results.len(), 5);
    let titles: Vec<&str> = results.iter().map(|hit| hit["title"].as_str().expect("titre")).collect();
    let mut sorted = titles.clone();
    sorted.sort_by_key(|title| skills::fold(title));
    assert_eq!(titles, sorted, "tri par intitulé");
    for key in ["id", "url", "api", "title", "provider", "diploma", "label_status", "example", "snippet"] {
        assert!(results[0].get(key).is_some(), "clé {key} absente : {}", results[0]);
    }
    for facet in ["niveau", "diplome", "region", "modalite", "statut", "competence"] {
        assert!(first["facets"][facet].is_array(), "facette {facet}");
    }
    assert_eq!(first["facets"]["exemples"]["oui"], 24);
    assert_eq!(first["links"]["prev"], Value::Null);
    let next = first["links"]["next"].as_str().expect("page suivante");
    assert_eq!(next, format!("{BASE_URL}/api/formations?tri=titre&par_page=5&page=2"));
    let second = json(&client.get(next.strip_prefix(BASE_URL).expect("chemin")).await);
    assert_eq!(second["page"], 2);
    assert_ne!(second["results"][0]["id"], first["results"][0]["id"]);

    let id = demo_id(&app, "13").await;
    let programme = json(&client.get(&format!("/api/formations/{id}")).await);
    assert_eq!(programme["declaration"]["programme"]["id"], "mastere-specialise-big-data-palaiseau");
    assert_eq!(programme["report"]["criteria"].as_array().map(Vec::len), Some(14));
    assert_eq!(programme["report"]["verdict"], "eligible");
    assert_eq!(programme["label"]["status"], "granted");
    assert_eq!(programme["label"]["valid_until"], "2029-11-28T00:00:00Z");
    assert!(programme["label"]["credential"]["download"].as_str().expect("lien").ends_with("/label.jwt"));
    assert_eq!(programme["history"].as_array().map(Vec::len), Some(4), "création, dépôt, instruction, octroi");
    let missing = client.get("/api/formations/424242").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(json(&missing)["error"].as_str().expect("message").contains("424242"));
}

#[tokio::test]
async fn the_label_page_and_the_registry_key_endpoints() {
    let app = demo_app().await;
    let mut client: Client = app.client();
    let page = client.get("/label").await;
    assert_eq!(page.status, StatusCode::OK);
    for criterion in registry::CRITERIA {
        assert!(page.body.contains(&format!("{} — {}", criterion.id, criterion.title)), "{}", criterion.id);
    }
    for expected in ["entre 20 % et 50 %", "13 formations labellisées", "socle label verify", "/.well-known/jwks.json"]
    {
        assert!(page.body.contains(expected), "« {expected} » absent :\n{}", page.body);
    }
    assert!(page.body.contains("<th scope=\"row\">accorder le label</th>"), "{}", page.body);

    let key = app.state.signing_key.public_key();
    let jwks = json(&client.get("/.well-known/jwks.json").await);
    assert_eq!(jwks["keys"][0], key.jwk());
    let issuer = json(&client.get("/label/emetteur").await);
    assert_eq!(issuer["id"], key.did());
    assert_eq!(issuer["url"], BASE_URL);
    for path in ["/label/statut/pas-un-uuid", "/label/statut/3F2C0000-0000-4000-8000-000000000000"] {
        let answer = client.get(path).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert!(json(&answer)["error"].as_str().expect("message").contains("Aucun label"));
    }
    let unknown = client.get("/label/statut/3f2c0000-0000-4000-8000-000000000000").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

/// The compiled-in declarations are the files of `datasets/formations-demo/`, byte for byte.
#[test]
fn the_embedded_demonstration_set_is_the_folder() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/formations-demo");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("dossier")
        .map(|entry| entry.expect("entrée").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".toml") && name != "dataset.toml")
        .collect();
    files.sort();
    let embedded: Vec<String> = DEMO_DECLARATIONS.iter().map(|(file, _)| (*file).to_owned()).collect();
    assert_eq!(embedded, files);
    for (file, text) in DEMO_DECLARATIONS {
        assert_eq!(std::fs::read_to_string(dir.join(file)).expect("lecture"), *text, "{file}");
    }
}
