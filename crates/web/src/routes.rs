//! Every route of the application, in one place.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Redirect;
use axum::response::Response;
use axum::routing::{get, post};
use tower_http::services::ServeDir;

use crate::{AppState, admin, assets, espace, formations, labs, login, observatoire, pages, revue, session};

/// Builds the whole application.
pub fn router(state: AppState) -> Router {
    let router = Router::new()
        .route("/", get(pages::home))
        .route("/referentiel", get(pages::referentiel))
        .route("/referentiel/export/{format}", get(pages::export))
        .route("/referentiel/{id}", get(pages::competence))
        .route("/api/referentiel", get(pages::api_referentiel))
        .route("/api/referentiel/{id}", get(pages::api_competence))
        .route("/healthz", get(pages::healthz))
        .route("/static/{name}", get(assets::asset))
        .route("/cours", get(|| async { Redirect::permanent("/cours/") }))
        .route("/labs", get(|| async { Redirect::permanent("/labs/") }))
        .route("/labs/", get(labs::index))
        .route("/labs/{name}/", get(labs::lab))
        .route("/labs/{name}/{file}", get(labs::notebook))
        .route(session::LOGIN_PATH, get(login::login_form).post(login::login))
        .route(session::LOGOUT_PATH, post(login::logout))
        .route("/compte", get(login::account))
        .route(login::PASSWORD_PATH, post(login::change_password))
        .route(admin::USERS_PATH, get(admin::users).post(admin::create_user))
        .route("/admin/utilisateurs/{id}/desactiver", post(admin::disable_user))
        .route("/admin/utilisateurs/{id}/reactiver", post(admin::enable_user))
        // The public registry of programmes and its label.
        .route("/formations", get(formations::search_page))
        .route("/formations.csv", get(formations::csv_export))
        .route("/formations/comparer", get(formations::compare))
        .route("/formations/{id}", get(formations::programme_page))
        .route("/formations/{id}/label.jwt", get(formations::credential_jwt))
        .route("/api/formations", get(formations::api_search))
        .route("/api/formations/{id}", get(formations::api_programme))
        .route("/label", get(formations::label_page))
        .route("/label/emetteur", get(formations::issuer))
        .route("/label/statut/{credential_id}", get(formations::revocation_status))
        .route("/.well-known/jwks.json", get(formations::jwks))
        // The observatory's dashboard, its exports and API.
        .route("/observatoire", get(observatoire::overview))
        .route("/observatoire/emplois", get(observatoire::jobs))
        .route("/observatoire/financements", get(observatoire::funding))
        .route("/observatoire/projets", get(observatoire::projects))
        .route("/observatoire/competences", get(observatoire::competences))
        .route("/observatoire/recherche", get(observatoire::search_page))
        .route("/observatoire/recherche.csv", get(observatoire::search_csv))
        .route("/observatoire/recherche.json", get(observatoire::search_json))
        .route("/observatoire/recherche.ndjson", get(observatoire::search_ndjson))
        .route("/observatoire/recherche.parquet", get(observatoire::search_parquet))
        .route("/observatoire/methode", get(observatoire::method))
        .route("/observatoire/indicateurs/{file}", get(observatoire::indicator_export))
        .route("/api/observatoire", get(observatoire::api_index))
        .route("/api/observatoire/openapi.json", get(observatoire::openapi))
        .route("/api/observatoire/chiffres-cles", get(observatoire::api_key_figures))
        .route("/api/observatoire/recherche", get(observatoire::api_search))
        .route("/api/observatoire/indicateurs/{id}", get(observatoire::api_indicator))
        // The provider space of the registry.
        .route(espace::SPACE_PATH, get(espace::index))
        .route(espace::NEW_FORM_PATH, get(espace::new_form).post(espace::create_by_form))
        .route(espace::NEW_UPLOAD_PATH, get(espace::upload_form).post(espace::create_by_upload))
        .route("/espace/formations/{id}", get(espace::programme))
        .route("/espace/formations/{id}/modifier", get(espace::edit_form).post(espace::update_by_form))
        .route("/espace/formations/{id}/televerser", post(espace::update_by_upload))
        .route("/espace/formations/{id}/declaration.toml", get(espace::download))
        .route("/espace/formations/{id}/soumettre", get(espace::confirm_submit).post(espace::submit))
        .route("/espace/formations/{id}/retirer", get(espace::confirm_withdraw).post(espace::withdraw))
        .route("/espace/formations/{id}/rouvrir", post(espace::reopen))
        // The reviewers' queue.
        .route(revue::QUEUE_PATH, get(revue::queue))
        .route("/revue/formations/{id}", get(revue::application_view))
        .route("/revue/formations/{id}/decision", post(revue::decide))
        .route("/revue/formations/{id}/declaration.toml", get(revue::download));
    let router = match &state.book_dir {
        Some(dir) => router.nest_service("/cours/", ServeDir::new(dir).append_index_html_on_directories(true)),
        None => router.route("/cours/", get(pages::book_missing)),
    };
    // The session layer runs inside the headers layer, so that its refusals carry the headers too.
    router
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), session::middleware))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

/// The content security policy: everything comes from the site itself.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
     object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The policy of the course book: mdBook's pages carry small inline scripts and styles (theme,
/// sidebar); everything still comes from the site itself.
const BOOK_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; font-src 'self' data:; \
     style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; \
     form-action 'self'; frame-ancestors 'none'";

/// Adds the headers every answer carries.
async fn security_headers(request: Request, next: Next) -> Response {
    let in_book = request.uri().path().starts_with("/cours/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let policy = if in_book { BOOK_SECURITY_POLICY } else { CONTENT_SECURITY_POLICY };
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}
