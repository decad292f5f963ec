//! Every route of the application, in one place.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Redirect;
use axum::response::Response;
use axum::routing::get;
use tower_http::services::ServeDir;

use crate::{AppState, assets, labs, pages};

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
        .route("/labs/{name}/{file}", get(labs::notebook));
    let router = match &state.book_dir {
        Some(dir) => router.nest_service("/cours/", ServeDir::new(dir).append_index_html_on_directories(true)),
        None => router.route("/cours/", get(pages::book_missing)),
    };
    router.fallback(pages::not_found).layer(middleware::from_fn(security_headers)).with_state(state)
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
