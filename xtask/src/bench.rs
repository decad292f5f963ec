//! `cargo xtask bench grade`: socle against nbgrader (Python) and against cell-by-cell evcxr
//! execution (Rust), on the same batch of submissions, in one run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use serde_json::{Value, json};

use crate::Paths;

/// Options of `bench grade`.
struct Options {
    submissions: usize,
    jobs: usize,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options { submissions: 20, jobs: 2 };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| -> Result<usize, String> {
            iter.next().and_then(|text| text.parse().ok()).ok_or_else(|| format!("{name} attend un nombre entier"))
        };
        match arg.as_str() {
            "--n" => options.submissions = value("--n")?.max(1),
            "--jobs" => options.jobs = value("--jobs")?.max(1),
            other => return Err(format!("option inconnue « {other} » ; options : --n N (copies), --jobs N")),
        }
    }
    Ok(options)
}

/// Runs the grading benchmark.
pub fn grade(paths: &Paths, args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    crate::setup::run(paths)?;
    crate::run(
        paths,
        "compilation de socle (release)",
        "cargo",
        &["build", "--release", "--locked", "-p", "socle"],
        &[],
    )?;
    let socle = paths.target().join("release/socle");
    let work = std::env::temp_dir().join(format!("socle-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|err| format!("création de {} : {err}", work.display()))?;
    let result = (|| {
        let python = bench_language(paths, &socle, &work, "python", &options)?;
        let rust = bench_language(paths, &socle, &work, "rust", &options)?;
        println!(
            "\nRésultats ({} copies par langage, {} correction(s) en parallèle pour socle) :",
            options.submissions, options.jobs
        );
        println!(
            "  Python : socle {:.3} s/copie, nbgrader autograde {:.3} s/copie, rapport {:.1}×",
            python.0,
            python.1,
            python.1 / python.0
        );
        println!(
            "  Rust   : socle {:.3} s/copie, evcxr cellule par cellule {:.3} s/copie, rapport {:.1}×",
            rust.0,
            rust.1,
            rust.1 / rust.0
        );
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&work);
    result
}

/// Answers of the lab fixtures: (grade_id, right answer, wrong answer) per language.
fn answers(language: &str) -> [(&'static str, &'static str, &'static str); 3] {
    match language {
        "python" => [
            ("carre", "def carre(x):\n    return x * x", "def carre(x):\n    return x + x"),
            (
                "moyenne",
                "def moyenne(valeurs):\n    return sum(valeurs) / len(valeurs)",
                "def moyenne(valeurs):\n    return sum(valeurs)",
            ),
            (
                "ecart_type",
                "def ecart_type(valeurs):\n    m = moyenne(valeurs)\n    return math.sqrt(sum((v - m) ** 2 for v in valeurs) / len(valeurs))",
                "def ecart_type(valeurs):\n    return 0.0",
            ),
        ],
        // The polars fixture: right answers are the teacher's, wrong ones compile and run.
        _ => [
            (
                "total_par_region",
                "fn total_par_region(ventes: &DataFrame) -> DataFrame {\n    ventes.clone().lazy().group_by([col(\"region\")])\n        .agg([col(\"montant\").sum().alias(\"total\")])\n        .sort([\"region\"], SortMultipleOptions::default()).collect().unwrap()\n}",
                "fn total_par_region(ventes: &DataFrame) -> DataFrame {\n    ventes.clone().lazy().group_by([col(\"region\")])\n        .agg([col(\"montant\").mean().alias(\"total\")])\n        .sort([\"region\"], SortMultipleOptions::default()).collect().unwrap()\n}",
            ),
            (
                "part_du_mois",
                "fn part_du_mois(ventes: &DataFrame, mois: i64) -> f64 {\n    let total: f64 = colonne_f64(ventes, \"montant\").iter().sum();\n    let du_mois = ventes.clone().lazy().filter(col(\"mois\").eq(lit(mois))).collect().unwrap();\n    colonne_f64(&du_mois, \"montant\").iter().sum::<f64>() / total\n}",
                "fn part_du_mois(ventes: &DataFrame, mois: i64) -> f64 {\n    let du_mois = ventes.clone().lazy().filter(col(\"mois\").eq(lit(mois))).collect().unwrap();\n    du_mois.height() as f64 / ventes.height() as f64\n}",
            ),
            (
                "meilleur_mois",
                "fn meilleur_mois(ventes: &DataFrame) -> i64 {\n    let par_mois = ventes.clone().lazy().group_by([col(\"mois\")])\n        .agg([col(\"montant\").sum().alias(\"ca\")])\n        .sort([\"ca\"], SortMultipleOptions::default().with_order_descending(true)).collect().unwrap();\n    colonne_i64(&par_mois, \"mois\")[0].unwrap()\n}",
                "fn meilleur_mois(_ventes: &DataFrame) -> i64 {\n    1\n}",
            ),
        ],
    }
}

/// Submission `idx`: answer `k` is right when bit `k` of `idx` is set, so the batch mixes every
/// combination of right and wrong answers.
fn submission(student: &Value, language: &str, idx: usize) -> Value {
    let mut notebook = student.clone();
    let cells = notebook["cells"].as_array_mut().map(std::mem::take).unwrap_or_default();
    let answers = answers(language);
    let cells: Vec<Value> = cells
        .into_iter()
        .map(|mut cell| {
            let grade_id = cell["metadata"]["nbgrader"]["grade_id"].as_str().unwrap_or_default().to_owned();
            if let Some(position) = answers.iter().position(|(id, _, _)| *id == grade_id) {
                let (_, right, wrong) = answers[position];
                cell["source"] = json!(if idx & (1 << position) != 0 { right } else { wrong });
            }
            cell
        })
        .collect();
    notebook["cells"] = json!(cells);
    notebook
}

/// Runs `command` after a progress line, returns its wall-clock seconds and output; fails with
/// the end of its stderr. Shared by the crawl and observatory benchmarks.
pub(crate) fn timed_output(title: &str, command: &mut Command) -> Result<(f64, Output), String> {
    println!("    {title}…");
    let started = Instant::now();
    let output = command.output().map_err(|err| format!("{title} : lancement impossible ({err})"))?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
        return Err(format!(
            "{title} a échoué ({}) :\n{}",
            output.status,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    }
    Ok((seconds, output))
}

fn timed(title: &str, command: &mut Command) -> Result<f64, String> {
    let started = Instant::now();
    let status = command.stdout(Stdio::null()).status().map_err(|err| format!("{title} : {err}"))?;
    if !status.success() {
        return Err(format!("{title} a échoué ({status})"));
    }
    Ok(started.elapsed().as_secs_f64())
}

/// (socle seconds per submission, baseline seconds per submission).
fn bench_language(
    paths: &Paths,
    socle: &Path,
    work: &Path,
    language: &str,
    options: &Options,
) -> Result<(f64, f64), String> {
    // Rust: polars-using submissions (labkit), the kind whose cell-by-cell execution is slow.
    let fixture_name = if language == "rust" { "labo-rust-polars" } else { "labo-python" };
    let fixture = paths.root.join(format!("crates/socle/tests/fixtures/{fixture_name}/devoir.ipynb"));
    let dir = work.join(language);
    let assigned = dir.join("devoir");
    let status = Command::new(socle)
        .arg("assign")
        .arg(&fixture)
        .arg("--out")
        .arg(&assigned)
        .stdout(Stdio::null())
        .status()
        .map_err(|err| format!("socle assign : {err}"))?;
    if !status.success() {
        return Err(format!("socle assign {language} a échoué"));
    }
    let student_text = std::fs::read_to_string(assigned.join("student/devoir.ipynb")).map_err(|err| err.to_string())?;
    let student: Value = serde_json::from_str(&student_text).map_err(|err| err.to_string())?;
    let mut submissions: Vec<PathBuf> = Vec::new();
    for idx in 0..options.submissions {
        let folder = dir.join("copies").join(format!("eleve{idx:03}"));
        std::fs::create_dir_all(&folder).map_err(|err| err.to_string())?;
        let path = folder.join("devoir.ipynb");
        let text = serde_json::to_string_pretty(&submission(&student, language, idx)).unwrap_or_default();
        std::fs::write(&path, text).map_err(|err| err.to_string())?;
        submissions.push(path);
    }
    println!("\n==> {language} : {} copies", submissions.len());
    let mut command = Command::new(socle);
    command
        .arg("grade")
        .arg("--assignment")
        .arg(assigned.join("autograder"))
        .arg("--out")
        .arg(dir.join("rapports"))
        .arg("--jobs")
        .arg(options.jobs.to_string())
        .args(&submissions);
    let socle_seconds = timed("socle grade", &mut command)?;
    println!("    socle grade : {socle_seconds:.2} s");
    let baseline_seconds = if language == "python" {
        nbgrader(paths, &fixture, &submissions, &dir)?
    } else {
        evcxr_cell_by_cell(paths, &submissions)?
    };
    let n = submissions.len() as f64;
    Ok((socle_seconds / n, baseline_seconds / n))
}

/// `nbgrader autograde` on the same submissions (generate_assignment is not timed).
fn nbgrader(paths: &Paths, fixture: &Path, submissions: &[PathBuf], dir: &Path) -> Result<f64, String> {
    let course = dir.join("cours-nbgrader");
    let source = course.join("source/devoir");
    std::fs::create_dir_all(&source).map_err(|err| err.to_string())?;
    std::fs::copy(fixture, source.join("devoir.ipynb")).map_err(|err| err.to_string())?;
    let mut students = Vec::new();
    for path in submissions {
        let student =
            path.parent().and_then(Path::file_name).map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        let target = course.join("submitted").join(&student).join("devoir");
        std::fs::create_dir_all(&target).map_err(|err| err.to_string())?;
        std::fs::copy(path, target.join("devoir.ipynb")).map_err(|err| err.to_string())?;
        students.push(format!("dict(id={student:?})"));
    }
    let config = format!(
        "c = get_config()\nc.CourseDirectory.root = {:?}\nc.CourseDirectory.db_assignments = [dict(name='devoir')]\nc.CourseDirectory.db_students = [{}]\nc.ExecutePreprocessor.kernel_name = 'python3'\n",
        course.display().to_string(),
        students.join(", ")
    );
    std::fs::write(course.join("nbgrader_config.py"), config).map_err(|err| err.to_string())?;
    let bin = paths.venv().join("bin");
    let path_env = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let nbgrader = bin.join("nbgrader");
    timed(
        "nbgrader generate_assignment",
        Command::new(&nbgrader)
            .args(["generate_assignment", "devoir", "--force"])
            .current_dir(&course)
            .env("PATH", &path_env)
            .stderr(Stdio::null()),
    )?;
    let seconds = timed(
        "nbgrader autograde",
        Command::new(&nbgrader)
            .args(["autograde", "devoir", "--force"])
            .current_dir(&course)
            .env("PATH", &path_env)
            .stderr(Stdio::null()),
    )?;
    println!("    nbgrader autograde : {seconds:.2} s");
    Ok(seconds)
}

/// Each submission executed cell by cell through evcxr_jupyter by `jupyter nbconvert --execute`,
/// one notebook after the other, as a teacher without socle would run them: labkit loaded at
/// startup, evcxr's own build cache on (`:cache`, kept between runs) and warmed by one untimed
/// notebook, the same optimisation level as socle's kernels, no network.
fn evcxr_cell_by_cell(paths: &Paths, submissions: &[PathBuf]) -> Result<f64, String> {
    let config = paths.cache.join("bench-evcxr/config");
    std::fs::create_dir_all(&config).map_err(|err| format!("création de {} : {err}", config.display()))?;
    let labkit = paths.root.join("crates/labkit");
    std::fs::write(config.join("evcxr.toml"), "[evcxr]\nopt_level = \"0\"\noffline_mode = true\n")
        .map_err(|err| err.to_string())?;
    std::fs::write(
        config.join("init.evcxr"),
        format!(":cache 8000\n:dep labkit = {{ path = {:?} }}\n", labkit.display().to_string()),
    )
    .map_err(|err| err.to_string())?;
    if let Some(first) = submissions.first() {
        println!("    préchauffage du cache d'evcxr (non chronométré)…");
        nbconvert(paths, &config, first)?;
    }
    let started = Instant::now();
    for path in submissions {
        nbconvert(paths, &config, path)?;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!("    evcxr cellule par cellule (jupyter nbconvert --execute) : {seconds:.2} s");
    Ok(seconds)
}

fn nbconvert(paths: &Paths, evcxr_config: &Path, path: &Path) -> Result<(), String> {
    let jupyter = paths.venv().join("bin/jupyter");
    let kernels = paths.cache.join("jupyter");
    {
        let output = Command::new(&jupyter)
            .args([
                "nbconvert",
                "--to",
                "notebook",
                "--execute",
                "--allow-errors",
                "--ExecutePreprocessor.kernel_name=rust",
                "--output-dir",
            ])
            .arg(path.parent().unwrap_or(Path::new(".")))
            .args(["--output", "execute"])
            .arg(path)
            .env("JUPYTER_PATH", &kernels)
            .env("EVCXR_CONFIG_DIR", evcxr_config)
            .env("XDG_CACHE_HOME", paths.cache.join("bench-evcxr/cache"))
            .env("CARGO_NET_OFFLINE", "true")
            // A cell's first compile with polars takes far longer than nbconvert's default.
            .arg("--ExecutePreprocessor.timeout=1800")
            // Loading labkit at kernel start links polars: longer than the default minute.
            .arg("--ExecutePreprocessor.startup_timeout=1800")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .map_err(|err| format!("jupyter nbconvert : {err}"))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
            return Err(format!(
                "jupyter nbconvert --execute a échoué sur {} ({}) :\n{}",
                path.display(),
                output.status,
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            ));
        }
    }
    Ok(())
}
