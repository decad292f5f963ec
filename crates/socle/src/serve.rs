//! `socle serve`: loads what the site needs and runs the web server.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
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
    /// Marque les cookies « Secure » sur toutes les réponses (site servi en HTTPS derrière un
    /// mandataire qui n'envoie pas X-Forwarded-Proto) ; sans elle, seulement sur les requêtes
    /// arrivées en HTTPS.
    #[arg(long, env = "SOCLE_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Adresse publique du site (`https://registre.exemple.fr`), base des adresses des formations
    /// et des labels signés ; par défaut http:// suivi de l'adresse d'écoute.
    #[arg(long, value_name = "URL", env = "SOCLE_BASE_URL", value_parser = parse_base_url)]
    base_url: Option<String>,
    /// Ne charge pas les données de démonstration (installation de production) ; sans cette
    /// option, un registre qui n'a jamais rien contenu reçoit les formations de démonstration, et
    /// un observatoire vide le web de démonstration (archivé puis ingéré en arrière-plan).
    #[arg(long = "sans-demo", env = "SOCLE_SANS_DEMO")]
    no_demo: bool,
    #[command(flatten)]
    referentiel: ReferentielSource,
}

/// Checks `--base-url`: an absolute http(s) address without query, fragment or spaces; the
/// trailing slash is dropped.
fn parse_base_url(text: &str) -> Result<String, String> {
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"));
    let host = rest.map(|rest| rest.split('/').next().unwrap_or_default());
    let ok = host.is_some_and(|host| !host.is_empty())
        && !text.contains(['?', '#'])
        && !text.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(text.trim_end_matches('/').to_owned())
    } else {
        Err(format!(
            "adresse « {text} » refusée : attendu une adresse absolue commençant par https:// ou http://, \
             sans espace, sans « ? » ni « # » (par exemple https://registre.exemple.fr)"
        ))
    }
}

/// The database file inside the data folder.
pub(crate) fn database_path(data_dir: &Path) -> PathBuf {
    data_dir.join("socle.sqlite")
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

/// Fills an empty registry with the demonstration programmes, and brings the search index in
/// step with the database.
async fn prepare_registry(
    state: &web::AppState,
    opened: &web::catalogue::OpenState,
    with_demo: bool,
) -> anyhow::Result<()> {
    let demo = if with_demo {
        web::catalogue::load_demo(state).await.context("chargement des formations de démonstration")?
    } else {
        web::catalogue::DemoLoad::default()
    };
    // Loading the demonstration data rebuilds the whole index; otherwise it is rebuilt when it
    // was just created or replaced, or is empty while the database is not.
    if demo.loaded == 0
        && let Some(indexed) =
            web::catalogue::prepare_index(state, opened).await.context("index de recherche des formations")?
    {
        tracing::info!("index de recherche des formations reconstruit : {indexed} formation(s) publique(s)");
    }
    Ok(())
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
    let runtime = tokio::runtime::Runtime::new().context("démarrage du moteur asynchrone")?;
    runtime.block_on(async {
        let database = database_path(&args.data_dir);
        let store = store::Store::open(&database).await.context("ouverture de la base de données")?;
        let security_config = web::auth::SecurityConfig { secure_cookies: args.secure_cookies };
        let security = web::auth::Security::load(&store, security_config)
            .await
            .context("préparation des comptes (clé des formulaires)")?;
        let (signing_key, key_status) =
            registry::credential::SigningKey::load_or_create(&args.data_dir).context("clé de signature du registre")?;
        if key_status == registry::credential::KeyStatus::Created {
            tracing::info!(
                cle = %registry::credential::SigningKey::path(&args.data_dir).display(),
                "clé de signature du registre créée"
            );
        }
        let (search, opened) =
            web::catalogue::open_index(&args.data_dir).context("index de recherche des formations")?;
        let (records_store, records_index) = crate::pipeline::open(&args.data_dir)?;
        let (chapters, questions) = crate::coverage::teaching(&args.book, &args.labs);
        let observatory = web::observatoire::Observatory::new(
            records_index.clone(),
            crate::pipeline::records_dir(&args.data_dir),
            chapters,
            questions,
        )
        .map_err(anyhow::Error::msg)?;
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("écoute sur {} impossible", args.addr))?;
        let bound = listener.local_addr().context("adresse d'écoute")?;
        let state = web::AppState {
            referentiel: Arc::new(referentiel),
            data_dir: args.data_dir.clone(),
            book_dir,
            labs_dir,
            store,
            security,
            search,
            signing_key: Arc::new(signing_key),
            observatory,
            base_url: args.base_url.clone().unwrap_or_else(|| format!("http://{bound}")),
        };
        prepare_registry(&state, &opened, !args.no_demo).await?;
        if !args.no_demo {
            // In the background: the site answers at once, the dashboard fills in a minute.
            let (data_dir, referentiel) = (state.data_dir.clone(), state.referentiel.clone());
            let mut records_store = records_store;
            tokio::task::spawn_blocking(move || {
                match crate::pipeline::load_demo_into(&data_dir, &referentiel, &mut records_store, &records_index) {
                    Ok(Some(report)) => tracing::info!("observatoire : web de démonstration ingéré\n{report}"),
                    Ok(None) => {}
                    Err(error) => tracing::error!("observatoire : web de démonstration non ingéré : {error:#}"),
                }
            });
        } else {
            drop(records_store);
        }
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
