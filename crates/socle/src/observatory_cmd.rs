//! The observatory's commands: `socle crawl` (collect the sources politely into WARC archives)
//! and `socle extract` (read one saved page or API answer into records).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use records::source::{Rules, SourcesFile};

use crate::{ReferentielSource, io_message, read_capped};

/// Exit code when the input cannot be read or is not valid.
const EXIT_UNREADABLE: u8 = 2;

/// Folder of the data directory where crawls keep their frontier and WARC archives.
pub const CRAWL_DIR: &str = "crawl";

/// Options of `socle crawl`.
#[derive(clap::Args)]
pub struct CrawlArgs {
    /// Fichier des sources à collecter (format : observatory/sources/README.md).
    #[arg(long, value_name = "FICHIER")]
    sources: PathBuf,
    /// Dossier des données de socle : la collecte tient son journal et ses archives WARC dans
    /// DOSSIER/crawl/ et reprend là où elle s'était arrêtée.
    #[arg(long, default_value = "./data", value_name = "DOSSIER", env = "SOCLE_DATA_DIR")]
    data_dir: PathBuf,
    /// Nombre maximal de pages collectées par cette exécution (robots.txt non compris) ; le reste
    /// reste en file pour la suivante.
    #[arg(long, value_name = "N")]
    max_pages: Option<usize>,
    /// Mandataire HTTP par lequel passent toutes les requêtes (http://hôte:port).
    #[arg(long, value_name = "URL")]
    proxy: Option<String>,
    /// Recollecte toutes les pages déjà archivées (requêtes conditionnelles), quel que soit leur âge.
    #[arg(long)]
    recrawl: bool,
    /// Désactive les délais entre requêtes à un même hôte (mesures de performance sur un serveur
    /// local uniquement ; robots.txt reste respecté).
    #[arg(long, hide = true)]
    no_politeness: bool,
    /// Durée maximale d'une requête, en secondes, de l'envoi au dernier octet (30 par défaut) : une
    /// réponse qui n'en finit pas est coupée et signalée.
    #[arg(long, value_name = "SECONDES", default_value = "30", value_parser = clap::value_parser!(u64).range(1..=3600))]
    timeout: u64,
    /// Requêtes simultanées au plus (jamais plus d'une par hôte quand la politesse est active).
    #[arg(long, value_name = "N", default_value = "8")]
    concurrency: usize,
    #[command(flatten)]
    referentiel: ReferentielSource,
}

/// Options of `socle extract`.
#[derive(clap::Args)]
pub struct ExtractArgs {
    /// Page HTML, flux RSS/Atom, réponse d'API JSON ou fichier CSV enregistré.
    #[arg(value_name = "PAGE")]
    page: PathBuf,
    /// Adresse d'où vient la page (les liens et les identifiants en dépendent).
    #[arg(long, value_name = "URL")]
    url: String,
    /// Format de sortie : json (par défaut) ou text.
    #[arg(long, value_name = "FORMAT", default_value = "json", value_parser = ["json", "text"])]
    format: String,
    /// Type de contenu annoncé par le serveur (en-tête Content-Type), s'il est connu.
    #[arg(long, value_name = "TYPE")]
    content_type: Option<String>,
    /// Fichier des sources : les règles CSS de la source de cette adresse s'appliquent.
    #[arg(long, value_name = "FICHIER")]
    sources: Option<PathBuf>,
    #[command(flatten)]
    referentiel: ReferentielSource,
}

/// `socle observatory …`.
#[derive(clap::Subcommand)]
pub enum ObservatoryCommand {
    /// Extrait, normalise, dédoublonne, range dans l'entrepôt Parquet et indexe les réponses
    /// d'archives WARC (celles de socle crawl, DOSSIER/crawl/warc/).
    Ingest(IngestArgs),
    /// Archive le web de démonstration (sites fictifs, graine fixe) et l'ingère, comme socle
    /// serve le fait à son premier démarrage ; ne fait rien si l'observatoire contient déjà des
    /// données.
    Demo(DemoArgs),
    /// Génère N offres d'emploi synthétiques (vocabulaire du web de démonstration, graine fixe)
    /// et les écrit dans l'entrepôt Parquet et l'index, par lots, pour mesurer les performances ;
    /// affiche le débit de l'entrepôt et celui de l'index.
    Synth(SynthArgs),
}

/// Options of `socle observatory synth`.
#[derive(clap::Args)]
pub struct SynthArgs {
    /// Nombre d'offres à générer (entier strictement positif, par exemple 1000000).
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    postings: String,
    /// Graine du générateur : la même graine donne les mêmes offres (identifiants
    /// synth-GRAINE-NUMÉRO).
    #[arg(long, value_name = "S", default_value_t = demoweb::DEFAULT_SEED)]
    graine: u64,
    /// Dossier des données de socle : l'entrepôt est dans DOSSIER/observatoire/records/, l'index
    /// dans DOSSIER/observatoire/index/.
    #[arg(
        long = "donnees",
        visible_alias = "data-dir",
        default_value = "./data",
        value_name = "DOSSIER",
        env = "SOCLE_DATA_DIR"
    )]
    data_dir: PathBuf,
    /// N'écrit que l'entrepôt Parquet (l'index n'est ni ouvert ni modifié).
    #[arg(long)]
    sans_index: bool,
}

/// Postings generated, stored and indexed at a time by `socle observatory synth`: memory stays
/// bounded whatever N.
const SYNTH_BATCH: usize = 50_000;

/// Options of `socle observatory demo`.
#[derive(clap::Args)]
pub struct DemoArgs {
    /// Dossier des données de socle.
    #[arg(long, default_value = "./data", value_name = "DOSSIER", env = "SOCLE_DATA_DIR")]
    data_dir: PathBuf,
    #[command(flatten)]
    referentiel: ReferentielSource,
}

/// Options of `socle observatory ingest`.
#[derive(clap::Args)]
pub struct IngestArgs {
    /// Archives WARC à lire (répétable) ; un dossier vaut toutes ses archives .warc.
    #[arg(long, value_name = "FICHIER", required = true, num_args = 1..)]
    warc: Vec<PathBuf>,
    /// Fichier des sources de la collecte : ses règles CSS et ses lecteurs d'API s'appliquent.
    #[arg(long, value_name = "FICHIER")]
    sources: Option<PathBuf>,
    /// Dossier des données de socle : l'entrepôt est dans DOSSIER/observatoire/records/, l'index
    /// dans DOSSIER/observatoire/index/.
    #[arg(long, default_value = "./data", value_name = "DOSSIER", env = "SOCLE_DATA_DIR")]
    data_dir: PathBuf,
    #[command(flatten)]
    referentiel: ReferentielSource,
}

/// Runs `socle observatory …`.
pub fn run(command: &ObservatoryCommand) -> anyhow::Result<ExitCode> {
    match command {
        ObservatoryCommand::Ingest(args) => ingest(args),
        ObservatoryCommand::Synth(args) => synth(args),
        ObservatoryCommand::Demo(args) => {
            let referentiel = args.referentiel.load().context("chargement du référentiel")?;
            match crate::pipeline::load_demo(&args.data_dir, &referentiel)? {
                Some(report) => println!("{report}"),
                None => println!(
                    "L'observatoire de {} contient déjà des données (ou le web de démonstration y a déjà été ingéré) : rien à faire.",
                    args.data_dir.display()
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `socle observatory synth`: generates, stores and indexes batch after batch, timing each part.
fn synth(args: &SynthArgs) -> anyhow::Result<ExitCode> {
    let count = match args.postings.trim().parse::<usize>() {
        Ok(count) if count > 0 => count,
        _ => {
            eprintln!(
                "erreur : --postings « {} » refusé ; attendu : un nombre entier d'offres strictement positif (par exemple 1000000).",
                args.postings.escape_debug()
            );
            return Ok(ExitCode::from(EXIT_UNREADABLE));
        }
    };
    let records_dir = crate::pipeline::records_dir(&args.data_dir);
    let mut store = indicators::RecordStore::open(&records_dir).context("ouverture de l'entrepôt Parquet")?;
    let index = if args.sans_index {
        None
    } else {
        let (index, _) = search::observatory::RecordIndex::open_or_create(
            &crate::pipeline::index_dir(&args.data_dir),
            search::IfUnreadable::Recreate,
        )
        .context("ouverture de l'index de l'observatoire")?;
        Some(index)
    };
    let bar = crate::progress::spinner("offres synthétiques écrites");
    let started = std::time::Instant::now();
    let (mut generating, mut storing, mut indexing) = (0.0, 0.0, 0.0);
    let (mut written, mut rejected) = (0usize, Vec::new());
    let mut postings = demoweb::synth::postings(args.graine, count).peekable();
    while postings.peek().is_some() {
        let clock = std::time::Instant::now();
        let batch: Vec<records::Record> = postings.by_ref().take(SYNTH_BATCH).map(records::Record::Job).collect();
        generating += clock.elapsed().as_secs_f64();
        let clock = std::time::Instant::now();
        let report = store.write(&batch).context("écriture de l'entrepôt Parquet")?;
        storing += clock.elapsed().as_secs_f64();
        rejected.extend(report.rejected.iter().map(ToString::to_string));
        if let Some(index) = &index {
            let clock = std::time::Instant::now();
            let refused = index.add(&batch).context("indexation des offres")?;
            indexing += clock.elapsed().as_secs_f64();
            rejected.extend(
                refused
                    .iter()
                    .map(|refused| format!("index : « {} » refusé : {}", refused.id, refused.problems.join(" ; "))),
            );
        }
        written += batch.len();
        bar.set_position(written as u64);
    }
    bar.finish_and_clear();
    let total = started.elapsed().as_secs_f64();
    let rate = |seconds: f64| written as f64 / seconds.max(1e-9);
    println!("Offres synthétiques générées (graine {}) : {written}, en {total:.2} s au total", args.graine);
    println!("  génération : {generating:.2} s ({:.0} offres/s)", rate(generating));
    println!("  entrepôt Parquet : {storing:.2} s ({:.0} offres/s)", rate(storing));
    if index.is_some() {
        println!("  index : {indexing:.2} s ({:.0} offres/s)", rate(indexing));
    } else {
        println!("  index : non écrit (--sans-index)");
    }
    println!("  refusées : {}", rejected.len());
    for line in rejected.iter().take(20) {
        println!("    {line}");
    }
    let stored = store.count_by_kind().get(&records::Kind::Job).copied().unwrap_or(0);
    println!("Dans l'entrepôt : {stored} offre(s) d'emploi");
    if let Some(index) = &index {
        println!("Dans l'index : {} enregistrement(s)", index.len());
    }
    Ok(ExitCode::SUCCESS)
}

/// The WARC files named: files as given, folders by their `.warc` files (sorted).
fn warc_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|err| format!("impossible de lire le dossier {} : {}", path.display(), io_message(&err)))?
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|file| file.extension().is_some_and(|extension| extension == "warc"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(format!("le dossier {} ne contient aucune archive .warc", path.display()));
            }
            files.extend(found);
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            return Err(format!("archive {} introuvable", path.display()));
        }
    }
    Ok(files)
}

/// `socle observatory ingest`.
fn ingest(args: &IngestArgs) -> anyhow::Result<ExitCode> {
    let files = match warc_files(&args.warc) {
        Ok(files) => files,
        Err(message) => {
            eprintln!("erreur : {message} ; attendu : des fichiers .warc ou des dossiers qui en contiennent.");
            return Ok(ExitCode::from(EXIT_UNREADABLE));
        }
    };
    let sources = match args.sources.as_deref().map(read_sources).transpose() {
        Ok(sources) => sources,
        Err(message) => {
            eprintln!("erreur : {message}");
            return Ok(ExitCode::from(EXIT_UNREADABLE));
        }
    };
    let referentiel = args.referentiel.load().context("chargement du référentiel")?;
    let extractor = extract::Extractor::new(&referentiel);
    let (mut store, index) = crate::pipeline::open(&args.data_dir)?;
    let bar = crate::progress::spinner("réponses lues");
    let mut report = crate::pipeline::IngestReport::default();
    let records = crate::pipeline::extract_archives(&files, sources.as_ref(), &extractor, &mut report, |done| {
        bar.set_position(done as u64)
    })?;
    bar.finish_and_clear();
    crate::pipeline::store_and_index(records, &mut store, &index, &mut report)?;
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}

/// Reads a sources file; every problem is printed in French on stderr when it cannot be used.
pub fn read_sources(path: &Path) -> Result<SourcesFile, String> {
    let text = std::fs::read_to_string(path).map_err(|err| {
        format!("impossible de lire le fichier des sources {} : {}", path.display(), io_message(&err))
    })?;
    records::source::parse(&text).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(|problem| format!("  - {problem}")).collect();
        format!("le fichier des sources {} n'est pas utilisable :\n{}", path.display(), list.join("\n"))
    })
}

/// The CSS rules of the source whose allowed hosts include the URL's host.
pub fn rules_for<'a>(sources: &'a SourcesFile, url: &str) -> &'a [Rules] {
    let Ok(parsed) = url::Url::parse(url) else { return &[] };
    let host = crawler::canon::host_key(&parsed);
    sources
        .sources
        .iter()
        .find(|source| source.allowed_hosts.iter().any(|allowed| allowed.eq_ignore_ascii_case(&host)))
        .map_or(&[], |source| source.rules.as_slice())
}

/// `socle crawl`.
pub fn crawl(args: &CrawlArgs) -> anyhow::Result<ExitCode> {
    let sources = match read_sources(&args.sources) {
        Ok(sources) => sources,
        Err(message) => {
            eprintln!("erreur : {message}");
            return Ok(ExitCode::from(EXIT_UNREADABLE));
        }
    };
    if args.concurrency == 0 {
        eprintln!("erreur : --concurrency 0 refusé ; attendu : un entier positif (8 par défaut).");
        return Ok(ExitCode::from(EXIT_UNREADABLE));
    }
    let referentiel = args.referentiel.load().context("chargement du référentiel")?;
    let extractor = extract::Extractor::new(&referentiel);
    let mut config = crawler::CrawlConfig::new(args.data_dir.join(CRAWL_DIR));
    config.max_pages = args.max_pages;
    config.fetch.proxy = args.proxy.clone();
    config.force_recrawl = args.recrawl;
    config.politeness = !args.no_politeness;
    config.concurrency = args.concurrency;
    config.fetch.total_timeout = std::time::Duration::from_secs(args.timeout);
    let links = move |page: &crawler::FetchedPage<'_>| -> Vec<String> {
        let input = extract::Page {
            url: page.url.as_str(),
            content_type: page.content_type,
            body: page.text,
            adapter: None,
            rules: &page.source.rules,
        };
        extractor.extract(&input).links
    };
    let runtime = tokio::runtime::Runtime::new().context("démarrage du moteur asynchrone")?;
    let report = runtime.block_on(crawler::run(&sources, &config, &links)).context("collecte")?;
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}

/// `socle extract`: prints `{ "records": [...], "problems": [...] }` (or a French summary).
pub fn extract(args: &ExtractArgs) -> anyhow::Result<ExitCode> {
    let bytes = match read_capped(&args.page, extract::MAX_BODY_BYTES) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("erreur : impossible de lire {} : {}.", args.page.display(), io_message(&err));
            return Ok(ExitCode::from(EXIT_UNREADABLE));
        }
    };
    if url::Url::parse(&args.url).map_or(true, |url| !matches!(url.scheme(), "http" | "https")) {
        eprintln!(
            "erreur : --url « {} » invalide ; attendu : l'adresse absolue http:// ou https:// d'où vient la page.",
            args.url.escape_debug()
        );
        return Ok(ExitCode::from(EXIT_UNREADABLE));
    }
    let sources = match args.sources.as_deref().map(read_sources).transpose() {
        Ok(sources) => sources,
        Err(message) => {
            eprintln!("erreur : {message}");
            return Ok(ExitCode::from(EXIT_UNREADABLE));
        }
    };
    let rules = sources.as_ref().map_or(&[][..], |sources| rules_for(sources, &args.url));
    let referentiel = args.referentiel.load().context("chargement du référentiel")?;
    let decoded = crawler::charset::decode(args.content_type.as_deref(), &bytes);
    let page = extract::Page {
        url: &args.url,
        content_type: args.content_type.as_deref(),
        body: &decoded.text,
        adapter: None,
        rules,
    };
    let mut extraction = extract::Extractor::new(&referentiel).extract(&page);
    if decoded.had_errors {
        extraction
            .problems
            .insert(0, format!("octets invalides pour l'encodage {} : remplacés par « \u{fffd} »", decoded.encoding));
    }
    if args.format == "json" {
        let document = serde_json::json!({ "records": extraction.records, "problems": extraction.problems });
        println!("{}", serde_json::to_string_pretty(&document).context("écriture du JSON")?);
    } else {
        println!(
            "{} : {} enregistrement(s), {} problème(s)",
            args.url,
            extraction.records.len(),
            extraction.problems.len()
        );
        for record in &extraction.records {
            println!("  - {} « {} »", record.kind().label(), record.title());
        }
        for problem in &extraction.problems {
            println!("  ! {problem}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
