//! Compatibility with the real nbgrader: every notebook shipped in its package reads and writes
//! back byte for byte, and socle's verdicts, checksums and student versions are the ones
//! nbgrader's own Python code gives (`nbgrader_oracle.py`, run in the tests' virtualenv).

mod common;

use std::path::{Path, PathBuf};

use notebook::{
    ClearSolutionsConfig, HiddenTestsConfig, Notebook, Problem, Rule, check_nbgrader, clear_hidden_tests,
    clear_solutions, compute_checksum, compute_checksums,
};
use serde_json::Value;

/// One notebook and what nbgrader says about it.
struct Case {
    name: String,
    path: PathBuf,
    verdict: &'static Value,
}

/// The package's notebooks, then the odd fixtures, each with what nbgrader says about it; the
/// Rust walk and the Python oracle must see the same files.
fn cases() -> Vec<Case> {
    let oracle = common::oracle();
    let package = common::nbgrader_package();
    let found = common::notebooks_under(&package);
    assert!(found.len() >= 80, "{} notebooks seulement sous {} ; attendu ~87", found.len(), package.display());
    let mut cases = Vec::new();
    for (root, key) in [(package, "files"), (common::odd_fixtures(), "fixtures")] {
        let files = oracle[key].as_object().unwrap_or_else(|| panic!("l'oracle ne donne pas `{key}`"));
        let paths = common::notebooks_under(&root);
        let relative: Vec<String> =
            paths.iter().map(|path| path.strip_prefix(&root).unwrap_or(path).to_string_lossy().into_owned()).collect();
        let mut expected: Vec<&String> = files.keys().collect();
        expected.sort();
        assert_eq!(
            relative.iter().collect::<Vec<_>>(),
            expected,
            "le parcours Rust et l'oracle Python voient les mêmes notebooks"
        );
        for (name, path) in relative.into_iter().zip(paths) {
            let verdict = &files[&name];
            cases.push(Case { name: format!("{key}/{name}"), path, verdict });
        }
    }
    cases
}

fn read(path: &Path) -> Notebook {
    Notebook::read(path).unwrap_or_else(|err| panic!("{} : {err}", path.display()))
}

/// Asserts that no case failed, listing every failure.
fn assert_all(failures: Vec<String>, n_cases: usize) {
    assert!(failures.is_empty(), "{} cas sur {n_cases} en échec :\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn every_notebook_writes_back_byte_for_byte() {
    let cases = cases();
    let mut failures = Vec::new();
    for Case { name, path, .. } in &cases {
        let bytes = std::fs::read(path).expect("lecture");
        let text = String::from_utf8(bytes).expect("UTF-8");
        let notebook = read(path);
        if notebook.is_modified() {
            failures.push(format!("{name} : modifié alors que rien n'a changé"));
        }
        if notebook.to_json() != text {
            failures
                .push(format!("{name} : to_json diffère, {}", common::first_difference(&notebook.to_json(), &text)));
        }
        // The serialiser itself, not the kept text: these files were written by nbformat.
        let serialised = notebook.to_nbformat_json();
        if serialised != text {
            failures
                .push(format!("{name} : to_nbformat_json diffère, {}", common::first_difference(&serialised, &text)));
        }
    }
    assert_all(failures, cases.len());
}

#[test]
fn serialisation_matches_nbformat_writes() {
    let cases = cases();
    let mut failures = Vec::new();
    let mut n_compared = 0;
    for Case { name, path, verdict } in &cases {
        let Some(expected) = verdict["nbformat_write"]["text"].as_str() else { continue };
        n_compared += 1;
        let serialised = read(path).to_nbformat_json();
        if serialised != expected {
            failures.push(format!("{name} : {}", common::first_difference(&serialised, expected)));
        }
    }
    assert!(n_compared >= 80, "seulement {n_compared} comparaisons");
    assert_all(failures, cases.len());
}

fn rejected(problems: &[Problem]) -> Vec<&Problem> {
    problems.iter().filter(|problem| problem.rule.rejected_by_nbgrader()).collect()
}

#[test]
fn validation_verdicts_match_nbgrader() {
    let cases = cases();
    let mut failures = Vec::new();
    let (mut n_valid, mut n_invalid) = (0, 0);
    for Case { name, path, verdict } in &cases {
        let notebook = read(path);
        let (typed, problems) = check_nbgrader(&notebook);
        assert_eq!(typed.len(), notebook.cells.len());
        let cells = verdict["cells"].as_array().expect("cells");
        for (cell_idx, cell_verdict) in cells.iter().enumerate() {
            let expected_valid = cell_verdict["valid"].as_bool().expect("valid");
            let cell_problems: Vec<&Problem> = rejected(&problems)
                .into_iter()
                .filter(|problem| problem.cell_idx == Some(cell_idx) && problem.rule != Rule::DuplicateGradeId)
                .collect();
            if expected_valid != cell_problems.is_empty() {
                failures.push(format!(
                    "{name}, cellule {cell_idx} : nbgrader dit {}, socle {cell_problems:?}",
                    cell_verdict.get("validation_error").and_then(Value::as_str).unwrap_or("valide")
                ));
            }
        }
        let expected_valid = verdict["notebook_valid"].as_bool().expect("notebook_valid");
        if expected_valid {
            n_valid += 1;
        } else {
            n_invalid += 1;
        }
        let notebook_problems = rejected(&problems);
        if expected_valid != notebook_problems.is_empty() {
            failures.push(format!(
                "{name} : nbgrader dit {}, socle {notebook_problems:?}",
                verdict.get("notebook_error").and_then(Value::as_str).unwrap_or("valide")
            ));
        }
        if !expected_valid
            && verdict["notebook_error"].as_str().is_some_and(|error| error.contains("Duplicate grade id"))
        {
            let duplicates = problems.iter().any(|problem| problem.rule == Rule::DuplicateGradeId);
            if !duplicates {
                failures.push(format!("{name} : doublon de grade_id non signalé"));
            }
        }
    }
    assert!(n_valid > 50 && n_invalid >= 10, "{n_valid} valides et {n_invalid} invalides : le jeu a changé ?");
    assert_all(failures, cases.len());
}

#[test]
fn checksums_match_nbgrader() {
    let cases = cases();
    let mut failures = Vec::new();
    let mut n_checksums = 0;
    for Case { name, path, verdict } in &cases {
        let notebook = read(path);
        for (cell_idx, (cell, cell_verdict)) in
            notebook.cells.iter().zip(verdict["cells"].as_array().expect("cells")).enumerate()
        {
            let computed = compute_checksum(cell);
            match (cell_verdict["checksum"].as_str(), &computed) {
                (Some(expected), Ok(checksum)) if expected == checksum => n_checksums += 1,
                (None, Err(_)) => {}
                (expected, _) => failures.push(format!(
                    "{name}, cellule {cell_idx} : nbgrader {}, socle {computed:?}",
                    expected.map(str::to_owned).unwrap_or_else(|| cell_verdict["checksum_error"].to_string())
                )),
            }
        }
    }
    assert!(n_checksums > 300, "seulement {n_checksums} checksums comparés");
    assert_all(failures, cases.len());
}

/// Compares a notebook edit with the text nbgrader's preprocessor gives, or its failure.
fn check_edit(step: &str, edit: impl Fn(&Notebook) -> (Notebook, Vec<Problem>)) {
    let cases = cases();
    let mut failures = Vec::new();
    let (mut n_same, mut n_refused) = (0, 0);
    for Case { name, path, verdict } in &cases {
        let expected = &verdict[step];
        if expected["error"].as_str().is_some_and(|error| error.starts_with("AttributeError: outputs")) {
            // nbformat itself cannot write a code cell without `outputs`; nothing to compare.
            continue;
        }
        let (edited, problems) = edit(&read(path));
        match (expected["text"].as_str(), rejected(&problems).is_empty()) {
            (Some(text), true) => {
                let written = edited.to_json();
                if written == text {
                    n_same += 1;
                } else {
                    failures.push(format!("{name} : {}", common::first_difference(&written, text)));
                }
            }
            (None, false) => n_refused += 1,
            (Some(_), false) => failures.push(format!("{name} : nbgrader réussit, socle signale {problems:?}")),
            (None, true) => failures.push(format!("{name} : nbgrader échoue ({}), socle non", expected["error"])),
        }
    }
    assert!(n_same >= 75, "{step} : seulement {n_same} notebooks identiques");
    assert_all(failures, cases.len());
    eprintln!("{step} : {n_same} identiques, {n_refused} refusés comme par nbgrader");
}

#[test]
fn clear_solutions_matches_nbgrader() {
    check_edit("clear_solutions", |notebook| clear_solutions(notebook, &ClearSolutionsConfig::default()));
}

#[test]
fn clear_hidden_tests_matches_nbgrader() {
    check_edit("clear_hidden_tests", |notebook| clear_hidden_tests(notebook, &HiddenTestsConfig::default()));
}

#[test]
fn compute_checksums_matches_nbgrader() {
    check_edit("compute_checksums", compute_checksums);
}
