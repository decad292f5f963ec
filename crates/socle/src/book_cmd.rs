//! `socle book build`: the course book, with its problems and broken links reported.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::{EXIT_INVALID, ReferentielSource};

/// Subcommands of `socle book`.
#[derive(clap::Subcommand)]
pub enum BookCommand {
    /// Construit le livre du cours (HTML) et vérifie ses liens internes.
    Build(BuildArgs),
}

/// Options of `socle book build`.
#[derive(clap::Args)]
pub struct BuildArgs {
    /// Dossier des sources du livre (avec book.toml).
    #[arg(long, default_value = "book", value_name = "DOSSIER")]
    book: PathBuf,
    /// Dossier de sortie (son contenu est remplacé).
    #[arg(long, default_value = "data/cours", value_name = "DOSSIER")]
    out: PathBuf,
    /// Dossier des laboratoires.
    #[arg(long, default_value = "labs", value_name = "DOSSIER")]
    labs: PathBuf,
    #[command(flatten)]
    referentiel: ReferentielSource,
}

/// Runs `socle book …`.
pub fn run(command: &BookCommand) -> anyhow::Result<ExitCode> {
    match command {
        BookCommand::Build(args) => build(args),
    }
}

/// Builds the book; problems in the sources or broken links give exit code 1.
pub fn build(args: &BuildArgs) -> anyhow::Result<ExitCode> {
    let referentiel = args.referentiel.load().context("chargement du référentiel")?;
    let options =
        book::BuildOptions { book_dir: args.book.clone(), out_dir: args.out.clone(), labs_dir: args.labs.clone() };
    let report = book::build(&referentiel, &options).context("construction du livre")?;
    let broken = book::broken_links(&args.out, &referentiel, &args.labs);
    let words: usize = report.chapters.iter().map(|chapter| chapter.words).sum();
    println!(
        "Livre construit dans {} : {} chapitres, {} mots de texte.",
        args.out.display(),
        report.chapters.len(),
        words
    );
    if report.problems.is_empty() && broken.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("{} problème(s) dans le livre :", report.problems.len() + broken.len());
    for problem in report.problems.iter().chain(&broken) {
        eprintln!("  - {problem}");
    }
    Ok(ExitCode::from(EXIT_INVALID))
}
