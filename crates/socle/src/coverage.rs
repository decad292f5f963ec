//! `socle referentiel coverage`: for every competence, the chapters that teach it and the graded
//! questions that assess it; a core competence missing either side fails the command.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::{EXIT_INVALID, ReferentielSource};

/// Options of `socle referentiel coverage`.
#[derive(clap::Args)]
pub struct CoverageArgs {
    /// Dossier des sources du livre.
    #[arg(long, default_value = "book", value_name = "DOSSIER")]
    book: PathBuf,
    /// Dossier des laboratoires (notebooks enseignants).
    #[arg(long, default_value = "labs", value_name = "DOSSIER")]
    labs: PathBuf,
    #[command(flatten)]
    source: ReferentielSource,
}

/// One place a competence appears, with its level.
struct Place {
    what: String,
    level: String,
}

/// Where each competence appears, by id.
type Places = BTreeMap<String, Vec<Place>>;

/// The graded questions of every teacher notebook under `labs/`, per competence, and the
/// problems met reading them.
fn assessed(labs: &Path) -> anyhow::Result<(Places, Vec<String>)> {
    let mut found = Places::new();
    let mut problems = Vec::new();
    let Ok(entries) = std::fs::read_dir(labs) else { return Ok((found, problems)) };
    let mut notebooks: Vec<PathBuf> = Vec::new();
    for entry in entries.flatten() {
        let dir = entry.path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).with_context(|| format!("lecture de {}", dir.display()))?.flatten() {
            if file.path().extension().is_some_and(|ext| ext == "ipynb") {
                notebooks.push(file.path());
            }
        }
    }
    notebooks.sort();
    for path in notebooks {
        let name = path.strip_prefix(labs).unwrap_or(&path).display().to_string();
        let notebook = match notebook::Notebook::read(&path) {
            Ok(notebook) => notebook,
            Err(err) => {
                problems.push(format!("{name} : {err}"));
                continue;
            }
        };
        let (nbgrader, _) = notebook::check_nbgrader(&notebook);
        let (socle, socle_problems) = notebook::check_socle(&notebook);
        problems.extend(socle_problems.iter().map(|problem| format!("{name} : {problem}")));
        for (cell_idx, data) in socle.cells.iter().enumerate() {
            let Some(data) = data else { continue };
            let question = nbgrader.get(cell_idx).cloned().flatten().and_then(|meta| meta.grade_id).unwrap_or_default();
            for id in &data.competences {
                found
                    .entry(id.as_str().to_owned())
                    .or_default()
                    .push(Place { what: format!("{name} : {question}"), level: data.level.as_str().to_owned() });
            }
        }
    }
    Ok((found, problems))
}

/// What the course teaches, for the observatory's supply side: each chapter with the
/// competences it teaches, each graded question with those it assesses. Problems (a chapter or
/// notebook that does not read) are logged; what reads is kept.
pub(crate) fn teaching(book_dir: &Path, labs: &Path) -> (Vec<indicators::Taught>, Vec<indicators::Taught>) {
    let chapters = match book::chapters(book_dir) {
        Ok(report) => {
            for problem in &report.problems {
                tracing::warn!("livre : {problem}");
            }
            report
                .chapters
                .iter()
                .filter(|chapter| !chapter.front.competences.is_empty())
                .map(|chapter| indicators::Taught {
                    id: chapter.path.display().to_string(),
                    competences: chapter.front.competences.iter().map(|taught| taught.id.clone()).collect(),
                })
                .collect()
        }
        Err(error) => {
            tracing::warn!("livre illisible pour l'observatoire : {error}");
            Vec::new()
        }
    };
    let mut questions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    match assessed(labs) {
        Ok((places, problems)) => {
            for problem in problems {
                tracing::warn!("laboratoires : {problem}");
            }
            for (competence, places) in places {
                for place in places {
                    questions.entry(place.what).or_default().push(competence.clone());
                }
            }
        }
        Err(error) => tracing::warn!("laboratoires illisibles pour l'observatoire : {error:#}"),
    }
    let questions = questions.into_iter().map(|(id, competences)| indicators::Taught { id, competences }).collect();
    (chapters, questions)
}

/// Runs the coverage report.
pub fn run(args: &CoverageArgs) -> anyhow::Result<ExitCode> {
    let referentiel = args.source.load().context("chargement du référentiel")?;
    let chapters = book::chapters(&args.book).context("lecture du livre")?;
    let mut taught = Places::new();
    for chapter in &chapters.chapters {
        for competence in &chapter.front.competences {
            taught
                .entry(competence.id.clone())
                .or_default()
                .push(Place { what: chapter.path.display().to_string(), level: competence.niveau.clone() });
        }
    }
    let (assessed, mut problems) = assessed(&args.labs)?;
    problems.extend(chapters.problems);
    let mut gaps = Vec::new();
    for competence in &referentiel.competences {
        let teaching = taught.get(&competence.id).map(Vec::as_slice).unwrap_or_default();
        let grading = assessed.get(&competence.id).map(Vec::as_slice).unwrap_or_default();
        let scope = if competence.core { "tronc commun" } else { "spécialisation" };
        println!("{} — {} ({scope})", competence.id, competence.label.fr);
        let list = |places: &[Place]| {
            if places.is_empty() {
                "aucun".to_owned()
            } else {
                places.iter().map(|place| format!("{} ({})", place.what, place.level)).collect::<Vec<_>>().join(", ")
            }
        };
        println!("    enseignée : {}", list(teaching));
        println!("    évaluée   : {}", list(grading));
        if competence.core && (teaching.is_empty() || grading.is_empty()) {
            let missing = match (teaching.is_empty(), grading.is_empty()) {
                (true, true) => "ni enseignée ni évaluée",
                (true, false) => "non enseignée",
                _ => "non évaluée",
            };
            gaps.push(format!("{} {missing}", competence.id));
        }
    }
    for id in taught.keys().chain(assessed.keys()) {
        if referentiel.competence(id).is_none() {
            problems.push(format!("compétence inconnue du référentiel : {id}"));
        }
    }
    let n_core = referentiel.competences.iter().filter(|competence| competence.core).count();
    println!("\n{} compétence(s) du tronc commun sur {n_core} sont enseignées et évaluées.", n_core - gaps.len());
    for problem in &problems {
        eprintln!("problème : {problem}");
    }
    if gaps.is_empty() && problems.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    if !gaps.is_empty() {
        eprintln!("Tronc commun incomplet ({}) : {}", gaps.len(), gaps.join(" ; "));
    }
    Ok(ExitCode::from(EXIT_INVALID))
}
