//! Helpers for the tests of the registry's provider space and reviewer queue: declarations from
//! the demo set, uploads (multipart bodies), the declaration form's fields, and the accounts of
//! two providers and a reviewer.

// Each test binary includes this module and uses a different part of it.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use store::{ProgrammeId, Role};
use tower::ServiceExt;

use crate::common::{Answer, Client, HOST, TestApp};

pub const PROVIDER_A: &str = "a@universite-a.fr";
pub const PROVIDER_B: &str = "b@ecole-b.fr";
pub const REVIEWER: &str = "relecteur@exemple.fr";
pub const ADMIN: &str = "admin@exemple.fr";

/// An eligible demo declaration (a master).
pub const ELIGIBLE: &str = "02-master-science-donnees-lyon.toml";
/// A demo declaration that fails C3 (core coverage).
pub const NOT_ELIGIBLE: &str = "07-master-statistique-science-donnees-montpellier.toml";

/// An application with two providers, a reviewer and an administrator.
pub async fn app() -> TestApp {
    let app = TestApp::new().await;
    app.user(PROVIDER_A, Role::Provider, Some("Université A")).await;
    app.user(PROVIDER_B, Role::Provider, Some("École B")).await;
    app.user(REVIEWER, Role::Reviewer, None).await;
    app.user(ADMIN, Role::Admin, None).await;
    app
}

/// A demo declaration, dated today (so that C14 holds whatever the day the test runs) and not
/// marked as an example.
pub fn demo(file: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/formations-demo").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let today = registry::Date::today().to_string();
    text.lines()
        .map(|line| {
            if line.starts_with("updated = ") {
                format!("updated = {today}")
            } else if line.starts_with("example = ") {
                "example = false".to_owned()
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The JSON form of a demo declaration (as the registry stores it).
pub fn demo_json(file: &str) -> Value {
    let referentiel = crate::common::referentiel();
    registry::Declaration::from_toml(&demo(file), &referentiel, registry::Date::today())
        .unwrap_or_else(|error| panic!("{file}: {error}"))
        .to_json()
}

/// Posts a multipart form with one file (`fichier`) and, when given, the CSRF token.
pub async fn upload(
    app: &TestApp,
    client: &Client,
    path: &str,
    token: Option<&str>,
    filename: &str,
    content: &[u8],
) -> Answer {
    let boundary = "----frontiere-de-test-7f3a";
    let mut body: Vec<u8> = Vec::new();
    if let Some(token) = token {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("host", HOST)
        .header("content-type", format!("multipart/form-data; boundary={boundary}"));
    if !client.cookies.is_empty() {
        let line: Vec<String> = client.cookies.iter().map(|(name, value)| format!("{name}={value}")).collect();
        request = request.header("cookie", line.join("; "));
    }
    let mut request = request.body(Body::from(body)).expect("requête");
    let address: std::net::SocketAddr = format!("{}:40000", client.ip).parse().expect("adresse");
    request.extensions_mut().insert(axum::extract::ConnectInfo(address));
    let response = app.router.clone().oneshot(request).await.expect("réponse");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.expect("corps").to_bytes();
    Answer { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

/// The CSRF token `client` would find in the form posting to `action`.
pub async fn token(app: &TestApp, client: &Client, action: &str) -> String {
    app.form_token(client, action).await
}

/// The programme id a redirection after a save points to (`/espace/formations/{id}?…`).
pub fn programme_of(answer: &Answer) -> ProgrammeId {
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let location = answer.header("location");
    let id = location
        .strip_prefix("/espace/formations/")
        .and_then(|rest| rest.split('?').next())
        .unwrap_or_else(|| panic!("redirection inattendue : {location}"));
    ProgrammeId(id.parse().expect("numéro de formation"))
}

/// Uploads a declaration as a new programme of `email`'s organisation; returns its id.
pub async fn declare(app: &TestApp, client: &Client, text: &str) -> ProgrammeId {
    let token = token(app, client, "/espace/televerser").await;
    programme_of(&upload(app, client, "/espace/televerser", Some(&token), "formation.toml", text.as_bytes()).await)
}

/// Posts a form with its CSRF token.
pub async fn post_with_token(app: &TestApp, client: &mut Client, path: &str, fields: &[(&str, &str)]) -> Answer {
    let token = token(app, client, path).await;
    let mut fields = fields.to_vec();
    fields.push(("csrf", &token));
    client.post(path, &fields).await
}

/// The declaration form's fields that describe a declaration (its JSON form): the naming the
/// form uses (`programme-title`, `units-2-hours`, `units-0-competences` as `DS.INF.01 N2, …`).
pub fn form_fields(declaration: &Value) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    let mut add = |prefix: String, object: &Value| {
        for (key, value) in object.as_object().into_iter().flatten() {
            let name = format!("{prefix}-{key}");
            match value {
                Value::Bool(true) => fields.push((name, "on".to_owned())),
                Value::Bool(false) | Value::Null => {}
                Value::String(text) => fields.push((name, text.clone())),
                Value::Number(number) => fields.push((name, number.to_string())),
                Value::Array(items) if items.iter().all(Value::is_string) => {
                    for item in items {
                        fields.push((name.clone(), item.as_str().unwrap_or_default().to_owned()));
                    }
                }
                Value::Array(items) => {
                    let claims: Vec<String> = items
                        .iter()
                        .map(|claim| {
                            format!(
                                "{} {}",
                                claim["id"].as_str().unwrap_or_default(),
                                claim["level"].as_str().unwrap_or_default()
                            )
                        })
                        .collect();
                    fields.push((name, claims.join(", ")));
                }
                Value::Object(_) => panic!("champ inattendu {name}"),
            }
        }
    };
    add("programme".to_owned(), &declaration["programme"]);
    for section in ["units", "projects", "placements"] {
        for (index, item) in declaration[section].as_array().into_iter().flatten().enumerate() {
            add(format!("{section}-{index}"), item);
        }
    }
    if declaration["outcomes"].is_object() {
        add("outcomes".to_owned(), &declaration["outcomes"]);
    }
    // The form has no field for the example flag.
    fields.retain(|(name, _)| name != "programme-example");
    fields
}

/// Every programme of the store with its label state, for before/after comparisons.
pub async fn registry_fingerprint(app: &TestApp) -> String {
    let programmes = app.store.programmes(&store::ProgrammeFilter::default()).await.expect("formations");
    let mut out = String::new();
    for programme in programmes {
        let history = app.store.label_history(programme.id).await.expect("historique");
        let credentials = app.store.credentials_of_programme(programme.id).await.expect("labels");
        out.push_str(&format!("{programme:?}\n{history:?}\n{credentials:?}\n"));
    }
    out
}
