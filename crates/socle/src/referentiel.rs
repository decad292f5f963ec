//! `socle referentiel …`: validate, export and show the skills framework.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use skills::export::Format;
use skills::{Level, LoadError};

use crate::{EXIT_INVALID, ReferentielSource};

/// Subcommands of `socle referentiel`.
#[derive(clap::Subcommand)]
pub enum ReferentielCommand {
    /// Vérifie le référentiel et liste tous ses problèmes (code de sortie 1 s'il y en a).
    Validate {
        #[command(flatten)]
        source: ReferentielSource,
    },
    /// Écrit le référentiel sur la sortie standard dans un format d'échange.
    Export {
        /// Format : json (schéma public), case (paquet CASE), moodle-csv, openedx-csv.
        #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
        format: Format,
        #[command(flatten)]
        source: ReferentielSource,
    },
    /// Pour chaque compétence : chapitres qui l'enseignent, questions notées qui l'évaluent
    /// (code de sortie 1 si une compétence du tronc commun manque d'un côté ou de l'autre).
    Coverage(crate::coverage::CoverageArgs),
    /// Affiche la fiche d'une compétence.
    Show {
        /// Identifiant de la compétence, par exemple DS.MST.06.
        id: String,
        #[command(flatten)]
        source: ReferentielSource,
    },
}

fn parse_format(name: &str) -> Result<Format, String> {
    Format::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|format| format.name()).collect();
        format!("format inconnu « {name} » ; formats acceptés : {}", names.join(", "))
    })
}

/// Loads the référentiel; problems are printed and turned into exit code 1, I/O errors bubble up.
fn load_or_report(source: &ReferentielSource) -> anyhow::Result<Result<skills::Referentiel, ExitCode>> {
    match source.load() {
        Ok(referentiel) => Ok(Ok(referentiel)),
        Err(LoadError::Invalid(problems)) => {
            eprintln!("Le référentiel n'est pas valide : {} problème(s).", problems.len());
            for problem in &problems {
                eprintln!("  - {problem}");
            }
            Ok(Err(ExitCode::from(EXIT_INVALID)))
        }
        Err(err) => Err(err).context("lecture du référentiel"),
    }
}

/// Runs one `socle referentiel` subcommand.
pub fn run(command: &ReferentielCommand) -> anyhow::Result<ExitCode> {
    match command {
        ReferentielCommand::Validate { source } => {
            let referentiel = match load_or_report(source)? {
                Ok(referentiel) => referentiel,
                Err(code) => return Ok(code),
            };
            let n_core = referentiel.competences.iter().filter(|competence| competence.core).count();
            println!(
                "Référentiel {} valide : {} compétences ({} du tronc commun), {} groupes, {} piliers.",
                referentiel.version,
                referentiel.competences.len(),
                n_core,
                referentiel.groups.len(),
                referentiel.pillars.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        ReferentielCommand::Export { format, source } => {
            let referentiel = match load_or_report(source)? {
                Ok(referentiel) => referentiel,
                Err(code) => return Ok(code),
            };
            let text = skills::export::render(&referentiel, *format);
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes()).context("écriture sur la sortie standard")?;
            stdout.flush().context("écriture sur la sortie standard")?;
            Ok(ExitCode::SUCCESS)
        }
        ReferentielCommand::Coverage(args) => crate::coverage::run(args),
        ReferentielCommand::Show { id, source } => {
            let referentiel = match load_or_report(source)? {
                Ok(referentiel) => referentiel,
                Err(code) => return Ok(code),
            };
            let Some(competence) = referentiel.competence(id) else {
                eprintln!(
                    "Compétence inconnue « {id} ». Les identifiants ont la forme DS.<PILIER>.<nn> ; `socle referentiel export --format json` les liste tous."
                );
                return Ok(ExitCode::from(EXIT_INVALID));
            };
            print!("{}", card(&referentiel, competence));
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Width of the terminal card.
const CARD_WIDTH: usize = 78;

/// A readable card of one competence for the terminal.
fn card(referentiel: &skills::Referentiel, competence: &skills::Competence) -> String {
    let mut out = String::new();
    let rule = "─".repeat(CARD_WIDTH);
    out.push_str(&format!("{rule}\n{}  {}\n", competence.id, competence.label.fr));
    out.push_str(&format!("{}  ({})\n{rule}\n", " ".repeat(competence.id.chars().count()), competence.label.en));
    let pillar = referentiel.pillar(competence.pillar).map_or(String::new(), |info| info.label.fr.clone());
    let group = referentiel.group(&competence.group).map_or(String::new(), |group| group.label.fr.clone());
    out.push_str(&format!("Pilier      : {} — {pillar}\n", competence.pillar));
    out.push_str(&format!("Groupe      : {group}\n"));
    let place = match &competence.sector {
        Some(sector) => {
            let label = referentiel.sector(sector).map_or(sector.clone(), |info| info.label.fr.clone());
            format!("spécialisation — {label}")
        }
        None => "tronc commun".to_owned(),
    };
    out.push_str(&format!("Cursus      : {place}\n"));
    out.push_str(&format!(
        "Poids       : INF {:.0} %, MST {:.0} %, MET {:.0} %\n\n",
        competence.weights.inf * 100.0,
        competence.weights.mst * 100.0,
        competence.weights.met * 100.0
    ));
    out.push_str(&wrap(&competence.description.fr, CARD_WIDTH, ""));
    out.push_str("\nNiveaux\n");
    for level in Level::ALL {
        let label = referentiel.level(level).map_or("", |info| info.label.fr.as_str());
        out.push_str(&format!("  {level} {label}\n"));
        out.push_str(&wrap(competence.level(level), CARD_WIDTH, "     "));
    }
    out.push_str("\nCorrespondances\n");
    out.push_str(&format!("  EDSF : {}\n", competence.crosswalk.edsf.join(", ")));
    out.push_str(&wrap(&format!("ESCO : {}", competence.crosswalk.esco.join(" ; ")), CARD_WIDTH, "  "));
    if !competence.crosswalk.rome.is_empty() {
        out.push_str(&format!("  ROME : {}\n", competence.crosswalk.rome.join(", ")));
    }
    out.push_str("\nMots-clés\n");
    out.push_str(&wrap(&format!("fr : {}", competence.keywords.fr.join(", ")), CARD_WIDTH, "  "));
    out.push_str(&wrap(&format!("en : {}", competence.keywords.en.join(", ")), CARD_WIDTH, "  "));
    out.push_str(&format!("{rule}\n"));
    out
}

/// Wraps text at word boundaries, each line starting with `indent`.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    let indent_len = indent.chars().count();
    for word in text.split_whitespace() {
        let line_len = line.chars().count();
        if line_len > indent_len && line_len + 1 + word.chars().count() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(indent);
        }
        if line.chars().count() > indent_len {
            line.push(' ');
        }
        line.push_str(word);
    }
    if line.chars().count() > indent_len {
        out.push_str(&line);
        out.push('\n');
    }
    out
}
