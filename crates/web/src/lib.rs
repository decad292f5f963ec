//! socle's web layer: the router, pages, JSON API and the one error type.
#![doc = include_str!("../README.md")]

mod assets;
mod error;
mod labs;
mod pages;
pub mod reports;
mod routes;

use std::path::PathBuf;
use std::sync::Arc;

pub use error::AppError;
pub use routes::router;

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
}

/// Serves the application on a bound listener until Ctrl-C or SIGTERM.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown_signal()).await
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
