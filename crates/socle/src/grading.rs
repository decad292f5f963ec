//! `socle assign`, `socle grade` and `socle check`: the teacher's and the learner's grading commands.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use futures_util::StreamExt;
use grader::{Assignment, Expected, GradeConfig};

use crate::EXIT_INVALID;

/// Options of `socle assign`.
#[derive(clap::Args)]
pub struct AssignArgs {
    /// Notebook enseignant (solutions, tests cachés, sondes, métadonnées nbgrader).
    source: PathBuf,
    /// Dossier de sortie : student/ (version étudiante) et autograder/ (paquet de correction).
    #[arg(long, value_name = "DOSSIER")]
    out: PathBuf,
    #[command(flatten)]
    run: RunArgs,
}

/// Options of `socle grade`.
#[derive(clap::Args)]
pub struct GradeArgs {
    /// Notebook enseignant, ou dossier autograder/ produit par `socle assign`.
    #[arg(long, value_name = "SOURCE_OU_AUTOGRADER")]
    assignment: PathBuf,
    /// Copies à corriger (.ipynb).
    #[arg(required = true, value_name = "COPIE")]
    submissions: Vec<PathBuf>,
    /// Dossier des rapports.
    #[arg(long, default_value = "rapports", value_name = "DOSSIER")]
    out: PathBuf,
    /// Copies corrigées en parallèle (par défaut : nombre de cœurs).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    #[command(flatten)]
    run: RunArgs,
}

/// Options of `socle check`.
#[derive(clap::Args)]
pub struct CheckArgs {
    /// Notebook de l'élève.
    notebook: PathBuf,
    #[command(flatten)]
    run: RunArgs,
}

/// Execution options shared by the three commands.
#[derive(clap::Args, Clone)]
pub struct RunArgs {
    /// Temps maximal d'une cellule, en secondes (par défaut : 60 en Python, 180 en Rust, où chaque
    /// cellule est d'abord compilée).
    #[arg(long = "timeout-cell", value_name = "S")]
    timeout_cell: Option<u64>,
    /// Fichiers de données du laboratoire, copiés dans le dossier de travail de chaque noyau.
    #[arg(long = "data", value_name = "FICHIER")]
    data: Vec<PathBuf>,
}

impl RunArgs {
    fn config(&self) -> GradeConfig {
        let mut config = GradeConfig::default();
        config.limits.timeout = Duration::from_secs(self.timeout_cell.unwrap_or(DEFAULT_TIMEOUT_CELL).max(1));
        config.kernel.execution = config.limits.clone();
        config.data_files = self.data.clone();
        config
    }
}

/// For a Rust assignment: labkit preloaded in the kernels, its dependencies prepared once (the
/// first time takes minutes; later kernels start from the prepared build folder).
async fn lab_environment(
    assignment: &Assignment,
    config: &mut GradeConfig,
    timeout_cell: Option<u64>,
) -> anyhow::Result<()> {
    if assignment.language != grader::Language::Rust {
        return Ok(());
    }
    if timeout_cell.is_none() {
        config.limits.timeout = Duration::from_secs(DEFAULT_TIMEOUT_CELL_RUST);
        config.kernel.execution = config.limits.clone();
    }
    let spec = grader::kernelspec(assignment).context("noyau Rust")?;
    match crate::labs_cmd::ensure_labkit(&spec).await? {
        Some((kit, stamp)) => kit.apply(&stamp, &mut config.kernel),
        None => eprintln!("labkit introuvable (variable SOCLE_LABKIT) : les carnets Rust s'exécutent sans lui."),
    }
    Ok(())
}

/// Default time of a cell, in seconds; a Rust cell also compiles, longer on a busy machine.
const DEFAULT_TIMEOUT_CELL: u64 = 60;
/// Default time of a Rust cell, in seconds.
const DEFAULT_TIMEOUT_CELL_RUST: u64 = 180;

fn stem(path: &Path) -> String {
    path.file_stem().map(|stem| stem.to_string_lossy().into_owned()).unwrap_or_else(|| "devoir".to_owned())
}

fn read_assignment(path: &Path) -> anyhow::Result<Result<Assignment, ExitCode>> {
    let source = match notebook::Notebook::read(path) {
        Ok(source) => source,
        Err(err) => {
            eprintln!("Notebook enseignant illisible : {err}");
            return Ok(Err(ExitCode::from(EXIT_INVALID)));
        }
    };
    match Assignment::from_source(&stem(path), source) {
        Ok(assignment) => Ok(Ok(assignment)),
        Err(err) => {
            eprintln!("{} : {err}", path.display());
            Ok(Err(ExitCode::from(EXIT_INVALID)))
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("démarrage du moteur asynchrone")
}

/// Runs the solution; prints its problems and returns `None` when there are some.
async fn expected_values(assignment: &Assignment, config: &GradeConfig) -> anyhow::Result<Option<Expected>> {
    let (expected, problems) = grader::solution_run(assignment, config).await.context("exécution de la solution")?;
    if problems.is_empty() {
        return Ok(Some(expected));
    }
    eprintln!("La solution de l'enseignant ne passe pas ses propres contrôles :");
    for problem in problems {
        eprintln!("  - {problem}");
    }
    Ok(None)
}

/// `socle assign`.
pub fn assign(args: &AssignArgs) -> anyhow::Result<ExitCode> {
    let assignment = match read_assignment(&args.source)? {
        Ok(assignment) => assignment,
        Err(code) => return Ok(code),
    };
    let (student, problems) = grader::student_version(&assignment.source);
    if !problems.is_empty() {
        eprintln!("Version étudiante impossible :");
        for problem in problems {
            eprintln!("  - {problem}");
        }
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    for warning in assignment.state_warnings() {
        eprintln!("Avertissement : {warning}.");
    }
    let mut config = args.run.config();
    let runtime = runtime()?;
    runtime.block_on(lab_environment(&assignment, &mut config, args.run.timeout_cell))?;
    let Some(expected) = runtime.block_on(expected_values(&assignment, &config))? else {
        return Ok(ExitCode::from(EXIT_INVALID));
    };
    let student_dir = args.out.join("student");
    let bundle_dir = args.out.join("autograder");
    for dir in [&student_dir, &bundle_dir] {
        std::fs::create_dir_all(dir).with_context(|| format!("création de {}", dir.display()))?;
    }
    let file_name = format!("{}.ipynb", assignment.name);
    student
        .write(&student_dir.join(&file_name))
        .with_context(|| format!("écriture de la version étudiante {file_name}"))?;
    assignment
        .source
        .write(&bundle_dir.join(&file_name))
        .with_context(|| format!("écriture du paquet de correction {file_name}"))?;
    write_json(&bundle_dir.join(EXPECTED_FILE), &serde_json::to_value(&expected)?)?;
    for data in &args.run.data {
        if let Some(name) = data.file_name() {
            std::fs::copy(data, bundle_dir.join(name)).with_context(|| format!("copie de {}", data.display()))?;
        }
    }
    println!(
        "Devoir « {} » : {} question(s), {} point(s), {} sonde(s).",
        assignment.name,
        assignment.questions.len(),
        grader::report::format_points(assignment.max_points()),
        assignment.questions.iter().map(|question| question.probes.len()).sum::<usize>()
    );
    println!("  version étudiante : {}", student_dir.join(&file_name).display());
    println!("  paquet de correction : {}", bundle_dir.display());
    Ok(ExitCode::SUCCESS)
}

/// Name of the expected probe values inside an autograder bundle.
const EXPECTED_FILE: &str = "expected.json";

fn write_json(path: &Path, value: &serde_json::Value) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    std::fs::write(path, text).with_context(|| format!("écriture de {}", path.display()))
}

/// Loads an assignment from a teacher notebook or an autograder bundle, with expected values.
async fn load_for_grading(
    path: &Path,
    config: &mut GradeConfig,
    timeout_cell: Option<u64>,
) -> anyhow::Result<Result<(Assignment, Expected), ExitCode>> {
    if path.is_dir() {
        let notebooks: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("lecture de {}", path.display()))?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|candidate| candidate.extension().is_some_and(|ext| ext == "ipynb"))
            .collect();
        let [source] = notebooks.as_slice() else {
            eprintln!(
                "{} doit contenir exactement un notebook (le paquet produit par `socle assign`) ; trouvé : {}",
                path.display(),
                notebooks.len()
            );
            return Ok(Err(ExitCode::from(2)));
        };
        let assignment = match read_assignment(source)? {
            Ok(assignment) => assignment,
            Err(code) => return Ok(Err(code)),
        };
        let expected_path = path.join(EXPECTED_FILE);
        let text = std::fs::read_to_string(&expected_path)
            .with_context(|| format!("lecture de {}", expected_path.display()))?;
        let expected: Expected =
            serde_json::from_str(&text).with_context(|| format!("{} n'est pas valide", expected_path.display()))?;
        lab_environment(&assignment, config, timeout_cell).await?;
        return Ok(Ok((assignment, expected)));
    }
    let assignment = match read_assignment(path)? {
        Ok(assignment) => assignment,
        Err(code) => return Ok(Err(code)),
    };
    lab_environment(&assignment, config, timeout_cell).await?;
    match expected_values(&assignment, config).await? {
        Some(expected) => Ok(Ok((assignment, expected))),
        None => Ok(Err(ExitCode::from(EXIT_INVALID))),
    }
}

/// A seed that differs between runs and submissions, so canaries cannot be predicted.
fn seed(index: usize) -> u64 {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |since| since.as_nanos() as u64);
    nanos ^ ((index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)) ^ u64::from(std::process::id())
}

/// `socle grade`.
pub fn grade(args: &GradeArgs) -> anyhow::Result<ExitCode> {
    let mut config = args.run.config();
    let runtime = runtime()?;
    let (assignment, expected) =
        match runtime.block_on(load_for_grading(&args.assignment, &mut config, args.run.timeout_cell))? {
            Ok(loaded) => loaded,
            Err(code) => return Ok(code),
        };
    let config = Arc::new(config);
    let assignment = Arc::new(assignment);
    let expected = Arc::new(expected);
    std::fs::create_dir_all(&args.out).with_context(|| format!("création de {}", args.out.display()))?;
    let jobs = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from)).max(1);
    let total = args.submissions.len();
    let names = report_names(&args.submissions);
    let progress = Progress::new(total);
    let reports = runtime.block_on(async {
        // Kernels start ahead of need (at most `jobs` waiting), so that a submission rarely waits
        // for a kernel to boot.
        let (sender, receiver) = tokio::sync::mpsc::channel(jobs);
        let producer = {
            let assignment = Arc::clone(&assignment);
            let config = Arc::clone(&config);
            tokio::spawn(async move {
                let mut starts = futures_util::stream::iter(0..total)
                    .map(|_| {
                        let assignment = Arc::clone(&assignment);
                        let config = Arc::clone(&config);
                        async move { grader::start_kernel(&assignment, &config).await }
                    })
                    .buffered(jobs);
                while let Some(kernel) = starts.next().await {
                    if sender.send(kernel).await.is_err() {
                        break;
                    }
                }
            })
        };
        let receiver = Arc::new(tokio::sync::Mutex::new(receiver));
        let results: Vec<(usize, grader::Graded)> = futures_util::stream::iter(args.submissions.iter().enumerate())
            .map(|(index, path)| {
                let display = display_name(path, &names[index]);
                let assignment = Arc::clone(&assignment);
                let expected = Arc::clone(&expected);
                let config = Arc::clone(&config);
                let receiver = Arc::clone(&receiver);
                let progress = &progress;
                async move {
                    let kernel = receiver.lock().await.recv().await.unwrap_or_else(|| {
                        Err(grader::GradeError::Kernel {
                            kernel: assignment.kernel.clone(),
                            source: kernel::KernelError::Dead,
                        })
                    });
                    let graded =
                        grader::grade_file(&assignment, &expected, path, &display, kernel, &config, seed(index)).await;
                    progress.tick(&graded.report.submission);
                    (index, graded)
                }
            })
            .buffer_unordered(jobs)
            .collect()
            .await;
        let _ = producer.await;
        results
    });
    progress.finish();
    let mut reports = reports;
    reports.sort_by_key(|(index, _)| *index);
    let mut gradebook = csv::Writer::from_path(args.out.join("gradebook.csv")).context("écriture de gradebook.csv")?;
    gradebook.write_record(grader::report::GRADEBOOK_HEADER)?;
    let mut competences =
        csv::Writer::from_path(args.out.join("competences.csv")).context("écriture de competences.csv")?;
    competences.write_record(grader::report::COMPETENCES_HEADER)?;
    for ((_, graded), name) in reports.iter().zip(&names) {
        let report = &graded.report;
        let base = args.out.join(name);
        write_json(&base.with_extension("json"), &serde_json::to_value(report)?)?;
        let html = web::reports::grade_report_html(report).context("rendu du rapport HTML")?;
        std::fs::write(base.with_extension("html"), html).context("écriture du rapport HTML")?;
        if let Some(feedback) = &graded.feedback {
            let feedback_path = args.out.join(format!("{name}.feedback.ipynb"));
            std::fs::write(&feedback_path, feedback)
                .with_context(|| format!("écriture de {}", feedback_path.display()))?;
        }
        for row in grader::report::gradebook_rows(report) {
            gradebook.write_record(&row)?;
        }
        for row in grader::report::competence_rows(report) {
            competences.write_record(&row)?;
        }
        let integrity = if report.integrity.ok { "" } else { "  [intégrité : manipulation détectée]" };
        println!(
            "{} : {} / {}{integrity}",
            report.submission,
            grader::report::format_points(report.total),
            grader::report::format_points(report.max)
        );
    }
    gradebook.flush()?;
    competences.flush()?;
    println!("{} copie(s) corrigée(s) ; rapports dans {}", reports.len(), args.out.display());
    Ok(ExitCode::SUCCESS)
}

/// One distinct report name per submission: its file stem, prefixed by its folder's name when
/// two submissions share a stem (`alice/devoir.ipynb`, `bob/devoir.ipynb` → `alice-devoir`…),
/// numbered as a last resort.
fn report_names(paths: &[PathBuf]) -> Vec<String> {
    let stems: Vec<String> = paths.iter().map(|path| stem(path)).collect();
    let mut names: Vec<String> = Vec::with_capacity(paths.len());
    for (idx, path) in paths.iter().enumerate() {
        let shared = stems.iter().filter(|other| **other == stems[idx]).count() > 1;
        let mut name = if shared {
            let folder = path.parent().and_then(Path::file_name).map(|name| name.to_string_lossy().into_owned());
            folder.map_or_else(|| stems[idx].clone(), |folder| format!("{folder}-{}", stems[idx]))
        } else {
            stems[idx].clone()
        };
        if names.contains(&name) {
            name = format!("{name}-{}", idx + 1);
        }
        names.push(name);
    }
    names
}

/// How a report names its submission: the file name, or `folder/file` when the report name had
/// to be disambiguated by the folder.
fn display_name(path: &Path, report_name: &str) -> String {
    let file = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    if report_name == stem(path) {
        return file;
    }
    match path.parent().and_then(Path::file_name) {
        Some(folder) => format!("{}/{file}", folder.to_string_lossy()),
        None => file,
    }
}

/// A progress line on a terminal; silent otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new(total: usize) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = indicatif::ProgressBar::new(total as u64);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} copies corrigées — {msg} ({eta} restantes)")
        {
            bar.set_style(style);
        }
        Progress { bar: Some(bar) }
    }

    fn tick(&self, name: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(name.to_owned());
            bar.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// `socle check`: runs the visible tests of a learner's notebook and says which questions pass.
pub fn check(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let assignment = match read_assignment(&args.notebook)? {
        Ok(assignment) => assignment,
        Err(code) => return Ok(code),
    };
    let mut config = args.run.config();
    let runtime = runtime()?;
    runtime.block_on(lab_environment(&assignment, &mut config, args.run.timeout_cell))?;
    let execution = runtime.block_on(async {
        let mut kernel = grader::start_kernel(&assignment, &config).await?;
        let merged = assignment.merge(None);
        let execution = grader::run::execute(&assignment, &merged, &mut kernel, &config.limits, None).await;
        kernel.shutdown().await;
        Ok::<_, grader::GradeError>(execution)
    })?;
    println!("Vérification locale de {} (tests visibles seulement) :", args.notebook.display());
    let mut n_passed = 0;
    for (question_idx, question) in assignment.questions.iter().enumerate() {
        let verdict = match execution.questions.get(question_idx).cloned().flatten() {
            None => "non exécutée (le noyau s'était arrêté)".to_owned(),
            Some(run) if run.probes.iter().any(|probe| !matches!(probe, grader::run::ProbeRun::Value(_))) => {
                "échouée (une valeur contrôlée ne peut pas être calculée : la réponse lève une erreur)".to_owned()
            }
            Some(run) => match run.test.as_ref().map(|outcome| &outcome.status) {
                Some(kernel::ExecuteStatus::Ok) | None => {
                    n_passed += 1;
                    if question.probes.is_empty() {
                        "réussie".to_owned()
                    } else {
                        format!(
                            "tests visibles réussis ; {} valeur(s) vérifiée(s) à la correction",
                            question.probes.len()
                        )
                    }
                }
                Some(kernel::ExecuteStatus::Error { ename, .. }) => {
                    format!("échouée ({})", if ename.is_empty() { "erreur" } else { ename })
                }
                Some(kernel::ExecuteStatus::Timeout) => "temps dépassé".to_owned(),
                Some(_) => "non aboutie (noyau arrêté)".to_owned(),
            },
        };
        println!("  {} ({} pt) : {verdict}", question.id, grader::report::format_points(question.max));
    }
    println!("{n_passed} question(s) sur {} passent leurs tests visibles.", assignment.questions.len());
    Ok(ExitCode::SUCCESS)
}
