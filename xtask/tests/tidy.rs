//! House rules checked on the sources: every Rust file opens with a `//!` line, every crate's
//! README is its rustdoc front page, every input folder says what lives there.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "target" && name != "node_modules" && !name.to_string_lossy().starts_with('.') {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_rust_file_starts_with_a_module_doc_line() {
    let mut files = Vec::new();
    rust_files(&root().join("crates"), &mut files);
    rust_files(&root().join("xtask"), &mut files);
    assert!(files.len() > 10);
    let offenders: Vec<String> = files
        .iter()
        .filter(|path| !std::fs::read_to_string(path).unwrap_or_default().starts_with("//!"))
        .map(|path| path.display().to_string())
        .collect();
    assert!(offenders.is_empty(), "fichiers sans ligne //! en tête :\n{}", offenders.join("\n"));
}

#[test]
fn every_crate_readme_is_its_front_page() {
    let mut offenders = Vec::new();
    for entry in std::fs::read_dir(root().join("crates")).expect("crates/").flatten() {
        let dir = entry.path();
        if !dir.join("Cargo.toml").exists() {
            continue;
        }
        if !dir.join("README.md").exists() {
            offenders.push(format!("{} : README.md manquant", dir.display()));
        }
        let front = ["src/lib.rs", "src/main.rs"].iter().map(|file| dir.join(file)).find(|path| path.exists());
        let includes = front
            .and_then(|path| std::fs::read_to_string(path).ok())
            .is_some_and(|text| text.contains("#![doc = include_str!(\"../README.md\")]"));
        if !includes {
            offenders.push(format!("{} : lib.rs/main.rs n'inclut pas README.md comme documentation", dir.display()));
        }
    }
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}

#[test]
fn every_top_level_folder_says_what_lives_there() {
    for folder in ["book", "labs", "datasets", "observatory", "site", "crates", "tools"] {
        let readme = root().join(folder).join("README.md");
        let text = std::fs::read_to_string(&readme).unwrap_or_else(|_| panic!("{} manquant", readme.display()));
        assert!(text.len() > 80, "{} trop court pour dire ce qui vit là", readme.display());
    }
    for file in ["README.md", "ARCHITECTURE.md", ".ci/run"] {
        assert!(root().join(file).exists(), "{file} manquant");
    }
}

#[test]
fn ci_script_runs_exactly_the_readme_test_command() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let ci = std::fs::read_to_string(root().join(".ci/run")).expect(".ci/run");
    let command = ci
        .lines()
        .map(str::trim)
        .find(|line| {
            !line.is_empty() && !line.starts_with('#') && !line.starts_with("set ") && !line.starts_with("cd ")
        })
        .expect("une commande dans .ci/run");
    assert!(readme.contains(command), ".ci/run lance « {command} », absent du README");
}
