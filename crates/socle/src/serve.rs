//! `socle serve`: loads what the site needs and runs the web server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

use crate::ReferentielSource;

/// Options of `socle serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Adresse d'écoute ; le port 0 choisit un port libre, affiché au démarrage.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADRESSE:PORT", env = "SOCLE_ADDR")]
    addr: SocketAddr,
    /// Dossier où socle écrit ses données (base, index, archives).
    #[arg(long, default_value = "./data", value_name = "DOSSIER", env = "SOCLE_DATA_DIR")]
    data_dir: PathBuf,
    /// Sources du livre du cours, construit au démarrage et servi sous /cours/.
    #[arg(long, default_value = "book", value_name = "DOSSIER")]
    book: PathBuf,
    /// Dossier des laboratoires.
    #[arg(long, default_value = "labs", value_name = "DOSSIER")]
    labs: PathBuf,
    #[command(flatten)]
    referentiel: ReferentielSource,
}

/// Builds the book into the data folder; a missing or broken book leaves `/cours/` saying so.
fn build_book(args: &ServeArgs, referentiel: &skills::Referentiel) -> Option<PathBuf> {
    if !args.book.join("book.toml").exists() {
        tracing::warn!(book = %args.book.display(), "sources du livre absentes : /cours/ ne sera pas servi");
        return None;
    }
    let out_dir = args.data_dir.join("cours");
    let options =
        book::BuildOptions { book_dir: args.book.clone(), out_dir: out_dir.clone(), labs_dir: args.labs.clone() };
    match book::build(referentiel, &options) {
        Ok(report) => {
            for problem in &report.problems {
                tracing::warn!("livre : {problem}");
            }
            tracing::info!(chapitres = report.chapters.len(), "livre construit");
            Some(out_dir)
        }
        Err(err) => {
            tracing::error!("livre : {err}");
            None
        }
    }
}

/// Runs the server until Ctrl-C or SIGTERM.
pub fn run(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SOCLE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let referentiel = args.referentiel.load().context("chargement du référentiel")?;
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("création du dossier de données {}", args.data_dir.display()))?;
    let book_dir = build_book(args, &referentiel);
    let labs_dir = args.labs.is_dir().then(|| args.labs.clone());
    let state =
        web::AppState { referentiel: Arc::new(referentiel), data_dir: args.data_dir.clone(), book_dir, labs_dir };
    let runtime = tokio::runtime::Runtime::new().context("démarrage du moteur asynchrone")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("écoute sur {} impossible", args.addr))?;
        let bound = listener.local_addr().context("adresse d'écoute")?;
        // This line is read by the browser tests to find the port; keep its shape.
        println!("socle écoute sur http://{bound}");
        tracing::info!(
            referentiel = %state.referentiel.version,
            competences = state.referentiel.competences.len(),
            data_dir = %state.data_dir.display(),
            "serveur prêt"
        );
        web::serve(listener, state).await.context("serveur web")
    })?;
    Ok(ExitCode::SUCCESS)
}
