//! Shared helpers of the integration tests: where the real nbgrader is installed, its
//! notebooks, what nbgrader's own Python code says about them, and expected-output files.
#![allow(dead_code, reason = "each test binary uses some of these helpers")]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

/// The virtual environment `cargo xtask setup` creates, found as xtask finds it.
pub fn venv() -> PathBuf {
    if let Some(venv) = std::env::var_os("SOCLE_VENV") {
        return PathBuf::from(venv);
    }
    if let Some(cache) = std::env::var_os("SOCLE_CACHE_DIR") {
        return PathBuf::from(cache).join("venv");
    }
    let base = std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from).unwrap_or_else(|| {
        std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/tmp")).join(".cache")
    });
    base.join("socle").join("venv")
}

fn missing(what: &str) -> ! {
    panic!(
        "{what} introuvable dans l'environnement Python des tests ({}) : lancez `cargo xtask setup` \
         (ou indiquez son dossier dans SOCLE_VENV)",
        venv().display()
    )
}

/// The installed nbgrader package folder (`<venv>/lib/python3*/site-packages/nbgrader`).
pub fn nbgrader_package() -> PathBuf {
    let lib = venv().join("lib");
    let Ok(entries) = std::fs::read_dir(&lib) else { missing("le dossier lib/") };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().starts_with("python3"))
        .map(|entry| entry.path().join("site-packages").join("nbgrader"))
        .filter(|path| path.join("utils.py").is_file())
        .collect();
    found.sort();
    found.pop().unwrap_or_else(|| missing("le paquet nbgrader"))
}

/// Every `.ipynb` under a folder, sorted, found by a recursive walk.
pub fn notebooks_under(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries =
            std::fs::read_dir(&folder).unwrap_or_else(|err| panic!("lecture de {} : {err}", folder.display()));
        for entry in entries {
            let path = entry.unwrap_or_else(|err| panic!("lecture de {} : {err}", folder.display())).path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|extension| extension == "ipynb") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Notebooks made for these tests, with metadata and markup nbgrader's own files lack; the
/// oracle judges them too.
pub fn odd_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("fixtures").join("odd")
}

/// What nbgrader's own code says about each of its notebooks and each of [`odd_fixtures`]
/// (`nbgrader_oracle.py`), computed once per test binary.
pub fn oracle() -> &'static Value {
    static ORACLE: OnceLock<Value> = OnceLock::new();
    ORACLE.get_or_init(|| {
        let python = venv().join("bin").join("python");
        if !python.is_file() {
            missing("bin/python");
        }
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("nbgrader_oracle.py");
        let output = Command::new(&python)
            .arg(&script)
            .arg(odd_fixtures())
            .output()
            .unwrap_or_else(|err| panic!("lancement de {} : {err}", python.display()));
        assert!(
            output.status.success(),
            "{} a échoué ({}) : {}\nlancez `cargo xtask setup` si nbgrader manque",
            script.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|err| panic!("sortie de {} illisible : {err}", script.display()))
    })
}

/// Compares texts line by line, to show where two long texts differ.
pub fn first_difference(left: &str, right: &str) -> String {
    for (line_idx, (left_line, right_line)) in left.lines().zip(right.lines()).enumerate() {
        if left_line != right_line {
            return format!("ligne {} :\n  obtenu  : {left_line:?}\n  attendu : {right_line:?}", line_idx + 1);
        }
    }
    format!("longueurs {} et {}", left.len(), right.len())
}

/// Compares a result with the content of an expected-output file; with `UPDATE_EXPECT=1`,
/// writes the file instead (review the diff before committing it).
pub fn expect_file(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(path, actual).unwrap_or_else(|err| panic!("écriture de {} : {err}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("{} illisible ({err}) ; UPDATE_EXPECT=1 le crée", path.display()));
    assert_eq!(actual, expected, "{} : résultat différent (UPDATE_EXPECT=1 pour le remplacer)", path.display());
}
