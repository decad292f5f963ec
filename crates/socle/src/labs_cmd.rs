//! `socle labs setup`: prepares a machine for the labs (kernels, labkit's dependencies) and
//! shares with the grading commands the one-time preparation of labkit.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use grader::labkit::LabKit;

/// Subcommands of `socle labs`.
#[derive(clap::Subcommand)]
pub enum LabsCommand {
    /// Prépare la machine pour les laboratoires : noyaux Jupyter, dépendances Rust précompilées.
    Setup(SetupArgs),
}

/// Options of `socle labs setup`.
#[derive(clap::Args)]
pub struct SetupArgs {
    /// N'écrit pas la configuration d'evcxr de l'utilisateur (~/.config/evcxr/evcxr.toml).
    #[arg(long)]
    no_jupyter_config: bool,
}

/// Runs `socle labs …`.
pub fn run(command: &LabsCommand) -> anyhow::Result<ExitCode> {
    match command {
        LabsCommand::Setup(args) => setup(args),
    }
}

/// The labs' Rust library as shipped with socle's sources.
pub fn default_labkit() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("labkit")
}

/// labkit located and its dependencies prepared for `spec` (minutes the first time, with a
/// message); `None` when labkit's sources cannot be found.
pub async fn ensure_labkit(spec: &kernel::KernelSpec) -> anyhow::Result<Option<(LabKit, String)>> {
    let Some(kit) = LabKit::locate(&default_labkit()) else {
        return Ok(None);
    };
    let stamp = kit.stamp(spec)?;
    if !kit.is_prepared(&stamp) {
        eprintln!(
            "Préparation des dépendances des laboratoires Rust (labkit, polars) dans {} : une seule fois, \
             4 à 10 minutes selon la machine…",
            kit.prepared_dir(&stamp).display()
        );
        let took = kit.prepare(spec, &stamp).await?;
        eprintln!("Dépendances prêtes en {:.0} s.", took.as_secs_f64());
    }
    Ok(Some((kit, stamp)))
}

fn setup(args: &SetupArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    println!("Préparation des laboratoires (durée : moins d'une minute si tout est déjà prêt, 4 à 10 minutes sinon).");
    let search_path = kernel::search_path();
    let mut missing = false;
    let mut rust_spec = None;
    for (name, language, install) in [
        ("python3", "Python", "python3 -m pip install ipykernel polars numpy scikit-learn"),
        ("rust", "Rust", "cargo install --locked evcxr_jupyter && evcxr_jupyter --install"),
    ] {
        match kernel::find_kernelspec(name, &search_path) {
            Ok(spec) => {
                println!("  noyau {language} : {} ({})", spec.display_name, spec.dir.display());
                if name == "rust" {
                    rust_spec = Some(spec);
                }
            }
            Err(_) => {
                missing = true;
                println!("  noyau {language} : absent ; installez-le avec « {install} »");
            }
        }
    }
    if let Some(spec) = &rust_spec {
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("moteur asynchrone")?;
        match runtime.block_on(ensure_labkit(spec))? {
            Some((kit, stamp)) => {
                println!("  labkit : dépendances prêtes dans {}", kit.prepared_dir(&stamp).display());
                if !args.no_jupyter_config {
                    jupyter_config(&kit)?;
                }
            }
            None => {
                missing = true;
                println!("  labkit : sources introuvables (indiquez leur dossier avec SOCLE_LABKIT)");
            }
        }
    }
    println!("Terminé en {:.0} s.", started.elapsed().as_secs_f64());
    Ok(if missing { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// For notebooks opened in Jupyter on this machine: evcxr loads labkit at startup and keeps its
/// build folder between sessions, so polars compiles once (at the first opening) instead of at
/// every one. An existing configuration is left alone, with what to add printed.
fn jupyter_config(kit: &LabKit) -> anyhow::Result<()> {
    let Some(dir) = std::env::var_os("EVCXR_CONFIG_DIR").map(PathBuf::from).or_else(|| {
        std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))
            .map(|config| config.join("evcxr"))
    }) else {
        return Ok(());
    };
    let source = std::fs::canonicalize(&kit.source).unwrap_or_else(|_| kit.source.clone());
    let build = kit.cache.join("evcxr-jupyter");
    let text = format!(
        "# Écrit par « socle labs setup » : labkit chargé au démarrage du noyau Rust.\n[evcxr]\ntmpdir = \"{}\"\n\n[dependencies]\nlabkit = {{ path = \"{}\" }}\n",
        build.display(),
        source.display()
    );
    let file = dir.join("evcxr.toml");
    if file.exists() {
        println!("  Jupyter : {} existe déjà ; pour ouvrir les laboratoires Rust, il doit contenir :", file.display());
        for line in text.lines().skip(1) {
            println!("      {line}");
        }
        return Ok(());
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("création de {}", dir.display()))?;
    std::fs::write(&file, text).with_context(|| format!("écriture de {}", file.display()))?;
    println!(
        "  Jupyter : {} écrit ; la première ouverture d'un laboratoire Rust compile polars une fois (quelques minutes).",
        file.display()
    );
    Ok(())
}
