//! The `socle` command: parses arguments and dispatches to the domain crates.
#![doc = include_str!("../README.md")]

mod admin_cmd;
mod book_cmd;
mod coverage;
mod grading;
mod label_cmd;
mod labs_cmd;
mod observatory_cmd;
mod pipeline;
mod progress;
mod referentiel;
mod robots_cmd;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// socle — former des data scientists, labelliser les formations, observer l'écosystème.
#[derive(Parser)]
#[command(name = "socle", version, about, long_about = None)]
#[command(disable_help_subcommand = true, disable_help_flag = true, disable_version_flag = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Affiche l'aide.
    #[arg(short = 'h', long = "help", action = clap::ArgAction::Help, global = true)]
    help: Option<bool>,
    /// Affiche la version.
    #[arg(short = 'V', long = "version", action = clap::ArgAction::Version)]
    version: Option<bool>,
}

/// Help layout with French headings; clap's own strings are English.
const HELP_TEMPLATE: &str = "{about}\n\nUtilisation : {usage}\n\n{all-args}";

#[derive(Subcommand)]
enum Command {
    /// Lance le site web et l'API (référentiel chargé, valeurs par défaut intégrées).
    Serve(serve::ServeArgs),
    /// Valide, exporte ou affiche le référentiel de compétences.
    #[command(subcommand)]
    Referentiel(referentiel::ReferentielCommand),
    /// Produit la version étudiante et le paquet de correction d'un notebook enseignant.
    Assign(grading::AssignArgs),
    /// Corrige des copies dans des noyaux isolés : rapports, retours, carnets de notes.
    Grade(grading::GradeArgs),
    /// Pour l'élève : exécute les tests visibles de son notebook et dit quelles questions passent.
    Check(grading::CheckArgs),
    /// Construit le livre du cours.
    #[command(subcommand)]
    Book(book_cmd::BookCommand),
    /// Prépare la machine pour les laboratoires (noyaux, dépendances Rust).
    #[command(subcommand)]
    Labs(labs_cmd::LabsCommand),
    /// Vérifie une déclaration de formation contre les critères du label, en donne le schéma, ou
    /// vérifie un label signé.
    #[command(subcommand)]
    Label(label_cmd::LabelCommand),
    /// Crée et liste les comptes du registre (organismes, évaluateurs, administrateurs).
    #[command(subcommand)]
    Admin(admin_cmd::AdminCommand),
    /// Dit si un robots.txt autorise un robot à collecter une URL (RFC 9309) : affiche « autorisé »
    /// (code de sortie 0) ou « interdit » (1) ; 2 si le fichier est illisible ou l'URL invalide.
    Robots(robots_cmd::RobotsArgs),
    /// Collecte poliment les sources de l'observatoire (robots.txt, délais par hôte, reprise après
    /// arrêt brutal) dans des archives WARC.
    Crawl(observatory_cmd::CrawlArgs),
    /// Lit une page, un flux, une réponse d'API ou un CSV enregistrés : affiche les enregistrements
    /// extraits (données personnelles retirées) et les problèmes.
    Extract(observatory_cmd::ExtractArgs),
    /// Chaîne de l'observatoire : ingestion des archives collectées.
    #[command(subcommand)]
    Observatory(observatory_cmd::ObservatoryCommand),
}

/// Where the référentiel comes from: a folder given by the user, or the copy built in.
#[derive(clap::Args, Clone)]
struct ReferentielSource {
    /// Dossier du référentiel (referentiel.toml et competences-*.toml) ; par défaut, la copie intégrée au programme.
    #[arg(long = "dir", value_name = "DOSSIER", env = "SOCLE_REFERENTIEL_DIR")]
    dir: Option<PathBuf>,
}

impl ReferentielSource {
    fn load(&self) -> Result<skills::Referentiel, skills::LoadError> {
        match &self.dir {
            Some(dir) => skills::load_dir(dir),
            None => skills::embedded(),
        }
    }
}

/// Exit code for input that was read but is not valid.
const EXIT_INVALID: u8 = 1;
/// Exit code for an internal or I/O failure.
const EXIT_FAILURE: u8 = 3;

/// Reads at most `cap + 1` bytes of a file: a huge file costs no memory, and the reader still
/// sees that it was longer than the cap.
fn read_capped(path: &std::path::Path, cap: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(cap as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// An I/O error in French, for messages that already name the file.
fn io_message(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "fichier introuvable".to_owned(),
        std::io::ErrorKind::PermissionDenied => "accès refusé".to_owned(),
        std::io::ErrorKind::IsADirectory => "c'est un dossier, pas un fichier".to_owned(),
        _ => err.to_string(),
    }
}

fn main() -> ExitCode {
    let cli = match french_command().try_get_matches().and_then(|matches| Cli::from_arg_matches(&matches)) {
        Ok(cli) => cli,
        Err(err) => return usage_error(&err),
    };
    let result = match cli.command {
        Command::Serve(args) => serve::run(&args),
        Command::Referentiel(command) => referentiel::run(&command),
        Command::Assign(args) => grading::assign(&args),
        Command::Grade(args) => grading::grade(&args),
        Command::Check(args) => grading::check(&args),
        Command::Book(command) => book_cmd::run(&command),
        Command::Labs(command) => labs_cmd::run(&command),
        Command::Label(command) => label_cmd::run(&command),
        Command::Admin(command) => admin_cmd::run(&command),
        Command::Robots(args) => robots_cmd::run(&args),
        Command::Crawl(args) => observatory_cmd::crawl(&args),
        Command::Extract(args) => observatory_cmd::extract(&args),
        Command::Observatory(command) => observatory_cmd::run(&command),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("erreur : {err:#}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// The command line with French headings on every (sub)command.
fn french_command() -> clap::Command {
    fn frenchify(command: clap::Command) -> clap::Command {
        command
            .help_template(HELP_TEMPLATE)
            .subcommand_help_heading("Commandes")
            .subcommand_value_name("COMMANDE")
            .mut_subcommands(frenchify)
    }
    frenchify(Cli::command())
}

/// Prints a command-line error in French (clap's messages are English) and returns exit code 2.
fn usage_error(err: &clap::Error) -> ExitCode {
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = err.print();
        return ExitCode::from(if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand { 2 } else { 0 });
    }
    let context = |kind: ContextKind| match err.get(kind) {
        Some(ContextValue::String(value)) => value.clone(),
        Some(ContextValue::Strings(values)) => values.join(", "),
        _ => String::new(),
    };
    let argument = context(ContextKind::InvalidArg);
    let value = context(ContextKind::InvalidValue);
    let message = match err.kind() {
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let reason = std::error::Error::source(err).map(ToString::to_string).unwrap_or_else(|| {
                let valid = context(ContextKind::ValidValue);
                if valid.is_empty() { String::new() } else { format!("valeurs acceptées : {valid}") }
            });
            format!("valeur « {value} » refusée pour {argument} : {reason}")
        }
        ErrorKind::UnknownArgument => format!("option inconnue « {argument} »"),
        ErrorKind::InvalidSubcommand => format!("commande inconnue « {} »", context(ContextKind::InvalidSubcommand)),
        ErrorKind::MissingRequiredArgument => format!("argument obligatoire manquant : {argument}"),
        ErrorKind::MissingSubcommand => "commande manquante".to_owned(),
        ErrorKind::TooManyValues | ErrorKind::ArgumentConflict => {
            format!("argument en trop ou incompatible : {argument} {value}")
        }
        _ => format!("ligne de commande invalide ({})", err.kind()),
    };
    eprintln!("erreur : {message}\nAide : socle --help, ou socle <COMMANDE> --help.");
    ExitCode::from(2)
}
