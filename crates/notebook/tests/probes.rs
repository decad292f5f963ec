//! Probe lines of grade cells: `# probe: <expression>` in Python, `// probe: <expression>` in Rust.

use std::path::Path;

use notebook::{Notebook, ProbeLanguage, notebook_probes, parse_probes};

/// Parses `source` and compares its probes as `(line, expression)`, the remaining test code and
/// the problems as `line: message`.
fn check(language: ProbeLanguage, source: &str, probes: &[(usize, &str)], test_code: &str, problems: &[&str]) {
    let (parsed, found_problems) = parse_probes(source, language);
    let found: Vec<(usize, &str)> = parsed.probes.iter().map(|probe| (probe.line, probe.expression.as_str())).collect();
    assert_eq!(found, probes, "sondes de {source:?}");
    assert_eq!(parsed.test_code, test_code, "code de test de {source:?}");
    let found_problems: Vec<String> =
        found_problems.iter().map(|problem| format!("{}: {}", problem.line, problem.message)).collect();
    assert_eq!(found_problems, problems, "problèmes de {source:?}");
}

#[test]
fn python_probes() {
    check(ProbeLanguage::Python, "# probe: sq(7)\nassert sq(2) == 4\n", &[(1, "sq(7)")], "assert sq(2) == 4\n", &[]);
    check(
        ProbeLanguage::Python,
        "assert True\n    #probe:df.shape  \n#   probe:   len(xs) + 1\n# probes: not one\n# probe sans deux-points",
        &[(2, "df.shape"), (3, "len(xs) + 1")],
        "assert True\n# probes: not one\n# probe sans deux-points",
        &[],
    );
    // A Rust comment is no Python probe.
    check(ProbeLanguage::Python, "// probe: sq(7)", &[], "// probe: sq(7)", &[]);
    check(
        ProbeLanguage::Python,
        "x = 1\n# probe:   \n",
        &[],
        "x = 1\n",
        &["2: sonde sans expression ; attendu « # probe: <expression> », par exemple « # probe: sq(7) »"],
    );
}

#[test]
fn rust_probes() {
    check(ProbeLanguage::Rust, "// probe: sq(7)\nassert_eq!(sq(2), 4);", &[(1, "sq(7)")], "assert_eq!(sq(2), 4);", &[]);
    check(ProbeLanguage::Rust, "  //probe: df.height()", &[(1, "df.height()")], "", &[]);
    check(ProbeLanguage::Rust, "# probe: sq(7)", &[], "# probe: sq(7)", &[]);
    check(
        ProbeLanguage::Rust,
        "// probe:",
        &[],
        "",
        &["1: sonde sans expression ; attendu « // probe: <expression> », par exemple « // probe: sq(7) »"],
    );
    assert_eq!(ProbeLanguage::from_name("Rust"), Some(ProbeLanguage::Rust));
    assert_eq!(ProbeLanguage::from_name("julia"), None);
}

fn fixture(name: &str) -> Notebook {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/odd").join(name);
    Notebook::read(&path).unwrap_or_else(|err| panic!("{name} : {err}"))
}

#[test]
fn probes_of_a_notebook_come_from_grade_cells() {
    let (found, problems) = notebook_probes(&fixture("markup-python.ipynb"));
    assert_eq!(problems, []);
    let summary: Vec<String> = found
        .iter()
        .map(|cell| {
            let probes: Vec<String> =
                cell.probed.probes.iter().map(|probe| format!("{}:{}", probe.line, probe.expression)).collect();
            format!("{} {:?} {}", cell.cell_idx, cell.grade_id, probes.join(" | "))
        })
        .collect();
    assert_eq!(summary, ["6 Some(\"test_sq\") 1:sq(7)", "7 Some(\"test_cube\") 5:cube(4)"]);
    assert_eq!(
        found[0].probed.test_code,
        "assert sq(2) == 4\n### BEGIN HIDDEN TESTS\nassert sq(3) == 9\n### END HIDDEN TESTS\n"
    );

    let (found, problems) = notebook_probes(&fixture("markup-rust.ipynb"));
    assert_eq!(problems, []);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].probed.probes[0].expression, "sq(7)");
}

#[test]
fn a_probe_outside_a_grade_cell_is_reported() {
    let text = r#"{"cells": [{"cell_type": "code", "execution_count": null, "outputs": [], "metadata": {},
        "source": "x = 1\n# probe: x"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}"#;
    let (found, problems) = notebook_probes(&Notebook::parse(text).expect("valide"));
    assert_eq!(found, []);
    let messages: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "cellule d'index 0 : sonde(s) ligne(s) 2 dans une cellule qui n'est pas notée ; les sondes vont dans une cellule « Autograder tests »"
        ]
    );
}
