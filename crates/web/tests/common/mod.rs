//! Helpers for the web tests: an application over a real database in a temporary folder, a
//! client that keeps cookies, accounts of every role.

// Each test binary includes this module and uses a different part of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use store::{NewOrganisation, NewUser, OrganisationId, Role, Store, User};
use tower::ServiceExt;

/// The password of every account made by [`TestApp::user`].
pub const PASSWORD: &str = "une phrase de passe solide";

/// The host every request names (the origin checks compare `Origin` with it).
pub const HOST: &str = "socle.test";

/// The public address the test applications believe they are served at.
pub const BASE_URL: &str = "http://socle.test";

/// The argon2id hash of [`PASSWORD`], computed once per test binary.
pub fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| web::auth::hash_password(PASSWORD).expect("empreinte"))
}

/// The embedded référentiel, parsed once per test binary.
pub fn referentiel() -> Arc<skills::Referentiel> {
    static REFERENTIEL: OnceLock<Arc<skills::Referentiel>> = OnceLock::new();
    REFERENTIEL.get_or_init(|| Arc::new(skills::embedded().unwrap_or_else(|error| panic!("{error}")))).clone()
}

/// A temporary folder, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "socle-web-{tag}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("dossier temporaire");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An in-memory index of `records`, also written to the Parquet store in `records_dir`.
fn records_index(records_dir: &std::path::Path, records: &[records::Record]) -> search::observatory::RecordIndex {
    let index = search::observatory::RecordIndex::in_memory().expect("index des enregistrements");
    if !records.is_empty() {
        let mut store = indicators::RecordStore::open(records_dir).unwrap_or_else(|error| panic!("{error}"));
        let report = store.write(records).unwrap_or_else(|error| panic!("{error}"));
        assert!(report.rejected.is_empty(), "enregistrements refusés : {:?}", report.rejected);
        let rejected = index.add(records).expect("indexation");
        assert!(rejected.is_empty(), "enregistrements refusés par l'index : {rejected:?}");
    }
    index
}

/// The application over a fresh database file.
pub struct TestApp {
    pub router: axum::Router,
    pub store: Store,
    pub state: web::AppState,
    _dir: TempDir,
}

/// What to build the application with.
#[derive(Default)]
pub struct Options {
    pub labs_dir: Option<PathBuf>,
    pub book_dir: Option<PathBuf>,
    pub secure_cookies: bool,
    /// An in-memory database instead of a file (for tests that build hundreds of applications:
    /// a file database syncs every write to disk).
    pub in_memory: bool,
    /// Observatory records, written to the Parquet store and the index before the application
    /// starts.
    pub records: Vec<records::Record>,
}

impl TestApp {
    pub async fn new() -> TestApp {
        TestApp::with(Options::default()).await
    }

    pub async fn with(options: Options) -> TestApp {
        let dir = TempDir::new("app");
        let store = if options.in_memory {
            Store::open_in_memory().await
        } else {
            Store::open(dir.0.join("socle.sqlite")).await
        }
        .unwrap_or_else(|error| panic!("{error}"));
        let config = web::auth::SecurityConfig { secure_cookies: options.secure_cookies };
        let security = web::auth::Security::load(&store, config).await.unwrap_or_else(|error| panic!("{error}"));
        let state = web::AppState {
            referentiel: referentiel(),
            data_dir: dir.0.clone(),
            book_dir: options.book_dir,
            labs_dir: options.labs_dir,
            store: store.clone(),
            security,
            search: search::programmes::ProgrammeIndex::in_memory().expect("index"),
            signing_key: Arc::new(
                registry::credential::SigningKey::load_or_create(&dir.0).unwrap_or_else(|error| panic!("{error}")).0,
            ),
            observatory: web::observatoire::Observatory::new(
                records_index(&dir.0.join("observatoire/records"), &options.records),
                dir.0.join("observatoire/records"),
                Vec::new(),
                Vec::new(),
            )
            .unwrap_or_else(|error| panic!("{error}")),
            base_url: BASE_URL.to_owned(),
        };
        TestApp { router: web::router(state.clone()), store, state, _dir: dir }
    }

    /// Creates an organisation named `name` if needed and returns its id.
    pub async fn organisation(&self, name: &str) -> OrganisationId {
        if let Some(existing) = self.store.organisation_by_name(name).await.expect("lecture") {
            return existing.id;
        }
        let new = NewOrganisation { name: name.to_owned(), kind: "universite".to_owned(), created_at: 1 };
        self.store.create_organisation(&new).await.expect("organisme").id
    }

    /// Creates an account with [`PASSWORD`].
    pub async fn user(&self, email: &str, role: Role, organisation: Option<&str>) -> User {
        let organisation_id = match organisation {
            Some(name) => Some(self.organisation(name).await),
            None => None,
        };
        let new = NewUser {
            email: email.to_owned(),
            role,
            organisation_id,
            password_hash: password_hash().to_owned(),
            created_at: 1,
        };
        self.store.create_user(&new).await.expect("compte")
    }

    /// A client without cookies.
    pub fn client(&self) -> Client {
        Client { router: self.router.clone(), cookies: Vec::new(), ip: "192.0.2.10".to_owned() }
    }

    /// The CSRF token `client` finds in the form posting to `action`: computed from the secret
    /// of the session its cookie names, as the pages do (a user may hold several sessions).
    pub async fn form_token(&self, client: &Client, action: &str) -> String {
        let cookie = client.cookie(web::session::SESSION_COOKIE).expect("client connecté");
        let (session, _) = self
            .store
            .session(&web::auth::session_token_hash(cookie), store::unix_now())
            .await
            .expect("lecture de la session")
            .expect("session ouverte");
        web::auth::form_token(&session.csrf_secret, action)
    }

    /// A client signed in as `email` through the login form.
    pub async fn signed_in(&self, email: &str) -> Client {
        let mut client = self.client();
        let answer = client.login(email, PASSWORD).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "connexion de {email} : {}", answer.body);
        client
    }
}

/// An answer, read whole.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or_default()
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers.get_all("set-cookie").iter().filter_map(|value| value.to_str().ok()).map(str::to_owned).collect()
    }

    /// The `Set-Cookie` line of cookie `name`.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.set_cookies().into_iter().find(|line| line.starts_with(&format!("{name}=")))
    }

    /// The value of the hidden `csrf` field of the form posting to `action`.
    pub fn csrf_for(&self, action: &str) -> String {
        let form_start = self
            .body
            .find(&format!("action=\"{action}\""))
            .unwrap_or_else(|| panic!("pas de formulaire vers {action} dans :\n{}", self.body));
        let rest = &self.body[form_start..];
        let marker = "name=\"csrf\" value=\"";
        let at = rest.find(marker).expect("champ csrf") + marker.len();
        rest[at..].split('"').next().expect("valeur").to_owned()
    }
}

/// A browser: keeps cookies between requests, sends `Host` and a client address.
#[derive(Clone)]
pub struct Client {
    router: axum::Router,
    pub cookies: Vec<(String, String)>,
    pub ip: String,
}

impl Client {
    pub async fn get(&mut self, path: &str) -> Answer {
        self.send(Method::GET, path, None, &[]).await
    }

    /// Posts a URL-encoded form.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        self.send(Method::POST, path, Some(fields), &[]).await
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.iter().find(|(cookie, _)| cookie == name).map(|(_, value)| value.as_str())
    }

    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        fields: Option<&[(&str, &str)]>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut request = Request::builder().method(method).uri(path).header("host", HOST);
        if !self.cookies.is_empty() {
            let line: Vec<String> = self.cookies.iter().map(|(name, value)| format!("{name}={value}")).collect();
            request = request.header("cookie", line.join("; "));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body = match fields {
            Some(fields) => {
                request = request.header("content-type", "application/x-www-form-urlencoded");
                let mut serializer = form_urlencoded::Serializer::new(String::new());
                for (name, value) in fields {
                    serializer.append_pair(name, value);
                }
                Body::from(serializer.finish())
            }
            None => Body::empty(),
        };
        let mut request = request.body(body).expect("requête");
        let address: std::net::SocketAddr = format!("{}:40000", self.ip).parse().expect("adresse");
        request.extensions_mut().insert(axum::extract::ConnectInfo(address));
        let response = self.router.clone().oneshot(request).await.expect("réponse");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("corps").to_bytes();
        let answer = Answer { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() };
        for line in answer.set_cookies() {
            let pair = line.split(';').next().unwrap_or_default();
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            self.cookies.retain(|(cookie, _)| cookie != name);
            if !value.is_empty() && !line.contains("Max-Age=0") {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
        answer
    }

    /// Opens the login page, then posts the form with its token.
    pub async fn login(&mut self, email: &str, password: &str) -> Answer {
        self.login_then(email, password, None).await
    }

    pub async fn login_then(&mut self, email: &str, password: &str, suite: Option<&str>) -> Answer {
        let page = self.get("/connexion").await;
        assert_eq!(page.status, StatusCode::OK);
        let token = page.csrf_for("/connexion");
        let mut fields = vec![("csrf", token.as_str()), ("email", email), ("mot-de-passe", password)];
        if let Some(suite) = suite {
            fields.push(("suite", suite));
        }
        self.post("/connexion", &fields).await
    }
}
