//! The router answered without a port: status, content type, French messages, escaping and
//! headers of every route that exists.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

struct Answer {
    status: StatusCode,
    content_type: String,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn get(path: &str) -> Answer {
    // The application (and its database folder) lives until the answer is read.
    let app = common::TestApp::new().await;
    get_from(app.router.clone(), path).await
}

async fn get_from(app: axum::Router, path: &str) -> Answer {
    let response = app.oneshot(Request::get(path).body(Body::empty()).expect("requête")).await.expect("réponse");
    let status = response.status();
    let headers = response.headers().clone();
    let content_type = headers.get("content-type").and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned();
    let bytes = response.into_body().collect().await.expect("corps").to_bytes();
    Answer { status, content_type, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

/// One route and what it must answer.
struct Case {
    path: &'static str,
    status: u16,
    content_type: &'static str,
    contains: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        path: "/",
        status: 200,
        content_type: "text/html",
        contains: &["<html lang=\"fr\">", "Aller au contenu", "Pas encore disponible", "href=\"/referentiel\""],
    },
    Case {
        path: "/referentiel",
        status: 200,
        content_type: "text/html",
        contains: &["DS.MST.06", "DS.PRJ.04", "46 compétence(s) affichée(s) sur 46", "<label for=\"q\">"],
    },
    Case {
        path: "/referentiel?pilier=MST",
        status: 200,
        content_type: "text/html",
        contains: &["16 compétence(s) affichée(s)", "DS.MST.16"],
    },
    Case {
        path: "/referentiel?q=r%C3%A9gression&tronc=commun",
        status: 200,
        content_type: "text/html",
        contains: &["DS.MST.06", "Effacer les filtres"],
    },
    Case { path: "/referentiel?q=REGRESSION", status: 200, content_type: "text/html", contains: &["DS.MST.06"] },
    Case {
        path: "/referentiel?q=aucunmotpareil",
        status: 200,
        content_type: "text/html",
        contains: &["0 compétence(s) affichée(s)", "Aucune compétence ne correspond"],
    },
    Case {
        path: "/referentiel?pilier=XYZ",
        status: 400,
        content_type: "text/html",
        contains: &["Le pilier « XYZ » n&#39;existe pas", "INF, MST, MET, TRV, PRJ"],
    },
    Case {
        path: "/referentiel?tronc=tout",
        status: 400,
        content_type: "text/html",
        contains: &["commun, specialisation"],
    },
    Case {
        path: "/referentiel/DS.MST.06",
        status: 200,
        content_type: "text/html",
        contains: &["Régression linéaire", "N1 — Sensibilisation", "N4 — Expertise", "DSDA02", "lang=\"en\""],
    },
    Case {
        path: "/referentiel/DS.MST.99",
        status: 404,
        content_type: "text/html",
        contains: &["Page introuvable", "La compétence « DS.MST.99 » n&#39;existe pas"],
    },
    Case {
        path: "/referentiel/export/moodle-csv",
        status: 200,
        content_type: "text/csv",
        contains: &["\"Parent ID number\""],
    },
    Case { path: "/referentiel/export/case", status: 200, content_type: "application/json", contains: &["CFDocument"] },
    Case {
        path: "/referentiel/export/pdf",
        status: 404,
        content_type: "text/html",
        contains: &["json, case, moodle-csv, openedx-csv"],
    },
    Case {
        path: "/api/referentiel",
        status: 200,
        content_type: "application/json",
        contains: &["\"version\":\"2026.1\""],
    },
    Case {
        path: "/api/referentiel/DS.MST.06",
        status: 200,
        content_type: "application/json",
        contains: &["\"id\":\"DS.MST.06\""],
    },
    Case {
        path: "/api/referentiel/DS.NOPE.01",
        status: 404,
        content_type: "application/json",
        contains: &["\"error\":\"La compétence"],
    },
    Case { path: "/healthz", status: 200, content_type: "application/json", contains: &["\"status\":\"ok\""] },
    Case { path: "/static/socle.css", status: 200, content_type: "text/css", contains: &[":focus-visible"] },
    Case { path: "/static/inexistant.js", status: 404, content_type: "text/html", contains: &["inexistant.js"] },
    Case {
        path: "/nulle/part",
        status: 404,
        content_type: "text/html",
        contains: &["Aucune page ne répond à l&#39;adresse"],
    },
];

#[tokio::test]
async fn every_route_answers_as_expected() {
    for case in CASES {
        let answer = get(case.path).await;
        assert_eq!(answer.status.as_u16(), case.status, "{} : statut", case.path);
        assert!(answer.content_type.starts_with(case.content_type), "{} : type {}", case.path, answer.content_type);
        for needle in case.contains {
            assert!(answer.body.contains(needle), "{} : « {needle} » absent de la réponse", case.path);
        }
        let csp =
            answer.headers.get("content-security-policy").and_then(|value| value.to_str().ok()).unwrap_or_default();
        assert!(csp.contains("default-src 'self'"), "{} : pas de CSP", case.path);
        assert_eq!(answer.headers.get("x-content-type-options").map(|value| value.as_bytes()), Some(&b"nosniff"[..]));
    }
}

#[tokio::test]
async fn api_serves_the_export_schema() {
    let referentiel = skills::embedded().unwrap_or_else(|err| panic!("{err}"));
    let answer = get("/api/referentiel").await;
    let served: serde_json::Value = serde_json::from_str(&answer.body).expect("JSON");
    assert_eq!(served, skills::export::json(&referentiel));
    let one: serde_json::Value = serde_json::from_str(&get("/api/referentiel/DS.MST.06").await.body).expect("JSON");
    assert_eq!(
        one,
        served["competences"]
            .as_array()
            .expect("liste")
            .iter()
            .find(|c| c["id"] == "DS.MST.06")
            .cloned()
            .expect("DS.MST.06")
    );
}

#[tokio::test]
async fn hostile_query_text_comes_back_escaped() {
    let answer = get("/referentiel?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%27").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(!answer.body.contains("<script>alert(1)"), "la recherche est renvoyée sans échappement");
    assert!(answer.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;&#34;&#39;"));
    let answer = get("/referentiel/%3Cimg%20src%3Dx%3E").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(!answer.body.contains("<img src=x>"));
}

#[tokio::test]
async fn overlong_search_is_refused_in_french() {
    let long = "a".repeat(300);
    let answer = get(&format!("/referentiel?q={long}")).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.body.contains("dépasse 200 caractères"));
}

#[tokio::test]
async fn labs_serve_only_student_versions() {
    let labs = std::env::temp_dir().join(format!("socle-web-labs-{}", std::process::id()));
    let lab = labs.join("01-essai");
    std::fs::create_dir_all(&lab).expect("dossier");
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../socle/tests/fixtures/labo-python/devoir.ipynb");
    std::fs::copy(fixture, lab.join("python.ipynb")).expect("copie");
    std::fs::write(lab.join("README.md"), "# Laboratoire d'essai\n\nOn y écrit des fonctions.\n").expect("readme");
    let test_app = common::TestApp::with(common::Options { labs_dir: Some(labs.clone()), ..Default::default() }).await;
    let app = test_app.router.clone();
    let get = |path: &'static str| {
        let app = app.clone();
        async move {
            let answer = get_from(app, path).await;
            (answer.status, answer.body)
        }
    };
    let (status, body) = get("/labs/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Laboratoire d&#39;essai") && body.contains("/labs/01-essai/"), "{body}");
    let (status, body) = get("/labs/01-essai/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("On y écrit des fonctions.") && body.contains("/labs/01-essai/python.ipynb"));
    let (status, body) = get("/labs/01-essai/python.ipynb").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("NotImplementedError"), "pas de version élève");
    for secret in ["return x * x", "HIDDEN", "0.15", "BEGIN SOLUTION"] {
        assert!(!body.contains(secret), "le notebook servi contient « {secret} »");
    }
    for path in ["/labs/99-absent/", "/labs/01-essai/README.md", "/labs/01-essai/rust.ipynb", "/labs/..%2F..%2Fetc/"] {
        let (status, _) = get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let _ = std::fs::remove_dir_all(&labs);
}
