//! socle's web layer: the router, pages, JSON API and the one error type.
#![doc = include_str!("../README.md")]

pub mod accounts;
mod admin;
mod application;
mod assets;
pub mod auth;
pub mod catalogue;
mod error;
mod espace;
mod formations;
pub mod forms;
mod labs;
mod login;
pub mod observatoire;
mod pages;
mod pagination;
pub mod reports;
mod revue;
mod routes;
pub mod session;

use std::path::PathBuf;
use std::sync::Arc;

pub use error::AppError;
pub use login::{ATTEMPT_WINDOW_SECONDS, MAX_FAILURES_PER_EMAIL, MAX_FAILURES_PER_IP};
pub use routes::router;
pub use session::{Admin, CurrentUser, Permission, Provider, Reviewer, WithRole, allows};

/// What every request handler may read. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The validated référentiel.
    pub referentiel: Arc<skills::Referentiel>,
    /// Where the server keeps what it writes.
    pub data_dir: PathBuf,
    /// The built course book served under `/cours/`, when there is one.
    pub book_dir: Option<PathBuf>,
    /// The labs folder (teacher notebooks; only student versions are served).
    pub labs_dir: Option<PathBuf>,
    /// The database: accounts, sessions, login attempts, the registry.
    pub store: store::Store,
    /// The installation's key for anonymous forms, password checks and cookie settings.
    pub security: auth::Security,
    /// The full-text index of the public programmes (`/formations`, `/api/formations`), kept in
    /// step with the store by [`catalogue`].
    pub search: search::programmes::ProgrammeIndex,
    /// The registry's Ed25519 key (`<data_dir>/cles/`), which signs granted labels.
    pub signing_key: Arc<registry::credential::SigningKey>,
    /// The observatory's dashboard: records index, Parquet records, indicators, what the course
    /// teaches.
    pub observatory: observatoire::Observatory,
    /// The site's public address without a trailing slash (`https://registre.example.fr`): the
    /// base of programme pages, credentials and their status URLs.
    pub base_url: String,
}

/// Serves the application on a bound listener until Ctrl-C or SIGTERM. Each request knows the
/// client's address (login rate limiting counts failures per IP address).
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
