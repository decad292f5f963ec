//! Helpers for the socle binary's tests: running the command, a live server, temporary folders.

// Each test binary includes this module and uses a different part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("racine du dépôt")
}

/// Runs `socle ARGS…` and returns its output.
pub fn socle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_socle")).args(args).output().expect("lancement de socle")
}

/// A fresh temporary folder, removed on drop.
pub struct TempDir {
    pub path: PathBuf,
}

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "socle-test-{tag}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("dossier temporaire");
        TempDir { path }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A running `socle serve` on a free port, stopped on drop.
pub struct Server {
    pub child: Child,
    /// `127.0.0.1:PORT`.
    pub address: String,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The data folder, when the server owns it (removed after the server stops).
    _data: Option<TempDir>,
}

/// How long the demo web's ingestion may take (a debug build needs about a minute).
const DEMO_WAIT: std::time::Duration = std::time::Duration::from_secs(6 * 60);

impl Server {
    /// A server on a fresh data folder of its own, with the course book.
    pub fn start() -> Server {
        Server::with_data(TempDir::new("serve"))
    }

    /// A server on `data` (prepared by the caller, accounts for instance), which it keeps until
    /// it stops.
    pub fn with_data(data: TempDir) -> Server {
        let mut server = Server::on(&data.path, &[]);
        server._data = Some(data);
        server
    }

    /// A server on the caller's folder `data`, with the course book and more `options`.
    pub fn on(data: &Path, options: &[&str]) -> Server {
        let (child, address) = spawn_serve_with(data, &workspace().join("book"), options);
        Server { child, base: format!("http://{address}"), address, _data: None }
    }

    /// Waits until the server has ingested the demo web into the observatory of `data` (its
    /// marker file); fails if the server stops first or takes longer than [`DEMO_WAIT`].
    pub fn wait_for_demo(&mut self, data: &Path) {
        let marker = data.join("observatoire/demo-chargee");
        let start = std::time::Instant::now();
        while !marker.exists() {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("socle serve s'est arrêté ({status}) avant d'avoir ingéré le web de démonstration");
            }
            assert!(
                start.elapsed() < DEMO_WAIT,
                "le web de démonstration n'est toujours pas ingéré après {} minutes ({} absent)",
                DEMO_WAIT.as_secs() / 60,
                marker.display()
            );
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
    }
}

/// Starts `socle serve` on a free port with `data` as its data directory and `book` as the book's
/// sources (a missing folder serves no book); returns the process and the `127.0.0.1:PORT` it
/// printed once ready.
pub fn spawn_serve(data: &Path, book: &Path) -> (Child, String) {
    spawn_serve_with(data, book, &[])
}

/// [`spawn_serve`] with more options.
pub fn spawn_serve_with(data: &Path, book: &Path, options: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_socle"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .arg("--book")
        .arg(book)
        .arg("--labs")
        .arg(workspace().join("labs"))
        .args(options)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("lancement de socle serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("sortie")).read_line(&mut line).expect("adresse");
    let address = line
        .trim()
        .strip_prefix("socle écoute sur http://")
        .unwrap_or_else(|| panic!("ligne inattendue : {line:?}"))
        .to_owned();
    (child, address)
}

/// Creates an account with `socle admin create-user --password-stdin` in the data directory
/// `data`; the test fails if the command does.
pub fn create_user(data: &Path, role: &str, (email, password): (&str, &str), organisation: Option<&str>) {
    use std::io::Write;
    let mut command = Command::new(env!("CARGO_BIN_EXE_socle"));
    command
        .args(["admin", "create-user", "--role", role, "--email", email, "--password-stdin", "--data-dir"])
        .arg(data);
    if let Some(organisation) = organisation {
        command.args(["--organisation", organisation]);
    }
    let mut child = command.stdin(Stdio::piped()).stdout(Stdio::null()).spawn().expect("socle admin create-user");
    child.stdin.take().expect("entrée").write_all(format!("{password}\n").as_bytes()).expect("mot de passe");
    assert!(child.wait().expect("fin de create-user").success(), "création de {email}");
}

/// The npm modules of the browser tests (`cargo xtask setup` installs them).
pub fn node_modules() -> PathBuf {
    let path = std::env::var_os("SOCLE_NODE_MODULES")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache_dir().join("node/node_modules"));
    assert!(
        path.join("axe-core").exists() && path.join("playwright-core").exists(),
        "axe-core et playwright-core absents de {} : lancez `cargo xtask setup`",
        path.display()
    );
    path
}

/// The Chromium the browser tests drive (`cargo xtask setup` installs it).
pub fn chromium() -> String {
    let path = std::env::var("SOCLE_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    assert!(Path::new(&path).exists(), "Chromium absent ({path}) : lancez `cargo xtask setup`");
    path
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The test virtualenv (`cargo xtask setup` creates it).
pub fn venv() -> PathBuf {
    let path = std::env::var_os("SOCLE_VENV").map(PathBuf::from).unwrap_or_else(|| cache_dir().join("venv"));
    assert!(
        path.join("bin/python").exists(),
        "environnement Python des tests absent ({}) : lancez `cargo xtask setup`",
        path.display()
    );
    path
}

/// socle's per-user cache folder.
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SOCLE_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from).unwrap_or_else(|| home.join(".cache")).join("socle")
}

/// The folder of the nbgrader package installed in the test virtualenv.
pub fn nbgrader_package() -> PathBuf {
    let lib = venv().join("lib");
    let python = std::fs::read_dir(&lib)
        .expect("lib/ du virtualenv")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.file_name().is_some_and(|name| name.to_string_lossy().starts_with("python3")))
        .expect("python3.x dans le virtualenv");
    let package = python.join("site-packages/nbgrader");
    assert!(package.exists(), "nbgrader absent du virtualenv : lancez `cargo xtask setup`");
    package
}
