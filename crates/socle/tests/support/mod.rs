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
    child: Child,
    pub base: String,
    _data: TempDir,
}

impl Server {
    pub fn start() -> Server {
        let data = TempDir::new("serve");
        let mut child = Command::new(env!("CARGO_BIN_EXE_socle"))
            .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
            .arg(&data.path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("lancement de socle serve");
        let stdout = child.stdout.take().expect("sortie standard");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("lecture de l'adresse");
        let base = line
            .trim()
            .strip_prefix("socle écoute sur ")
            .unwrap_or_else(|| panic!("ligne inattendue : {line:?}"))
            .to_owned();
        Server { child, base, _data: data }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
