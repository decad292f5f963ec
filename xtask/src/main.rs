//! `cargo xtask`: the project's development tasks — setup, ci, and their parts.

mod bench;
mod bench_crawl;
mod bench_observatory;
mod setup;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

const USAGE: &str = "\
Utilisation : cargo xtask <TÂCHE>

Tâches :
  ci      installe ce qui manque, puis : jeux de données, format, clippy -D warnings,
          documentation, livre, tests
  setup   installe ce que les tests demandent et que cargo n'installe pas (Chromium,
          axe-core, environnement Python, noyaux Jupyter) ; ne refait rien de déjà fait
  bench grade [--n N] [--jobs N]
          corrige N copies avec socle et avec nbgrader (Python), et avec evcxr cellule par
          cellule (Rust), dans le même passage ; affiche les secondes par copie et le rapport
  bench crawl [--hosts HÔTE,HÔTE…] [--concurrency N]
          collecte et extrait les pages du web de démonstration (serveur local, sans délai de
          politesse) avec socle puis avec Scrapy, dans le même passage ; affiche les pages par
          seconde de chacun et le rapport
  bench observatory [--postings N] [--requetes N] [--indicateurs N]
          écrit N offres synthétiques (1000000 par défaut) dans l'entrepôt Parquet et l'index,
          puis mesure la recherche (médiane, 95e centile) face à SQLite FTS5 et les indicateurs
          avec polars face à pandas, dans le même passage (--indicateurs 10000000 : les
          indicateurs sur un entrepôt à part de 10 millions d'offres) ; affiche chaque mesure,
          son objectif et les rapports
  env     affiche les variables d'environnement que les tests utilisent (à évaluer dans un shell)
  datasets check [--fix-checksums]
          vérifie chaque dossier de datasets/ : dataset.toml, sommes sha256, en-têtes, types
          et nombre de lignes des CSV, fiche descriptive du livre, usage par un laboratoire ou
          un chapitre ; --fix-checksums réécrit d'abord sha256 et rows après une régénération

Les caches (cible de compilation, environnement Python, modules npm) vont dans
$SOCLE_CACHE_DIR, par défaut ${XDG_CACHE_HOME:-~/.cache}/socle.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().map(String::as_str);
    let result = match task {
        Some("ci") => ci(),
        Some("setup") => setup::run(&Paths::new()),
        Some("bench") => match args.get(1).map(String::as_str) {
            Some("grade") => bench::grade(&Paths::new(), &args[2..]),
            Some("crawl") => bench_crawl::crawl(&Paths::new(), &args[2..]),
            Some("observatory") => bench_observatory::observatory(&Paths::new(), &args[2..]),
            other => Err(format!(
                "banc d'essai inconnu « {} » ; bancs : grade, crawl, observatory",
                other.unwrap_or("(aucun)")
            )),
        },
        Some("datasets") => match args.get(1).map(String::as_str) {
            Some("check") => datasets_check(&Paths::new(), &args[2..]),
            other => {
                Err(format!("action inconnue « {} » pour datasets ; actions : check", other.unwrap_or("(aucune)")))
            }
        },
        Some("env") => {
            for (key, value) in Paths::new().env() {
                println!("export {key}={}", value.display());
            }
            Ok(())
        }
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        other => {
            eprintln!("tâche inconnue : {}\n\n{USAGE}", other.unwrap_or("(aucune)"));
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask : échec — {message}");
            ExitCode::FAILURE
        }
    }
}

/// Every per-user place the tasks use; all of it survives between CI runs in fresh clones.
pub struct Paths {
    /// The workspace root.
    pub root: PathBuf,
    /// The per-user cache root.
    pub cache: PathBuf,
}

impl Paths {
    fn new() -> Paths {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default();
        let cache = std::env::var_os("SOCLE_CACHE_DIR").map(PathBuf::from).unwrap_or_else(|| {
            let base = std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from).unwrap_or_else(|| {
                std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/tmp")).join(".cache")
            });
            base.join("socle")
        });
        Paths { root, cache }
    }

    /// Cargo's build folder, shared by every clone of this user.
    pub fn target(&self) -> PathBuf {
        std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| self.cache.join("target"))
    }

    /// The Python virtual environment of the tests.
    pub fn venv(&self) -> PathBuf {
        self.cache.join("venv")
    }

    /// The npm packages of the browser tests.
    pub fn node_modules(&self) -> PathBuf {
        self.cache.join("node").join("node_modules")
    }

    /// The variables the tests read to find what setup installed.
    pub fn env(&self) -> Vec<(&'static str, PathBuf)> {
        vec![
            ("CARGO_TARGET_DIR", self.target()),
            ("SOCLE_CACHE_DIR", self.cache.clone()),
            ("SOCLE_VENV", self.venv()),
            ("SOCLE_NODE_MODULES", self.node_modules()),
            ("SOCLE_CHROMIUM", PathBuf::from(setup::CHROMIUM)),
        ]
    }
}

/// Runs a command in the workspace with the tests' environment; fails with its name.
pub fn run(paths: &Paths, title: &str, program: &str, args: &[&str], extra_env: &[(&str, &str)]) -> Result<(), String> {
    println!("\n==> {title}");
    let started = Instant::now();
    let mut command = Command::new(program);
    command.args(args).current_dir(&paths.root);
    for (key, value) in paths.env() {
        command.env(key, value);
    }
    for (key, value) in extra_env {
        command.env(key, value);
    }
    let status = command.status().map_err(|err| format!("{title} : lancement de {program} impossible ({err})"))?;
    if !status.success() {
        return Err(format!("{title} : {program} {} a échoué ({status})", args.join(" ")));
    }
    println!("    {title} : ok en {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Runs the whole test suite, echoing its output, and ends with one summary line
/// (`tests: N passed, M failed`) so that a reader of the log sees the totals last.
fn run_tests(paths: &Paths, extra_env: &[(&str, &str)]) -> Result<(), String> {
    use std::io::{BufRead, BufReader};
    println!("\n==> tests");
    let started = Instant::now();
    let mut command = Command::new("cargo");
    command
        .args(["test", "--workspace", "--locked", "--no-fail-fast"])
        .current_dir(&paths.root)
        .stdout(std::process::Stdio::piped());
    for (key, value) in paths.env() {
        command.env(key, value);
    }
    for (key, value) in extra_env {
        command.env(key, value);
    }
    let mut child = command.spawn().map_err(|err| format!("tests : lancement de cargo impossible ({err})"))?;
    let (mut passed, mut failed) = (0u64, 0u64);
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{line}");
            if let Some(rest) = line.strip_prefix("test result: ") {
                passed += count_before(rest, " passed");
                failed += count_before(rest, " failed");
            }
        }
    }
    let status = child.wait().map_err(|err| format!("tests : {err}"))?;
    println!("    tests : {:.1} s", started.elapsed().as_secs_f64());
    if !status.success() {
        println!("tests: {passed} passed, {failed} failed");
        return Err(format!("tests : cargo test a échoué ({status})"));
    }
    println!("tests: {passed} passed, {failed} failed");
    Ok(())
}

/// The number just before `word` in a cargo summary such as `ok. 10 passed; 0 failed;`.
fn count_before(text: &str, word: &str) -> u64 {
    text.find(word)
        .and_then(|end| text[..end].rsplit(|ch: char| !ch.is_ascii_digit()).next())
        .and_then(|digits| digits.parse().ok())
        .unwrap_or(0)
}

/// `cargo xtask datasets check [--fix-checksums]`: prints every problem, fails if there is one.
fn datasets_check(paths: &Paths, args: &[String]) -> Result<(), String> {
    let mut fix = false;
    for arg in args {
        match arg.as_str() {
            "--fix-checksums" => fix = true,
            other => return Err(format!("option inconnue « {other} » ; option acceptée : --fix-checksums")),
        }
    }
    if fix {
        let fixed = xtask::datasets::fix_checksums(&paths.root);
        for change in &fixed.changes {
            println!("réécrit : {change}");
        }
        for problem in &fixed.problems {
            eprintln!("{problem}");
        }
        if fixed.changes.is_empty() && fixed.problems.is_empty() {
            println!("Sommes sha256 et nombres de lignes déjà à jour.");
        }
    }
    let report = xtask::datasets::check(&paths.root);
    for problem in &report.problems {
        eprintln!("{problem}");
    }
    if report.problems.is_empty() {
        println!(
            "{} jeu(x) de données vérifié(s) ({}) : aucun problème.",
            report.datasets.len(),
            report.datasets.join(", ")
        );
        Ok(())
    } else {
        Err(format!("{} problème(s) dans les jeux de données", report.problems.len()))
    }
}

/// Cargo settings of every build `ci` runs: no incremental compilation. A CI clone builds each
/// workspace crate once, so incremental data only costs disk (tens of gigabytes over a few runs
/// in the shared target folder) and never saves time.
const CI_ENV: &[(&str, &str)] = &[("CARGO_INCREMENTAL", "0")];

fn ci() -> Result<(), String> {
    let paths = Paths::new();
    let started = Instant::now();
    setup::run(&paths)?;
    println!("\n==> jeux de données");
    datasets_check(&paths, &[])?;
    run(&paths, "format", "cargo", &["fmt", "--all", "--check"], CI_ENV)?;
    run(
        &paths,
        "clippy",
        "cargo",
        &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"],
        CI_ENV,
    )?;
    run(
        &paths,
        "documentation",
        "cargo",
        &["doc", "--workspace", "--no-deps", "--locked"],
        &[("RUSTDOCFLAGS", "-D warnings"), CI_ENV[0]],
    )?;
    let book_out = paths.target().join("livre");
    let book_out = book_out.to_string_lossy();
    run(
        &paths,
        "livre",
        "cargo",
        &["run", "--quiet", "--locked", "-p", "socle", "--", "book", "build", "--out", &book_out],
        CI_ENV,
    )?;
    // Tests run last so that their summary line closes the log.
    run_tests(&paths, CI_ENV)?;
    eprintln!("ci : tout est passé en {:.0} s.", started.elapsed().as_secs_f64());
    Ok(())
}
