//! The authorisation matrix: every route × method × kind of visitor, with the answer each must
//! get, walked automatically. Each cell runs on a fresh database, and a state-changing request
//! that is refused must leave accounts and organisations as they were. (The database is in
//! memory: the other tests use files.)
//!
//! A new route adds its rows to [`MATRIX`]; a new kind of visitor adds a column to [`WHO`].

mod common;

use std::path::PathBuf;

use axum::http::{Method, StatusCode};
use common::{Answer, Client, PASSWORD, TestApp};
use store::{NewSession, Role};

/// The visitors, in the order of the columns of [`MATRIX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonyme,
    FournisseurA,
    FournisseurB,
    Relecteur,
    Admin,
}

const WHO: [Who; 5] = [Who::Anonyme, Who::FournisseurA, Who::FournisseurB, Who::Relecteur, Who::Admin];

impl Who {
    fn email(self) -> Option<&'static str> {
        match self {
            Who::Anonyme => None,
            Who::FournisseurA => Some("a@universite-a.fr"),
            Who::FournisseurB => Some("b@ecole-b.fr"),
            Who::Relecteur => Some("relecteur@exemple.fr"),
            Who::Admin => Some("admin@exemple.fr"),
        }
    }
}

/// What a cell must answer.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// This status.
    Status(u16),
    /// 303 to the login page, which comes back to the page asked for.
    Login,
}

use Expect::{Login, Status};

const OK: Expect = Status(200);
const SEE_OTHER: Expect = Status(303);
const PERMANENT: Expect = Status(308);
const FORBIDDEN: Expect = Status(403);

/// Whether the request carries the CSRF token of its form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// None at all.
    Without,
    /// The visitor's own valid token (an anonymous visitor has one for the login form only).
    Valid,
}

/// One row: a request, and what each visitor of [`WHO`] gets.
struct Row {
    method: &'static str,
    /// The path; `{b}` stands for the id of provider B's account, `{pa}` and `{ps}` for provider
    /// A's draft and submitted programmes.
    path: &'static str,
    /// The form's fields (without the token).
    form: &'static [(&'static str, &'static str)],
    token: Token,
    expect: [Expect; 5],
}

const fn get(path: &'static str, expect: [Expect; 5]) -> Row {
    Row { method: "GET", path, form: &[], token: Token::Without, expect }
}

const fn post(
    path: &'static str,
    form: &'static [(&'static str, &'static str)],
    token: Token,
    expect: [Expect; 5],
) -> Row {
    Row { method: "POST", path, form, token, expect }
}

const EVERYONE: [Expect; 5] = [OK; 5];
const SIGNED_IN: [Expect; 5] = [Login, OK, OK, OK, OK];
const ADMIN_PAGE: [Expect; 5] = [Login, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK];
const NOBODY: [Expect; 5] = [FORBIDDEN; 5];
const ADMIN_ACTION: [Expect; 5] = [FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, SEE_OTHER];
const NOT_FOUND: Expect = Status(404);
const BAD_REQUEST: Expect = Status(400);
const PROVIDER_PAGE: [Expect; 5] = [Login, OK, OK, FORBIDDEN, FORBIDDEN];
const PROGRAMME_OF_A: [Expect; 5] = [Login, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN];
const REVIEWER_PAGE: [Expect; 5] = [Login, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN];
const OWN_FORM: [Expect; 5] = [FORBIDDEN, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN];
const OWN_MOVE: [Expect; 5] = [FORBIDDEN, SEE_OTHER, NOT_FOUND, FORBIDDEN, FORBIDDEN];
const OWN_REFUSED: [Expect; 5] = [FORBIDDEN, BAD_REQUEST, NOT_FOUND, FORBIDDEN, FORBIDDEN];
const REVIEWER_ACTION: [Expect; 5] = [FORBIDDEN, FORBIDDEN, FORBIDDEN, SEE_OTHER, FORBIDDEN];
const REVIEWER_REFUSED: [Expect; 5] = [FORBIDDEN, FORBIDDEN, FORBIDDEN, Status(422), FORBIDDEN];
const REVIEWER_NOT_FOUND: [Expect; 5] = [FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN];
const ADD_ROW: &[(&str, &str)] = &[("programme-title", "Essai"), ("action", "ajouter-units")];
const REFUSE_WITHOUT_REASON: &[(&str, &str)] = &[("action", "refuse"), ("motif", "")];
const TAKE_IN_REVIEW: &[(&str, &str)] = &[("action", "take_in_review"), ("motif", "")];

const LOGIN_FORM: &[(&str, &str)] = &[("email", "admin@exemple.fr"), ("mot-de-passe", PASSWORD)];
const PASSWORD_FORM: &[(&str, &str)] =
    &[("actuel", PASSWORD), ("nouveau", "un nouveau mot de passe"), ("confirmation", "un nouveau mot de passe")];
const CREATE_FORM: &[(&str, &str)] = &[
    ("email", "nouveau@exemple.fr"),
    ("role", "provider"),
    ("organisme", "Université A"),
    ("mot-de-passe", "mot de passe provisoire"),
    ("confirmation", "mot de passe provisoire"),
];

/// Every route that exists, with every kind of request that matters.
const MATRIX: &[Row] = &[
    // The public registry: every public programme for everyone; a draft only for its
    // organisation's accounts and reviewers (anyone else gets the same 404 as for nothing).
    get("/formations", EVERYONE),
    get("/formations?competence=DS.MST.07&niveau_min=N3&diplome=court", EVERYONE),
    get("/formations?niveau=9", [BAD_REQUEST; 5]),
    get("/formations/{ps}", EVERYONE),
    get("/formations/{pa}", [NOT_FOUND, OK, NOT_FOUND, OK, NOT_FOUND]),
    get("/formations/999999", [NOT_FOUND; 5]),
    get("/formations/{ps}/label.jwt", [NOT_FOUND; 5]),
    get("/formations/comparer?ids={ps},{pa}", [NOT_FOUND, OK, NOT_FOUND, OK, NOT_FOUND]),
    get("/formations/comparer?ids={ps}", [BAD_REQUEST; 5]),
    get("/formations.csv", EVERYONE),
    get("/api/formations", EVERYONE),
    get("/api/formations?statut=draft", [BAD_REQUEST; 5]),
    get("/api/formations/{ps}", EVERYONE),
    get("/api/formations/{pa}", [NOT_FOUND, OK, NOT_FOUND, OK, NOT_FOUND]),
    get("/label", EVERYONE),
    get("/label/emetteur", EVERYONE),
    get("/label/statut/3f2c0000-0000-4000-8000-000000000000", [NOT_FOUND; 5]),
    get("/.well-known/jwks.json", EVERYONE),
    post("/formations", &[], Token::Without, NOBODY),
    post("/formations", &[], Token::Valid, [FORBIDDEN, Status(405), Status(405), Status(405), Status(405)]),
    post("/api/formations/{ps}", &[], Token::Valid, [FORBIDDEN, Status(405), Status(405), Status(405), Status(405)]),
    // Public pages: the same for everyone.
    get("/", EVERYONE),
    get("/referentiel", EVERYONE),
    get("/referentiel?pilier=MST", EVERYONE),
    get("/referentiel/DS.MST.06", EVERYONE),
    get("/referentiel/export/json", EVERYONE),
    get("/referentiel/export/moodle-csv", EVERYONE),
    get("/api/referentiel", EVERYONE),
    get("/api/referentiel/DS.MST.06", EVERYONE),
    get("/healthz", EVERYONE),
    // The observatory is public: pages, exports and API answer everyone alike; writes do not exist.
    get("/observatoire", EVERYONE),
    get("/observatoire/emplois?region=84", EVERYONE),
    get("/observatoire/financements", EVERYONE),
    get("/observatoire/projets", EVERYONE),
    get("/observatoire/competences", EVERYONE),
    get("/observatoire/recherche?q=donnees", EVERYONE),
    get("/observatoire/recherche?region=99", [BAD_REQUEST; 5]),
    get("/observatoire/recherche.csv", EVERYONE),
    get("/observatoire/recherche.json", EVERYONE),
    get("/observatoire/recherche.ndjson", EVERYONE),
    get("/observatoire/recherche.parquet", EVERYONE),
    get("/observatoire/methode", EVERYONE),
    get("/observatoire/indicateurs/offres-par-mois.csv", EVERYONE),
    get("/observatoire/indicateurs/inconnu.csv", [NOT_FOUND; 5]),
    get("/api/observatoire", EVERYONE),
    get("/api/observatoire/openapi.json", EVERYONE),
    get("/api/observatoire/chiffres-cles", EVERYONE),
    get("/api/observatoire/recherche", EVERYONE),
    get("/api/observatoire/indicateurs/offres-par-mois", EVERYONE),
    post("/observatoire/recherche", &[], Token::Valid, [FORBIDDEN, Status(405), Status(405), Status(405), Status(405)]),
    get("/static/socle.css", EVERYONE),
    get("/static/filtre.js", EVERYONE),
    get("/cours", [PERMANENT; 5]),
    get("/cours/", EVERYONE),
    get("/labs", [PERMANENT; 5]),
    get("/labs/", EVERYONE),
    get("/labs/01-essai/", EVERYONE),
    get("/labs/01-essai/python.ipynb", EVERYONE),
    get("/connexion", EVERYONE),
    get("/nulle/part", [Status(404); 5]),
    // The signed-in user's own page.
    get("/compte", SIGNED_IN),
    get("/compte?mot_de_passe=change", SIGNED_IN),
    // Administration.
    get("/admin/utilisateurs", ADMIN_PAGE),
    get("/admin/utilisateurs?cree=1", ADMIN_PAGE),
    // Forms without their token: refused for everyone, before any handler runs. Logging out
    // without a session is the one harmless exception.
    post("/connexion", LOGIN_FORM, Token::Without, NOBODY),
    post("/deconnexion", &[], Token::Without, [SEE_OTHER, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN]),
    post("/compte/mot-de-passe", PASSWORD_FORM, Token::Without, NOBODY),
    post("/admin/utilisateurs", CREATE_FORM, Token::Without, NOBODY),
    post("/admin/utilisateurs/{b}/desactiver", &[], Token::Without, NOBODY),
    post("/admin/utilisateurs/{b}/reactiver", &[], Token::Without, NOBODY),
    post("/referentiel", &[], Token::Without, NOBODY),
    // Forms with their token: each one's own rule.
    post("/connexion", LOGIN_FORM, Token::Valid, [SEE_OTHER; 5]),
    post("/deconnexion", &[], Token::Valid, [SEE_OTHER; 5]),
    post("/compte/mot-de-passe", PASSWORD_FORM, Token::Valid, [FORBIDDEN, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER]),
    post("/admin/utilisateurs", CREATE_FORM, Token::Valid, ADMIN_ACTION),
    post("/admin/utilisateurs/{b}/desactiver", &[], Token::Valid, ADMIN_ACTION),
    post("/admin/utilisateurs/{b}/reactiver", &[], Token::Valid, ADMIN_ACTION),
    // A route that only reads: a form posted to it is no route at all.
    post("/referentiel", &[], Token::Valid, [FORBIDDEN, Status(405), Status(405), Status(405), Status(405)]),
    // The provider space: providers only; another organisation's programme answers the same 404
    // as a programme that does not exist. `{pa}` is provider A's draft, `{ps}` its submitted one.
    get("/espace", PROVIDER_PAGE),
    get("/espace/nouvelle", PROVIDER_PAGE),
    get("/espace/televerser", PROVIDER_PAGE),
    get("/espace/formations/{pa}", PROGRAMME_OF_A),
    get("/espace/formations/{pa}?enregistre=fichier", PROGRAMME_OF_A),
    get("/espace/formations/{pa}/modifier", PROGRAMME_OF_A),
    get("/espace/formations/{pa}/declaration.toml", PROGRAMME_OF_A),
    get("/espace/formations/{pa}/soumettre", PROGRAMME_OF_A),
    get("/espace/formations/{ps}/retirer", PROGRAMME_OF_A),
    get("/espace/formations/999999", [Login, NOT_FOUND, NOT_FOUND, FORBIDDEN, FORBIDDEN]),
    get("/espace/formations/x'%20OR%201=1", [Login, NOT_FOUND, NOT_FOUND, FORBIDDEN, FORBIDDEN]),
    post("/espace/nouvelle", ADD_ROW, Token::Without, NOBODY),
    post("/espace/televerser", &[], Token::Without, NOBODY),
    post("/espace/formations/{pa}/modifier", ADD_ROW, Token::Without, NOBODY),
    post("/espace/formations/{pa}/televerser", &[], Token::Without, NOBODY),
    post("/espace/formations/{pa}/soumettre", &[], Token::Without, NOBODY),
    post("/espace/formations/{ps}/retirer", &[], Token::Without, NOBODY),
    post("/espace/formations/{ps}/rouvrir", &[], Token::Without, NOBODY),
    post("/espace/nouvelle", ADD_ROW, Token::Valid, [FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN]),
    // An upload must be multipart: a URL-encoded body is read as no file at all.
    post("/espace/televerser", &[], Token::Valid, [FORBIDDEN, BAD_REQUEST, BAD_REQUEST, FORBIDDEN, FORBIDDEN]),
    post("/espace/formations/{pa}/modifier", ADD_ROW, Token::Valid, OWN_FORM),
    post("/espace/formations/{pa}/televerser", &[], Token::Valid, OWN_REFUSED),
    post("/espace/formations/{pa}/soumettre", &[], Token::Valid, OWN_MOVE),
    post("/espace/formations/{ps}/retirer", &[], Token::Valid, OWN_MOVE),
    // Reopening is for refused or expired applications: a submitted one says so.
    post("/espace/formations/{ps}/rouvrir", &[], Token::Valid, OWN_REFUSED),
    // The reviewers' queue: reviewers only, and they decide; drafts are not shown to them.
    get("/revue", REVIEWER_PAGE),
    get("/revue?fait=return_for_changes", REVIEWER_PAGE),
    get("/revue/formations/{ps}", REVIEWER_PAGE),
    get("/revue/formations/{ps}/declaration.toml", REVIEWER_PAGE),
    get("/revue/formations/{pa}", [Login, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN]),
    post("/revue/formations/{ps}/decision", TAKE_IN_REVIEW, Token::Without, NOBODY),
    post("/revue/formations/{ps}/decision", TAKE_IN_REVIEW, Token::Valid, REVIEWER_ACTION),
    // A refusal needs a reason: the form comes back with its message and nothing changes.
    post("/revue/formations/{ps}/decision", REFUSE_WITHOUT_REASON, Token::Valid, REVIEWER_REFUSED),
    post("/revue/formations/{pa}/decision", TAKE_IN_REVIEW, Token::Valid, REVIEWER_NOT_FOUND),
];

/// A folder with one lab and a built book, shared by every cell (read only).
struct Fixtures {
    labs: common::TempDir,
    book: common::TempDir,
}

fn fixtures() -> Fixtures {
    let labs = common::TempDir::new("labs");
    let lab = labs.0.join("01-essai");
    std::fs::create_dir_all(&lab).expect("dossier");
    let notebook = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../socle/tests/fixtures/labo-python/devoir.ipynb");
    std::fs::copy(notebook, lab.join("python.ipynb")).expect("copie");
    std::fs::write(lab.join("README.md"), "# Laboratoire d'essai\n").expect("readme");
    let book = common::TempDir::new("livre");
    std::fs::write(book.0.join("index.html"), "<!DOCTYPE html><html lang=\"fr\"><title>Cours</title></html>")
        .expect("livre");
    Fixtures { labs, book }
}

/// What a refused request must not change: every account and organisation, every programme
/// with its label history and credentials.
async fn fingerprint(app: &TestApp) -> String {
    let users = app.store.users().await.expect("comptes");
    let organisations = app.store.organisations().await.expect("organismes");
    let mut out = format!("{users:?}\n{organisations:?}");
    for programme in app.store.programmes(&store::ProgrammeFilter::default()).await.expect("formations") {
        let history = app.store.label_history(programme.id).await.expect("historique");
        let credentials = app.store.credentials_of_programme(programme.id).await.expect("labels");
        out.push_str(&format!("\n{programme:?}\n{history:?}\n{credentials:?}"));
    }
    out
}

/// A small valid declaration of provider A (a short remote course), dated today.
fn declaration_of_a(slug: &str) -> String {
    format!(
        "[programme]\nid = \"{slug}\"\ntitle = \"Formation courte {slug}\"\nprovider = \"Université A\"\n\
         diploma = \"court\"\nmodality = [\"distanciel\"]\nlanguage = \"fr\"\ntotal_hours = 40\nupdated = {}\n\n\
         [[units]]\ncode = \"U1\"\ntitle = \"Introduction\"\nhours = 40\nkind = \"core\"\n\
         competences = [{{ id = \"DS.INF.01\", level = \"N2\" }}]\nassessments = [\"exam\"]\n",
        registry::Date::today()
    )
}

/// Provider A's programmes: a draft (`{pa}`) and a submitted one (`{ps}`).
async fn programmes_of_a(app: &TestApp) -> (store::ProgrammeId, store::ProgrammeId) {
    let organisation = app.organisation("Université A").await;
    let mut ids = Vec::new();
    for slug in ["brouillon-a", "deposee-a"] {
        let text = declaration_of_a(slug);
        let saved = web::catalogue::save_declaration(
            &app.state,
            organisation,
            &text,
            registry::Format::Toml,
            store::Actor::System,
        )
        .await;
        ids.push(saved.unwrap_or_else(|error| panic!("{error}")));
    }
    let change = store::LabelChange {
        from: store::LabelState::Draft,
        to: store::LabelState::Submitted,
        actor: store::Actor::System,
        at: store::unix_now(),
        reason: String::new(),
        issue: None,
        revoke_credentials: false,
    };
    app.store.transition_label(ids[1], &change).await.expect("dépôt");
    (ids[0], ids[1])
}

/// A fresh application with the five visitors, and a client for `who`.
async fn cell(fixtures: &Fixtures, who: Who) -> (TestApp, Client, store::UserId) {
    let options = common::Options {
        labs_dir: Some(fixtures.labs.0.clone()),
        book_dir: Some(fixtures.book.0.clone()),
        in_memory: true,
        ..Default::default()
    };
    let app = TestApp::with(options).await;
    app.user("a@universite-a.fr", Role::Provider, Some("Université A")).await;
    let provider_b = app.user("b@ecole-b.fr", Role::Provider, Some("École B")).await;
    app.user("relecteur@exemple.fr", Role::Reviewer, None).await;
    app.user("admin@exemple.fr", Role::Admin, None).await;
    let mut client = app.client();
    if let Some(email) = who.email() {
        // A session made directly: the login form has its own tests.
        let user = app.store.user_by_email(email).await.expect("lecture").expect("compte");
        let token = web::auth::new_secret().expect("aléa");
        let now = store::unix_now();
        let session = NewSession {
            token_hash: web::auth::session_token_hash(&token),
            user_id: user.id,
            csrf_secret: web::auth::new_secret().expect("aléa"),
            created_at: now,
            expires_at: now + web::auth::SESSION_SECONDS,
        };
        app.store.create_session(&session).await.expect("session");
        client.cookies.push(("socle_session".to_owned(), token));
    }
    (app, client, provider_b.id)
}

/// The valid token `who` would find in the form posting to `path`, if it can have one.
async fn valid_token(app: &TestApp, client: &mut Client, who: Who, path: &str) -> Option<String> {
    match who.email() {
        Some(_) => Some(app.form_token(client, path).await),
        // An anonymous visitor gets a token from the login form, for the login form only.
        None if path == "/connexion" => Some(client.get("/connexion").await.csrf_for("/connexion")),
        None => None,
    }
}

async fn run(fixtures: &Fixtures, row: &Row, who: Who) -> Result<(), String> {
    let (app, mut client, provider_b) = cell(fixtures, who).await;
    let (draft, submitted) = programmes_of_a(&app).await;
    let path = row
        .path
        .replace("{b}", &provider_b.to_string())
        .replace("{pa}", &draft.to_string())
        .replace("{ps}", &submitted.to_string());
    let before = fingerprint(&app).await;
    let answer: Answer = match row.method {
        "GET" => client.get(&path).await,
        "POST" => {
            let mut fields: Vec<(&str, &str)> = row.form.to_vec();
            let token = match row.token {
                Token::Valid => valid_token(&app, &mut client, who, &path).await,
                Token::Without => None,
            };
            if let Some(token) = &token {
                fields.push(("csrf", token));
            }
            client.send(Method::POST, &path, Some(&fields), &[]).await
        }
        other => return Err(format!("méthode {other} non prévue par le test")),
    };
    let expected = row.expect[WHO.iter().position(|candidate| *candidate == who).expect("colonne")];
    let described = format!("{who:?} {} {path} ({:?})", row.method, row.token);
    match expected {
        Status(status) if answer.status.as_u16() != status => {
            return Err(format!("{described} : {} au lieu de {status}", answer.status.as_u16()));
        }
        Login => {
            let wanted =
                format!("/connexion?suite={}", form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>());
            if answer.status != StatusCode::SEE_OTHER || answer.header("location") != wanted {
                return Err(format!(
                    "{described} : {} vers « {} » au lieu de 303 vers {wanted}",
                    answer.status.as_u16(),
                    answer.header("location")
                ));
            }
        }
        Status(_) => {}
    }
    let refused = answer.status.is_client_error() || matches!(expected, Login);
    if (row.method == "GET" || refused) && fingerprint(&app).await != before {
        return Err(format!(
            "{described} : refusée ou en lecture seule, la requête a pourtant modifié les comptes ou le registre"
        ));
    }
    if answer.status == StatusCode::FORBIDDEN && !answer.body.contains("Accès refusé") {
        return Err(format!("{described} : 403 sans la page française d'accès refusé"));
    }
    Ok(())
}

#[tokio::test]
async fn every_route_answers_every_visitor_as_the_matrix_says() {
    let fixtures = fixtures();
    let mut failures = Vec::new();
    for row in MATRIX {
        for who in WHO {
            if let Err(failure) = run(&fixtures, row, who).await {
                failures.push(failure);
            }
        }
    }
    assert!(failures.is_empty(), "{} case(s) en échec :\n{}", failures.len(), failures.join("\n"));
}

/// The matrix must list every route of the router: a route added without rows fails here.
#[tokio::test]
async fn the_matrix_covers_every_route() {
    let routes = [
        "/",
        "/referentiel",
        "/referentiel/export/",
        "/referentiel/DS.",
        "/api/referentiel",
        "/api/referentiel/",
        "/healthz",
        "/static/",
        "/cours",
        "/cours/",
        "/labs",
        "/labs/",
        "/connexion",
        "/deconnexion",
        "/compte",
        "/compte/mot-de-passe",
        "/admin/utilisateurs",
        "/desactiver",
        "/reactiver",
        "/espace",
        "/espace/nouvelle",
        "/espace/televerser",
        "/espace/formations/",
        "/modifier",
        "/televerser",
        "/declaration.toml",
        "/soumettre",
        "/retirer",
        "/rouvrir",
        "/revue",
        "/revue/formations/",
        "/formations",
        "/formations.csv",
        "/formations/comparer",
        "/label.jwt",
        "/api/formations",
        "/api/formations/",
        "/label",
        "/label/emetteur",
        "/label/statut/",
        "/.well-known/jwks.json",
        "/decision",
        "/observatoire",
        "/observatoire/emplois",
        "/observatoire/financements",
        "/observatoire/projets",
        "/observatoire/competences",
        "/observatoire/recherche",
        "/observatoire/recherche.csv",
        "/observatoire/recherche.json",
        "/observatoire/recherche.ndjson",
        "/observatoire/recherche.parquet",
        "/observatoire/methode",
        "/observatoire/indicateurs/",
        "/api/observatoire",
        "/api/observatoire/openapi.json",
        "/api/observatoire/chiffres-cles",
        "/api/observatoire/recherche",
        "/api/observatoire/indicateurs/",
    ];
    for route in routes {
        assert!(MATRIX.iter().any(|row| row.path.contains(route)), "aucune ligne pour {route}");
    }
    let sources =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/routes.rs")).expect("routes.rs");
    // `/cours/` is declared twice: served from the built book, or a page saying it is missing.
    let declared = sources.matches(".route(").count();
    assert_eq!(declared, 63, "routes.rs déclare {declared} routes : ajoutez les nouvelles à MATRIX et à cette liste");
}
