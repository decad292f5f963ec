//! `cargo xtask setup`: installs what the tests need that cargo does not, only when missing.

use std::path::Path;
use std::process::Command;

use crate::Paths;

/// Debian's Chromium, driven by the browser tests.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Installs everything missing; each step says what it found and what it did.
pub fn run(paths: &Paths) -> Result<(), String> {
    println!("==> installation des dépendances de test (cache : {})", paths.cache.display());
    std::fs::create_dir_all(&paths.cache).map_err(|err| format!("création de {} : {err}", paths.cache.display()))?;
    debian_packages()?;
    node_modules(paths)?;
    python_venv(paths)?;
    evcxr(paths)?;
    kernelspecs(paths)?;
    labkit(paths)?;
    Ok(())
}

/// The Rust labs' dependencies: every crate of the lock file downloaded (evcxr asks cargo for
/// the whole dependency graph, every platform included, inside a sandbox without network), then
/// labkit's dependencies compiled once into the prepared build folder grading kernels mirror.
fn labkit(paths: &Paths) -> Result<(), String> {
    crate::run(paths, "téléchargement des crates du fichier de verrouillage", "cargo", &["fetch", "--locked"], &[])?;
    crate::run(
        paths,
        "dépendances des laboratoires Rust (socle labs setup)",
        "cargo",
        &["run", "--quiet", "--locked", "-p", "socle", "--", "labs", "setup", "--no-jupyter-config"],
        &[],
    )
}

/// Debian packages the tests use: Chromium for the browser tests, bubblewrap and socat for the
/// grading sandbox (socat relays evcxr's TCP channels to Unix sockets).
const DEBIAN_PACKAGES: [(&str, &str); 3] =
    [("chromium", CHROMIUM), ("bubblewrap", "/usr/bin/bwrap"), ("socat", "/usr/bin/socat")];

/// The evcxr Jupyter kernel, pinned.
const EVCXR_VERSION: &str = "0.22.0";

/// Installs evcxr_jupyter from crates.io into the cache (`cargo install --locked`), once.
fn evcxr(paths: &Paths) -> Result<(), String> {
    let root = paths.cache.join("tools");
    let binary = root.join("bin/evcxr_jupyter");
    let stamp = root.join(".socle-evcxr");
    if binary.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(EVCXR_VERSION) {
        println!("    noyau Rust evcxr_jupyter {EVCXR_VERSION} : déjà installé");
        return Ok(());
    }
    println!(
        "    noyau Rust : cargo install evcxr_jupyter {EVCXR_VERSION} (une dizaine de minutes la première fois, puis en cache)"
    );
    let status = Command::new(env!("CARGO"))
        .args(["install", "--locked", "--quiet", "evcxr_jupyter", "--version", EVCXR_VERSION, "--root"])
        .arg(&root)
        // Its own build folder: the workspace's target stays free for the tests.
        .env("CARGO_TARGET_DIR", paths.cache.join("target-tools"))
        .status()
        .map_err(|err| format!("cargo install evcxr_jupyter : {err}"))?;
    if !status.success() {
        return Err(format!("cargo install evcxr_jupyter a échoué ({status})"));
    }
    std::fs::write(&stamp, EVCXR_VERSION).map_err(|err| format!("écriture de {} : {err}", stamp.display()))
}

/// Registers the two kernels where socle looks first (`$SOCLE_CACHE_DIR/jupyter`).
fn kernelspecs(paths: &Paths) -> Result<(), String> {
    let kernels = paths.cache.join("jupyter/kernels");
    let python = paths.venv().join("bin/python");
    let evcxr = paths.cache.join("tools/bin/evcxr_jupyter");
    let specs = [
        (
            "python3",
            serde_json::json!({
                "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
            }),
        ),
        (
            "rust",
            serde_json::json!({
                "argv": [evcxr, "--control_file", "{connection_file}"],
                "display_name": "Rust",
                "language": "rust",
                "interrupt_mode": "message",
            }),
        ),
    ];
    for (name, spec) in specs {
        let dir = kernels.join(name);
        std::fs::create_dir_all(&dir).map_err(|err| format!("création de {} : {err}", dir.display()))?;
        let text = serde_json::to_string_pretty(&spec).unwrap_or_default();
        std::fs::write(dir.join("kernel.json"), text).map_err(|err| format!("écriture du noyau {name} : {err}"))?;
    }
    println!("    noyaux Jupyter python3 et rust : déclarés dans {}", kernels.display());
    Ok(())
}

fn debian_packages() -> Result<(), String> {
    let missing: Vec<&str> =
        DEBIAN_PACKAGES.iter().filter(|(_, binary)| !Path::new(binary).exists()).map(|(package, _)| *package).collect();
    if missing.is_empty() {
        println!("    paquets Debian : déjà installés");
        return Ok(());
    }
    println!("    paquets Debian à installer : {}", missing.join(", "));
    let as_root = is_root();
    let apt = |args: &[&str]| -> Result<(), String> {
        let mut command = if as_root {
            Command::new("apt-get")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.arg("apt-get");
            sudo
        };
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        let status = command
            .status()
            .map_err(|err| format!("apt-get introuvable ({err}) : installez {} à la main", missing.join(" ")))?;
        if status.success() { Ok(()) } else { Err(format!("apt-get {} a échoué ({status})", args.join(" "))) }
    };
    apt(&["update", "-qq"])?;
    let mut install = vec!["install", "-y", "-qq", "--no-install-recommends"];
    install.extend(&missing);
    apt(&install)
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|out| out.stdout.starts_with(b"0")).unwrap_or(false)
}

/// Copies `tools/browser/package*.json` into the cache and runs `npm ci` when the lock changed.
fn node_modules(paths: &Paths) -> Result<(), String> {
    let source = paths.root.join("tools/browser");
    let dest = paths.cache.join("node");
    let lock = read(&source.join("package-lock.json"))?;
    let stamp = dest.join(".socle-lock");
    if paths.node_modules().join("axe-core").exists()
        && std::fs::read_to_string(&stamp).ok().as_deref() == Some(lock.as_str())
    {
        println!("    modules npm (axe-core, playwright-core) : à jour");
        return Ok(());
    }
    println!("    modules npm : installation de axe-core et playwright-core (versions figées)");
    std::fs::create_dir_all(&dest).map_err(|err| format!("création de {} : {err}", dest.display()))?;
    for file in ["package.json", "package-lock.json"] {
        std::fs::copy(source.join(file), dest.join(file)).map_err(|err| format!("copie de {file} : {err}"))?;
    }
    let status = Command::new("npm")
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(&dest)
        .status()
        .map_err(|err| format!("npm introuvable ({err}) : installez Node.js et npm"))?;
    if !status.success() {
        return Err(format!("npm ci a échoué ({status})"));
    }
    std::fs::write(&stamp, lock).map_err(|err| format!("écriture de {} : {err}", stamp.display()))
}

/// Creates the Python virtual environment and installs `tools/python-requirements.txt` when it changed.
pub(crate) fn python_venv(paths: &Paths) -> Result<(), String> {
    let requirements_path = paths.root.join("tools/python-requirements.txt");
    let requirements = read(&requirements_path)?;
    let venv = paths.venv();
    let stamp = venv.join(".socle-requirements");
    let python = venv.join("bin/python");
    if python.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(requirements.as_str()) {
        println!("    environnement Python : à jour ({})", venv.display());
        return Ok(());
    }
    if !python.exists() {
        println!("    environnement Python : création de {}", venv.display());
        let status = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .map_err(|err| format!("python3 introuvable ({err})"))?;
        if !status.success() {
            return Err(format!("python3 -m venv a échoué ({status})"));
        }
    }
    println!("    environnement Python : installation de {}", requirements_path.display());
    let status = Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(&requirements_path)
        .status()
        .map_err(|err| format!("pip introuvable ({err})"))?;
    if !status.success() {
        return Err(format!("pip install a échoué ({status})"));
    }
    std::fs::write(&stamp, requirements).map_err(|err| format!("écriture de {} : {err}", stamp.display()))
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|err| format!("lecture de {} : {err}", path.display()))
}
