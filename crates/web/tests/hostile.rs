//! Hostile input through every form field and search parameter: script and markup injection,
//! SQL injection, Unicode direction tricks, control characters and very long strings. Whatever
//! comes back must be inert (escaped: no tag or event handler of the payload reaches the page),
//! nothing answers 500, the JSON API stays JSON, and the database keeps its tables and its rows
//! where nothing should change.
//!
//! Forms covered: the declaration form (every field), declaration uploads (values, keys and file
//! names), login, password change, account creation, withdrawal and decision reasons. Searches:
//! every parameter of `/formations`, `/formations/comparer` and `/api/formations`. Paths: the
//! programme ids of `/espace`, `/revue` and `/formations`.

mod common;
mod registry_support;

use axum::http::StatusCode;
use common::{Answer, TestApp};
use registry_support::{
    ADMIN, ELIGIBLE, PROVIDER_A, REVIEWER, app, declare, demo, demo_json, form_fields, post_with_token, token, upload,
};

/// The payloads: markup, attribute break-out, SQL, Unicode tricks, control characters.
const PAYLOADS: [&str; 8] = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "' OR 1=1 --",
    "'); DROP TABLE programmes; --",
    "\u{202E}lmth.exe\u{202C} \u{200B}\u{FEFF}é\u{0301}",
    "javascript:alert(1)",
    "a\u{0}b\u{7}c\r\nd",
    "{{ 7*7 }} ${7*7} %s %n",
];

/// A very long string (8,000 characters: four times what a form field accepts, and short enough
/// to travel in an address).
fn long_payload() -> String {
    format!("<script>alert(1)</script>{}", "é".repeat(8_000))
}

/// The tags of a page: name and attributes (name, value as written), read the way a browser
/// would (quoted values may hold `>` and spaces). Text between tags is skipped: escaped payloads
/// live there.
fn tags(body: &str) -> Vec<(String, Vec<(String, String)>)> {
    let bytes = body.as_bytes();
    let mut tags = Vec::new();
    let mut at = 0;
    while let Some(offset) = body[at..].find('<') {
        at += offset + 1;
        if matches!(bytes.get(at), Some(b'!' | b'/' | b'?')) || bytes.get(at).is_none_or(|b| !b.is_ascii_alphabetic()) {
            continue;
        }
        let name_end =
            body[at..].find(|c: char| c.is_whitespace() || c == '>' || c == '/').map_or(body.len(), |end| at + end);
        let name = body[at..name_end].to_ascii_lowercase();
        at = name_end;
        let mut attributes = Vec::new();
        loop {
            while bytes.get(at).is_some_and(|b| b.is_ascii_whitespace() || *b == b'/') {
                at += 1;
            }
            match bytes.get(at) {
                None => break,
                Some(b'>') => {
                    at += 1;
                    break;
                }
                _ => {}
            }
            let key_end =
                body[at..].find(|c: char| c.is_whitespace() || c == '=' || c == '>').map_or(body.len(), |end| at + end);
            let key = body[at..key_end].to_ascii_lowercase();
            at = key_end.max(at + 1);
            let mut value = String::new();
            if bytes.get(key_end) == Some(&b'=') {
                at = key_end + 1;
                match bytes.get(at) {
                    Some(quote @ (b'"' | b'\'')) => {
                        let close = body[at + 1..].find(*quote as char).map_or(body.len(), |end| at + 1 + end);
                        value = body[at + 1..close].to_owned();
                        at = (close + 1).min(body.len());
                    }
                    _ => {
                        let end =
                            body[at..].find(|c: char| c.is_whitespace() || c == '>').map_or(body.len(), |end| at + end);
                        value = body[at..end].to_owned();
                        at = end;
                    }
                }
            }
            attributes.push((key, value));
        }
        tags.push((name, attributes));
    }
    tags
}

/// Checks that an answer is inert: no 500; no event handler, no `javascript:` address and no
/// inline script in any tag; and the payloads' own markup nowhere unescaped.
fn assert_inert(context: &str, answer: &Answer) {
    assert!(!answer.status.is_server_error(), "{context} : {}\n{}", answer.status, answer.body);
    for raw in ["<script>alert", "<img src=x", "\"><img"] {
        assert!(!answer.body.contains(raw), "{context} : « {raw} » non échappé\n{}", answer.body);
    }
    for (name, attributes) in tags(&answer.body) {
        for (key, value) in &attributes {
            assert!(!key.starts_with("on"), "{context} : attribut {key} dans <{name}>\n{}", answer.body);
            let address = value.trim().to_ascii_lowercase();
            if matches!(key.as_str(), "href" | "src" | "action" | "formaction") {
                assert!(!address.starts_with("javascript:"), "{context} : {key}={value} dans <{name}>");
            }
        }
        if name == "script" {
            // Scripts come from the site's files; the one inline block allowed is data (JSON-LD),
            // which browsers never run (a payload breaking out of it is caught above).
            let attribute =
                |wanted: &str| attributes.iter().find(|(key, _)| key == wanted).map(|(_, value)| value.as_str());
            let from_site = attribute("src").is_some_and(|src| src.starts_with("/static/"));
            let data = attribute("type") == Some("application/ld+json");
            assert!(from_site || data, "{context} : script en ligne\n{}", answer.body);
        }
    }
}

#[test]
fn the_checker_catches_what_a_browser_would_run() {
    let answer = |body: &str| Answer { status: StatusCode::OK, headers: Default::default(), body: body.to_owned() };
    let caught = |body: &str| std::panic::catch_unwind(|| assert_inert("essai", &answer(body))).is_err();
    assert!(caught("<p>x</p><img src=x onerror=alert(1)>"));
    assert!(caught("<input value=\"\"><img src=y onerror=alert(1)>\">"));
    assert!(caught("<a href=\" JavaScript:alert(1)\">x</a>"));
    assert!(caught("<script>alert(1)</script>"));
    assert!(caught("<div onmouseover='x'>"));
    assert!(caught("<script type=\"application/ld+json\">{\"a\":\"</script><script>alert(1)</script>\"}</script>"));
    assert!(!caught("<script type=\"application/ld+json\">{\"a\":\"\\u003cscript\\u003e\"}</script>"));
    assert!(!caught("<input value=\"&#34;&#62;&#60;img src=x onerror=alert(1)&#62;\"><p>&#60;script&#62;</p>"));
    assert!(!caught("<script src=\"/static/filtre.js\" defer></script><a href=\"/x?a=1&amp;b=2\">y</a>"));
}

/// Checks a JSON answer: valid JSON, not a server error.
fn assert_json(context: &str, answer: &Answer) {
    assert!(!answer.status.is_server_error(), "{context} : {}", answer.status);
    assert!(
        answer.header("content-type").starts_with("application/json"),
        "{context} : {}",
        answer.header("content-type")
    );
    serde_json::from_str::<serde_json::Value>(&answer.body).unwrap_or_else(|error| panic!("{context} : {error}"));
}

/// Row counts of every table the store exposes; failing reads mean a table is gone.
async fn counts(app: &TestApp) -> (usize, usize, usize, usize, usize) {
    let users = app.store.users().await.expect("table des comptes").len();
    let organisations = app.store.organisations().await.expect("table des organismes").len();
    let programmes = app.store.programmes(&store::ProgrammeFilter::default()).await.expect("table des formations");
    let mut history = 0;
    let mut credentials = 0;
    for programme in &programmes {
        history += app.store.label_history(programme.id).await.expect("table de l'historique").len();
        credentials += app.store.credentials_of_programme(programme.id).await.expect("table des labels").len();
    }
    (users, organisations, programmes.len(), history, credentials)
}

/// A small declaration: the first two units, one project, one placement of the eligible demo.
fn small_declaration() -> serde_json::Value {
    let mut declaration = demo_json(ELIGIBLE);
    for (section, keep) in [("units", 2), ("projects", 1), ("placements", 1)] {
        if let Some(items) = declaration[section].as_array_mut() {
            items.truncate(keep);
        }
    }
    declaration
}

#[tokio::test]
async fn every_declaration_form_field_sends_hostile_text_back_escaped() {
    let app = app().await;
    let mut client = app.signed_in(PROVIDER_A).await;
    let id = declare(&app, &client, &demo(ELIGIBLE)).await;
    let path = format!("/espace/formations/{id}/modifier");
    let base = form_fields(&small_declaration());
    let mut names: Vec<String> = base.iter().map(|(name, _)| name.clone()).collect();
    names.dedup();
    let long = long_payload();
    let mut saved = 0;
    for name in &names {
        for payload in PAYLOADS.iter().copied().chain([long.as_str()]) {
            let mut fields: Vec<(&str, &str)> = base
                .iter()
                .filter(|(field, _)| field != name)
                .map(|(field, value)| (field.as_str(), value.as_str()))
                .collect();
            fields.push((name.as_str(), payload));
            fields.push(("action", "enregistrer"));
            let answer = post_with_token(&app, &mut client, &path, &fields).await;
            let context = format!("{name} = {payload:.40?}");
            assert_inert(&context, &answer);
            if answer.status == StatusCode::SEE_OTHER {
                saved += 1;
                for page in [format!("/espace/formations/{id}"), "/espace".to_owned(), path.clone()] {
                    assert_inert(&format!("{context}, puis {page}"), &client.get(&page).await);
                }
                // The TOML download reads back to what was saved: no injection into the file.
                let toml = client.get(&format!("/espace/formations/{id}/declaration.toml")).await;
                let referentiel = common::referentiel();
                let stored = app.store.programme(id).await.expect("lecture").expect("formation");
                let read = registry::Declaration::from_toml(&toml.body, &referentiel, registry::Date::today())
                    .unwrap_or_else(|error| panic!("{context} : {error}\n{}", toml.body));
                assert_eq!(read.to_json().to_string(), stored.declaration, "{context}");
            } else {
                assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{context}");
            }
        }
    }
    assert!(saved > 0, "some payloads are acceptable text (titles, cities…) and were saved");
    assert_eq!(counts(&app).await.2, 1, "one programme, still there");
}

#[tokio::test]
async fn uploaded_files_with_hostile_values_keys_and_names_come_back_escaped() {
    let app = app().await;
    let mut client = app.signed_in(PROVIDER_A).await;
    let create = token(&app, &client, "/espace/televerser").await;
    let long = long_payload();
    for (index, payload) in PAYLOADS.iter().copied().chain([long.as_str()]).enumerate() {
        let quoted = serde_json::Value::from(payload).to_string();
        // Values: accepted as text in titles, refused with an echo in codes and addresses.
        let mut declaration = small_declaration();
        declaration["programme"]["id"] = format!("hostile-{index}").into();
        declaration["programme"]["title"] = payload.into();
        declaration["programme"]["city"] = payload.into();
        declaration["units"][0]["title"] = payload.into();
        declaration["projects"][0]["partner"] = payload.into();
        let accepted =
            upload(&app, &client, "/espace/televerser", Some(&create), "a.json", declaration.to_string().as_bytes())
                .await;
        assert_inert(&format!("valeurs {payload:.40?}"), &accepted);
        if accepted.status == StatusCode::SEE_OTHER {
            let page = accepted.header("location").to_owned();
            assert_inert(&format!("page après {payload:.40?}"), &client.get(&page).await);
            assert_inert("liste", &client.get("/espace").await);
        }
        declaration["programme"]["rncp"] = payload.into();
        declaration["programme"]["public_url"] = payload.into();
        declaration["units"][0]["competences"][0]["id"] = payload.into();
        declaration["units"][0]["kind"] = payload.into();
        let refused =
            upload(&app, &client, "/espace/televerser", Some(&create), "b.json", declaration.to_string().as_bytes())
                .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{payload:.40?}");
        assert!(refused.body.contains("détaillés plus bas"), "{payload:.40?}: the problems are listed");
        assert_inert(&format!("codes {payload:.40?}"), &refused);
        // Keys and file names are echoed in messages too.
        let toml = format!("{quoted} = 1\n[programme]\n{quoted} = {quoted}\n");
        let keys = upload(&app, &client, "/espace/televerser", Some(&create), "c.toml", toml.as_bytes()).await;
        assert_inert(&format!("clés {payload:.40?}"), &keys);
        let name = format!("{}.toml", payload.replace(['"', '\r', '\n', '\u{0}'], ""));
        let named = upload(&app, &client, "/espace/televerser", Some(&create), &name, b"[programme\n").await;
        assert_inert(&format!("nom de fichier {payload:.40?}"), &named);
    }
    let answer = client.get("/espace").await;
    assert_inert("liste finale", &answer);
}

#[tokio::test]
async fn reasons_and_paths_with_hostile_text_come_back_escaped() {
    let app = app().await;
    let mut provider = app.signed_in(PROVIDER_A).await;
    let mut reviewer = app.signed_in(REVIEWER).await;
    let long = long_payload();
    for (index, payload) in PAYLOADS.iter().copied().chain([long.as_str()]).enumerate() {
        let text = demo(ELIGIBLE).replace("master-science-donnees-lyon", &format!("master-{index}"));
        let id = declare(&app, &provider, &text).await;
        post_with_token(&app, &mut provider, &format!("/espace/formations/{id}/soumettre"), &[]).await;
        // Withdrawal reason, then submit again.
        let withdrawn =
            post_with_token(&app, &mut provider, &format!("/espace/formations/{id}/retirer"), &[("motif", payload)])
                .await;
        assert_inert(&format!("retrait {payload:.40?}"), &withdrawn);
        post_with_token(&app, &mut provider, &format!("/espace/formations/{id}/soumettre"), &[]).await;
        let decision = format!("/revue/formations/{id}/decision");
        post_with_token(&app, &mut reviewer, &decision, &[("action", "take_in_review")]).await;
        // A hostile action name is refused without echo; a hostile reason is recorded and escaped.
        let odd = post_with_token(&app, &mut reviewer, &decision, &[("action", payload), ("motif", payload)]).await;
        assert_inert(&format!("action {payload:.40?}"), &odd);
        let refused =
            post_with_token(&app, &mut reviewer, &decision, &[("action", "refuse"), ("motif", payload)]).await;
        assert_inert(&format!("refus {payload:.40?}"), &refused);
        assert_inert("page de revue", &reviewer.get(&format!("/revue/formations/{id}")).await);
        assert_inert("file", &reviewer.get("/revue").await);
        assert_inert("page de l'organisme", &provider.get(&format!("/espace/formations/{id}")).await);
    }
    let encoded: Vec<String> =
        PAYLOADS.iter().map(|payload| form_urlencoded::byte_serialize(payload.as_bytes()).collect()).collect();
    for payload in &encoded {
        for path in [
            format!("/espace/formations/{payload}"),
            format!("/espace/formations/{payload}/modifier"),
            format!("/revue/formations/{payload}"),
            format!("/formations/{payload}"),
        ] {
            let answer = if path.starts_with("/revue") { reviewer.get(&path).await } else { provider.get(&path).await };
            assert_inert(&path, &answer);
            assert!(answer.status.is_client_error(), "{path} : {}", answer.status);
        }
    }
}

#[tokio::test]
async fn login_password_and_account_forms_send_hostile_text_back_escaped() {
    let app = app().await;
    let before = counts(&app).await;
    let long = long_payload();
    for (index, payload) in PAYLOADS.iter().copied().chain([long.as_str()]).enumerate() {
        let mut visitor = app.client();
        // A different address each time: the login rate limit counts failures per IP address.
        visitor.ip = format!("192.0.2.{}", 100 + index);
        let encoded: String = form_urlencoded::byte_serialize(payload.as_bytes()).collect();
        let page = visitor.get(&format!("/connexion?suite={encoded}")).await;
        assert_inert(&format!("suite {payload:.40?}"), &page);
        let token = page.csrf_for("/connexion");
        for fields in [
            [("email", payload), ("mot-de-passe", payload), ("suite", "/")],
            [("email", PROVIDER_A), ("mot-de-passe", payload), ("suite", payload)],
        ] {
            let mut fields = fields.to_vec();
            fields.push(("csrf", &token));
            let answer = visitor.post("/connexion", &fields).await;
            assert_inert(&format!("connexion {payload:.40?}"), &answer);
            assert_ne!(answer.status, StatusCode::SEE_OTHER, "no login with a payload");
        }
    }
    assert_eq!(counts(&app).await, before, "login changes no account");

    let mut admin = app.signed_in(ADMIN).await;
    for payload in PAYLOADS.iter().copied().chain([long.as_str()]) {
        for (field, value) in
            [("email", payload), ("role", payload), ("mot-de-passe", payload), ("confirmation", payload)]
        {
            let mut fields = vec![
                ("email", "nouveau@exemple.fr"),
                ("role", "provider"),
                ("organisme", "Organisme sûr"),
                ("mot-de-passe", "mot de passe provisoire"),
                ("confirmation", "mot de passe provisoire"),
            ];
            fields.retain(|(name, _)| *name != field);
            fields.push((field, value));
            let answer = post_with_token(&app, &mut admin, "/admin/utilisateurs", &fields).await;
            assert_inert(&format!("compte {field} {payload:.40?}"), &answer);
            assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{field} {payload:.40?}");
        }
        let answer = post_with_token(
            &app,
            &mut admin,
            "/compte/mot-de-passe",
            &[("actuel", payload), ("nouveau", payload), ("confirmation", payload)],
        )
        .await;
        assert_inert(&format!("mot de passe {payload:.40?}"), &answer);
    }
    assert_eq!(counts(&app).await, before, "refused forms change nothing");
    // An organisation named with a payload is text: created, and shown escaped.
    let named = post_with_token(
        &app,
        &mut admin,
        "/admin/utilisateurs",
        &[
            ("email", "piege@exemple.fr"),
            ("role", "provider"),
            ("organisme", PAYLOADS[1]),
            ("mot-de-passe", "mot de passe provisoire"),
            ("confirmation", "mot de passe provisoire"),
        ],
    )
    .await;
    assert_inert("organisme piégé", &named);
    assert_inert("liste des comptes", &admin.get("/admin/utilisateurs").await);
    let after = counts(&app).await;
    assert_eq!((after.0, after.1), (before.0 + 1, before.1 + 1));
}

#[tokio::test]
async fn every_search_parameter_sends_hostile_text_back_escaped() {
    let app = app().await;
    let provider = app.signed_in(PROVIDER_A).await;
    let mut provider = provider;
    let id = declare(&app, &provider, &demo(ELIGIBLE)).await;
    post_with_token(&app, &mut provider, &format!("/espace/formations/{id}/soumettre"), &[]).await;
    // A public programme whose texts are payloads, so that results and their extracts quote them.
    let mut hostile = small_declaration();
    hostile["programme"]["id"] = "piegee".into();
    hostile["programme"]["title"] = format!("Données {} {}", PAYLOADS[0], PAYLOADS[1]).into();
    hostile["programme"]["city"] = PAYLOADS[1].into();
    hostile["programme"]["provider"] = PAYLOADS[3].into();
    // A spreadsheet formula: the CSV export must not hand it to a spreadsheet as one.
    hostile["programme"]["city"] = "=HYPERLINK(\"http://exemple.invalid\",\"clic\")".into();
    hostile["units"][0]["title"] = format!("Statistique {} {}", PAYLOADS[0], PAYLOADS[1]).into();
    let create = token(&app, &provider, "/espace/televerser").await;
    let saved =
        upload(&app, &provider, "/espace/televerser", Some(&create), "p.json", hostile.to_string().as_bytes()).await;
    let trapped = registry_support::programme_of(&saved);
    post_with_token(&app, &mut provider, &format!("/espace/formations/{trapped}/soumettre"), &[]).await;
    let before = counts(&app).await;
    let mut visitor = app.client();
    // The public page exists: the search answers.
    let plain = visitor.get("/formations?q=donn%C3%A9es").await;
    assert_eq!(plain.status, StatusCode::OK, "/formations");
    assert!(plain.body.contains("Master Science des données"), "the submitted programme is public");
    for query in ["donn%C3%A9es", "statistique", "script", "img", "onerror", "alert", "drop", "programmes"] {
        let page = visitor.get(&format!("/formations?q={query}")).await;
        assert_inert(&format!("/formations?q={query}"), &page);
        assert_json(&format!("/api/formations?q={query}"), &visitor.get(&format!("/api/formations?q={query}")).await);
    }
    let found = visitor.get("/formations?q=statistique").await;
    assert!(found.body.contains(&format!("/formations/{trapped}")), "the trapped programme is found");
    for page in [format!("/formations/{trapped}"), format!("/formations/comparer?ids={id},{trapped}")] {
        let answer = visitor.get(&page).await;
        assert_eq!(answer.status, StatusCode::OK, "{page}");
        assert_inert(&page, &answer);
    }
    // The CSV export is text for spreadsheets, never read as a page: no cell may start a formula.
    let csv = visitor.get("/formations.csv").await;
    assert!(csv.header("content-type").starts_with("text/csv"), "{}", csv.header("content-type"));
    assert_eq!(csv.header("x-content-type-options"), "nosniff");
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let mut rows = 0;
    let mut formula_seen = false;
    for record in reader.records() {
        let record = record.expect("ligne CSV");
        rows += 1;
        formula_seen |= record.iter().any(|cell| cell.contains("HYPERLINK(\"http://exemple.invalid\""));
        for cell in &record {
            assert!(!cell.starts_with(['=', '+', '@']), "cellule CSV interprétable comme une formule : {cell}");
        }
    }
    assert_eq!(rows, 2, "the two public programmes");
    assert!(formula_seen, "the city is exported, as text");
    assert_json("fiche JSON", &visitor.get(&format!("/api/formations/{trapped}")).await);
    let parameters = [
        "q",
        "niveau",
        "diplome",
        "region",
        "modalite",
        "statut",
        "competence",
        "niveau_min",
        "exemples",
        "tri",
        "page",
        "par_page",
    ];
    let long = long_payload();
    for payload in PAYLOADS.iter().copied().chain([long.as_str()]) {
        let encoded: String = form_urlencoded::byte_serialize(payload.as_bytes()).collect();
        for parameter in parameters {
            let page = visitor.get(&format!("/formations?{parameter}={encoded}")).await;
            assert_inert(&format!("/formations {parameter} {payload:.40?}"), &page);
            let api = visitor.get(&format!("/api/formations?{parameter}={encoded}")).await;
            assert_json(&format!("/api/formations {parameter} {payload:.40?}"), &api);
        }
        let compare = visitor.get(&format!("/formations/comparer?ids={encoded}")).await;
        assert_inert(&format!("/formations/comparer {payload:.40?}"), &compare);
        let api = visitor.get(&format!("/api/formations/{encoded}")).await;
        assert!(!api.status.is_server_error(), "/api/formations/{payload:.40?}");
    }
    assert_eq!(counts(&app).await, before, "a search changes nothing");
    let after = visitor.get("/formations?q=donn%C3%A9es").await;
    assert!(after.body.contains("Master Science des données"), "the table of programmes is still there");
}
