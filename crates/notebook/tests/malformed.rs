//! Malformed notebooks give clear French errors naming what is wrong and what is accepted,
//! never a panic: one fixture per case in `fixtures/malformed/`, its error in `<name>.expected`.

mod common;

use std::path::Path;

use notebook::{Notebook, ReadError};

#[test]
fn malformed_notebooks_are_refused_with_clear_errors() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/malformed");
    let fixtures = common::notebooks_under(&folder);
    assert!(fixtures.len() >= 10, "{} fixtures seulement", fixtures.len());
    for path in fixtures {
        let error = match Notebook::read(&path) {
            Ok(_) => panic!("{} : lu sans erreur", path.display()),
            Err(error) => error,
        };
        assert!(!matches!(error, ReadError::Io { .. }), "{} : {error}", path.display());
        common::expect_file(&path.with_extension("expected"), &format!("{error}\n"));
    }
}

#[test]
fn a_missing_file_names_its_path() {
    let error = Notebook::read(Path::new("/nonexistent/lab.ipynb")).err().map(|error| error.to_string());
    assert_eq!(
        error.as_deref(),
        Some("impossible de lire /nonexistent/lab.ipynb : No such file or directory (os error 2)")
    );
}
