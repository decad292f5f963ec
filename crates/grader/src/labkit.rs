//! The Rust labs' environment: the `labkit` crate preloaded in every evcxr kernel, its
//! dependencies (polars…) compiled once into a prepared build folder that each grading kernel
//! mirrors read-only (see [`kernel::BuildFolder::Mirror`]).
//!
//! The prepared folder is named after a stamp of everything that decides its contents (labkit's
//! sources, the lock file it is resolved with, the Rust toolchain, the evcxr program), so a change
//! to any of them prepares a new folder instead of letting cargo rebuild inside a read-only one.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kernel::{BuildFolder, KernelConfig, KernelSpec};
use md5::{Digest, Md5};

/// Layout of a prepared folder; part of the stamp, so a new layout prepares a new folder.
const FORMAT: &str = "labkit-prepared-2: sources copied into the folder";
/// The copy of labkit's sources inside a prepared folder, the one kernels load.
const SOURCES_DIR: &str = "labkit";
/// File written last in a prepared folder: its presence means the preparation completed.
const READY_FILE: &str = "pret";

/// A code cell that makes the kernel compile and load labkit and the parts of polars labs use.
const WARM_UP: &str = r#"use labkit::prelude::*;
let echauffement = df!("a" => [1i64, 2, 3], "b" => [0.5f64, 1.5, 2.5]).unwrap()
    .lazy().group_by([col("a")]).agg([col("b").sum()]).collect().unwrap();
echauffement.height() + Alea::new(1).entier(0, 2) as usize"#;

/// Where labkit's sources are and where its prepared build folders go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabKit {
    /// The crate's folder (holding `Cargo.toml`).
    pub source: PathBuf,
    /// The folder holding prepared build folders, e.g. `~/.cache/socle`.
    pub cache: PathBuf,
}

/// Why the environment could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum LabKitError {
    /// A file could not be read or written.
    #[error("{what} : {source}")]
    Io {
        /// What was being done, in French.
        what: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The kernel failed to build or load labkit.
    #[error("préparation de labkit dans le noyau Rust : {0}")]
    Kernel(String),
}

fn io_error(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> LabKitError {
    let what = what.into();
    move |source| LabKitError::Io { what, source }
}

impl LabKit {
    /// The default environment: labkit from `$SOCLE_LABKIT`, else from `default_source` (the
    /// copy in socle's repository); prepared folders in `$SOCLE_CACHE_DIR`, else `$XDG_CACHE_HOME/socle`,
    /// else `~/.cache/socle`. `None` when no labkit sources are found.
    pub fn locate(default_source: &Path) -> Option<LabKit> {
        let source =
            std::env::var_os("SOCLE_LABKIT").map(PathBuf::from).unwrap_or_else(|| default_source.to_path_buf());
        if !source.join("Cargo.toml").is_file() {
            return None;
        }
        let cache = std::env::var_os("SOCLE_CACHE_DIR")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("XDG_CACHE_HOME").map(|dir| PathBuf::from(dir).join("socle")))
            .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache").join("socle")))
            .unwrap_or_else(|| std::env::temp_dir().join("socle-cache"));
        Some(LabKit { source, cache })
    }

    /// The lock file labkit is resolved with: the one of the workspace it belongs to, if any.
    fn lock_file(&self) -> Option<PathBuf> {
        self.source.ancestors().skip(1).map(|dir| dir.join("Cargo.lock")).find(|lock| lock.is_file())
    }

    /// A digest of everything that decides the prepared folder's contents.
    pub fn stamp(&self, spec: &KernelSpec) -> Result<String, LabKitError> {
        let mut hasher = Md5::new();
        hasher.update(FORMAT.as_bytes());
        let mut files = Vec::new();
        collect_files(&self.source, &mut files).map_err(io_error(format!("lecture de {}", self.source.display())))?;
        files.sort();
        for file in &files {
            hasher.update(file.strip_prefix(&self.source).unwrap_or(file).to_string_lossy().as_bytes());
            hasher.update(std::fs::read(file).map_err(io_error(format!("lecture de {}", file.display())))?);
        }
        // Only the locked versions labkit depends on: the workspace's other dependencies may
        // change without making the prepared folder stale.
        if let Some(lock) = self.lock_file() {
            let text = std::fs::read_to_string(&lock).map_err(io_error(format!("lecture de {}", lock.display())))?;
            for entry in locked_closure(&text, "labkit") {
                hasher.update(entry.as_bytes());
            }
        }
        let rustc = std::process::Command::new("rustc").arg("-vV").output();
        hasher.update(rustc.map(|output| output.stdout).unwrap_or_default());
        // The kernel's program: its size and modification time change with each installation.
        if let Some(meta) = spec.argv.first().and_then(|program| resolve(program)).and_then(|p| p.metadata().ok()) {
            hasher.update(meta.len().to_le_bytes());
            if let Ok(modified) = meta.modified().and_then(|time| {
                time.duration_since(std::time::UNIX_EPOCH).map_err(|err| std::io::Error::other(err.to_string()))
            }) {
                hasher.update(modified.as_secs().to_le_bytes());
            }
        }
        Ok(hasher.finalize().iter().take(8).map(|byte| format!("{byte:02x}")).collect())
    }

    /// The prepared folder for this stamp.
    pub fn prepared_dir(&self, stamp: &str) -> PathBuf {
        self.cache.join(format!("labkit-{stamp}"))
    }

    /// Whether the folder for this stamp is complete.
    pub fn is_prepared(&self, stamp: &str) -> bool {
        self.prepared_dir(stamp).join(READY_FILE).is_file()
    }

    /// The settings of a grading kernel: labkit preloaded, and the prepared folder mirrored when
    /// it exists for this stamp (otherwise every kernel compiles polars itself).
    pub fn apply(&self, stamp: &str, config: &mut KernelConfig) {
        // Loading labkit at startup links it and reads its metadata: far more than a bare
        // kernel's start, and much more on a busy machine.
        config.startup_timeout = config.startup_timeout.max(Duration::from_secs(300));
        let sandbox = &mut config.sandbox;
        sandbox.preloaded_crates.retain(|(name, _)| name != "labkit");
        // The prepared folder's own copy of the sources: cargo judges a path dependency fresh
        // by its files' modification times, and a fresh clone of the repository has new ones
        // (same contents, as the stamp guarantees).
        if self.is_prepared(stamp) {
            let prepared = self.prepared_dir(stamp);
            sandbox.preloaded_crates.push(("labkit".to_owned(), prepared.join(SOURCES_DIR)));
            sandbox.build = BuildFolder::Mirror(prepared);
        } else {
            sandbox.preloaded_crates.push(("labkit".to_owned(), self.source.clone()));
        }
        // rust-analyzer, which evcxr runs to type each variable, reads polars' whole source.
        sandbox.memory_bytes = sandbox.memory_bytes.max(4 << 30);
    }

    /// Builds the prepared folder for `spec` (several minutes: polars compiles), unless it
    /// exists. Older prepared folders are removed. Returns how long it took.
    pub async fn prepare(&self, spec: &KernelSpec, stamp: &str) -> Result<Duration, LabKitError> {
        let started = Instant::now();
        if self.is_prepared(stamp) {
            return Ok(started.elapsed());
        }
        std::fs::create_dir_all(&self.cache).map_err(io_error(format!("création de {}", self.cache.display())))?;
        // One preparation at a time: another process preparing the same stamp is waited for.
        let lock_path = self.cache.join(format!("labkit-{stamp}.verrou"));
        let _lock = loop {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&lock_path) {
                Ok(_) => break LockFile(lock_path.clone()),
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                    let age = std::fs::metadata(&lock_path)
                        .and_then(|meta| meta.modified())
                        .ok()
                        .and_then(|modified| modified.elapsed().ok())
                        .unwrap_or_default();
                    if age > Duration::from_secs(3 * 3600) {
                        let _ = std::fs::remove_file(&lock_path);
                    }
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    if self.is_prepared(stamp) {
                        return Ok(started.elapsed());
                    }
                }
                Err(err) => return Err(io_error(format!("création de {}", lock_path.display()))(err)),
            }
        };
        if self.is_prepared(stamp) {
            return Ok(started.elapsed());
        }
        let final_dir = self.prepared_dir(stamp);
        let work = self.cache.join(format!("labkit-{stamp}.en-cours-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&work);
        let evcxr_dir = work.join("evcxr");
        std::fs::create_dir_all(&evcxr_dir).map_err(io_error(format!("création de {}", evcxr_dir.display())))?;
        if let Some(lock) = self.lock_file() {
            std::fs::copy(&lock, evcxr_dir.join("Cargo.lock"))
                .map_err(io_error(format!("copie de {}", lock.display())))?;
        }
        let sources = work.join(SOURCES_DIR);
        copy_sources(&self.source, &sources).map_err(io_error(format!("copie de {}", self.source.display())))?;
        let mut config = KernelConfig::default();
        config.sandbox.preloaded_crates = vec![("labkit".to_owned(), sources)];
        config.sandbox.build = BuildFolder::Shared(work.clone());
        // Compiling polars: big files, many processes, long CPU time. This is trusted code.
        config.sandbox.memory_bytes = 12 << 30;
        config.sandbox.max_file_bytes = 4 << 30;
        config.sandbox.max_processes = 1024;
        config.sandbox.cpu_seconds = 4 * 3600;
        config.startup_timeout = Duration::from_secs(3 * 3600);
        config.execution.timeout = Duration::from_secs(3600);
        let outcome = async {
            let mut kernel =
                kernel::Kernel::start(spec, &config).await.map_err(|err| LabKitError::Kernel(err.to_string()))?;
            let result = kernel.execute(WARM_UP).await;
            kernel.shutdown().await;
            match result {
                Ok(outcome) if outcome.status == kernel::ExecuteStatus::Ok => Ok(()),
                Ok(outcome) => Err(LabKitError::Kernel(format!(
                    "la cellule d'essai a échoué ({:?}) : {}{}",
                    outcome.status,
                    outcome.stdout(),
                    outcome.stderr()
                ))),
                Err(err) => Err(LabKitError::Kernel(err.to_string())),
            }
        }
        .await;
        if let Err(err) = outcome {
            let _ = std::fs::remove_dir_all(&work);
            return Err(err);
        }
        std::fs::write(work.join(READY_FILE), stamp).map_err(io_error("écriture du témoin de préparation"))?;
        let _ = std::fs::remove_dir_all(&final_dir);
        std::fs::rename(&work, &final_dir).map_err(io_error(format!("renommage en {}", final_dir.display())))?;
        self.remove_stale(stamp);
        Ok(started.elapsed())
    }

    /// Removes prepared folders of other stamps (each weighs about 2 GB) made more than a day
    /// ago: a younger one may still be mirrored by a grading run started before the change.
    fn remove_stale(&self, stamp: &str) {
        let Ok(entries) = std::fs::read_dir(&self.cache) else { return };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let ours = name == format!("labkit-{stamp}");
            let in_progress = name.contains(".en-cours-") || name.ends_with(".verrou");
            let old = entry
                .metadata()
                .and_then(|meta| meta.modified())
                .ok()
                .and_then(|modified| modified.elapsed().ok())
                .is_some_and(|age| age > Duration::from_secs(24 * 3600));
            if name.starts_with("labkit-") && !ours && !in_progress && old {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// The `name version` of every package of a `Cargo.lock` that `root` depends on, itself included,
/// sorted; empty when the text is not a lock file.
fn locked_closure(lock: &str, root: &str) -> Vec<String> {
    let Ok(value) = lock.parse::<toml::Table>() else { return Vec::new() };
    let packages: Vec<(String, String, Vec<String>)> = value
        .get("package")
        .and_then(toml::Value::as_array)
        .map(|packages| {
            packages
                .iter()
                .filter_map(|package| {
                    let name = package.get("name")?.as_str()?.to_owned();
                    let version = package.get("version")?.as_str()?.to_owned();
                    let deps = package
                        .get("dependencies")
                        .and_then(toml::Value::as_array)
                        .map(|deps| deps.iter().filter_map(|dep| dep.as_str().map(str::to_owned)).collect())
                        .unwrap_or_default();
                    Some((name, version, deps))
                })
                .collect()
        })
        .unwrap_or_default();
    // A dependency is written `name` when one version is locked, else `name version (source)`.
    let matches = |reference: &str, name: &str, version: &str| {
        let mut parts = reference.split(' ');
        parts.next() == Some(name) && parts.next().is_none_or(|wanted| wanted == version)
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut stack: Vec<String> = vec![root.to_owned()];
    while let Some(reference) = stack.pop() {
        for (name, version, deps) in &packages {
            if matches(&reference, name, version) && seen.insert(format!("{name} {version}")) {
                stack.extend(deps.iter().cloned());
            }
        }
    }
    seen.into_iter().collect()
}

/// Copies a crate's sources: the files the stamp covers ([`collect_files`]), nothing else.
fn copy_sources(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut files = Vec::new();
    collect_files(from, &mut files)?;
    for file in files {
        let target = to.join(file.strip_prefix(from).unwrap_or(&file));
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(&file, target)?;
    }
    Ok(())
}

/// Removes the preparation lock when dropped, whatever happened.
struct LockFile(PathBuf);

impl Drop for LockFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || name.to_string_lossy().starts_with('.') {
            continue;
        }
        if entry.file_type()?.is_dir() {
            collect_files(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

/// An absolute program path, or a bare name looked up on `PATH`.
fn resolve(program: &str) -> Option<PathBuf> {
    let path = Path::new(program);
    if path.is_absolute() {
        return Some(path.to_path_buf());
    }
    std::env::split_paths(&std::env::var_os("PATH")?).map(|dir| dir.join(program)).find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> KernelSpec {
        KernelSpec {
            name: "rust".to_owned(),
            dir: PathBuf::from("/nonexistent"),
            argv: vec!["/nonexistent/evcxr_jupyter".to_owned()],
            display_name: "Rust".to_owned(),
            language: "rust".to_owned(),
            env: Default::default(),
        }
    }

    #[test]
    fn the_lock_closure_follows_dependencies_only() {
        let lock = r#"
version = 4

[[package]]
name = "labkit"
version = "0.1.0"
dependencies = ["polars", "itoa 1.0.1"]

[[package]]
name = "polars"
version = "0.55.2"
dependencies = ["itoa 1.0.2"]

[[package]]
name = "itoa"
version = "1.0.1"

[[package]]
name = "itoa"
version = "1.0.2"

[[package]]
name = "axum"
version = "0.8.0"
dependencies = ["itoa 1.0.2"]
"#;
        assert_eq!(locked_closure(lock, "labkit"), ["itoa 1.0.1", "itoa 1.0.2", "labkit 0.1.0", "polars 0.55.2"]);
        assert!(locked_closure("pas un lock", "labkit").is_empty());
    }

    #[test]
    fn the_stamp_follows_the_sources_and_apply_mirrors_only_a_ready_folder() {
        let root = std::env::temp_dir().join(format!("socle-labkit-test-{}", std::process::id()));
        let source = root.join("labkit");
        std::fs::create_dir_all(source.join("src")).unwrap();
        std::fs::write(source.join("Cargo.toml"), "[package]\nname = \"labkit\"\n").unwrap();
        std::fs::write(source.join("src/lib.rs"), "pub fn a() {}\n").unwrap();
        let kit = LabKit { source: source.clone(), cache: root.join("cache") };
        let first = kit.stamp(&spec()).unwrap();
        assert_eq!(first, kit.stamp(&spec()).unwrap());
        std::fs::write(source.join("src/lib.rs"), "pub fn b() {}\n").unwrap();
        let second = kit.stamp(&spec()).unwrap();
        assert_ne!(first, second);

        let mut config = KernelConfig::default();
        kit.apply(&second, &mut config);
        assert_eq!(config.sandbox.preloaded_crates, vec![("labkit".to_owned(), source.clone())]);
        assert_eq!(config.sandbox.build, BuildFolder::Fresh);
        std::fs::create_dir_all(kit.prepared_dir(&second)).unwrap();
        std::fs::write(kit.prepared_dir(&second).join(READY_FILE), &second).unwrap();
        kit.apply(&second, &mut config);
        assert_eq!(
            config.sandbox.preloaded_crates,
            vec![("labkit".to_owned(), kit.prepared_dir(&second).join(SOURCES_DIR))]
        );
        assert_eq!(config.sandbox.build, BuildFolder::Mirror(kit.prepared_dir(&second)));
        assert!(config.startup_timeout >= Duration::from_secs(300));
        let copy = root.join("copie");
        std::fs::create_dir_all(source.join("target/debug")).unwrap();
        std::fs::write(source.join("target/debug/x"), "").unwrap();
        copy_sources(&source, &copy).unwrap();
        assert_eq!(std::fs::read_to_string(copy.join("src/lib.rs")).unwrap(), "pub fn b() {}\n");
        assert!(copy.join("Cargo.toml").is_file() && !copy.join("target").exists());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
