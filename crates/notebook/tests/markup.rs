//! Solution stubs, hidden-test removal and extraction, on sources and on whole notebooks.

use std::path::Path;

use notebook::{
    ClearSolutionsConfig, HiddenTestsConfig, Notebook, Source, clear_hidden_tests, clear_solutions,
    extract_hidden_tests, hidden_test_regions, remove_hidden_tests, replace_solution_regions,
};

fn fixture(name: &str) -> Notebook {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/odd").join(name);
    Notebook::read(&path).unwrap_or_else(|err| panic!("{name} : {err}"))
}

/// Replaces the solution regions of `source` with the stub of `language`.
fn check_solution(language: &str, source: &str, expected: Result<&str, &str>) {
    let config = ClearSolutionsConfig::default();
    let stub = &config.code_stubs[language];
    let result = replace_solution_regions(source, stub, &config)
        .map(|edited| edited.source)
        .map_err(|problem| format!("ligne {} : {}", problem.line, problem.message));
    assert_eq!(result.as_deref(), expected.map_err(str::to_owned).as_deref(), "source : {source:?}");
}

#[test]
fn solution_regions_become_the_language_stub() {
    check_solution(
        "python",
        "def sq(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION\n",
        Ok("def sq(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"),
    );
    check_solution(
        "python",
        "\t# BEGIN SOLUTION\n\tpass\n\t# END SOLUTION",
        Ok("\t# YOUR CODE HERE\n\traise NotImplementedError()"),
    );
    check_solution(
        "rust",
        "fn sq(x: i64) -> i64 {\n    // BEGIN SOLUTION\n    x * x\n    // END SOLUTION\n}",
        Ok("fn sq(x: i64) -> i64 {\n    // YOUR CODE HERE\n    todo!()\n}"),
    );
    check_solution(
        "python",
        "a = 1\n### BEGIN SOLUTION\nb = 2\n### END SOLUTION\nc = 3\n### BEGIN SOLUTION\nd = 4\n### END SOLUTION",
        Ok(
            "a = 1\n# YOUR CODE HERE\nraise NotImplementedError()\nc = 3\n# YOUR CODE HERE\nraise NotImplementedError()",
        ),
    );
    // As in nbgrader, a stray end delimiter is dropped.
    check_solution("python", "x = 1\n### END SOLUTION\n", Ok("x = 1\n"));
    check_solution("python", "no region\n", Ok("no region\n"));
}

#[test]
fn broken_solution_regions_are_reported_with_their_line() {
    check_solution(
        "python",
        "### BEGIN SOLUTION\nx = 1\n    ### BEGIN SOLUTION\n### END SOLUTION",
        Err(
            "ligne 3 : « BEGIN SOLUTION » alors que la région ouverte ligne 1 n'est pas fermée ; les régions de solution ne s'imbriquent pas : ajoutez « END SOLUTION » avant",
        ),
    );
    check_solution(
        "python",
        "x = 0\n### BEGIN SOLUTION\nx = 1\n",
        Err("ligne 2 : « BEGIN SOLUTION » sans « END SOLUTION » ; chaque région de solution doit être fermée"),
    );
}

/// Removes and extracts the hidden tests of `source`.
fn check_hidden(source: &str, expected_visible: &str, expected_regions: &[&str]) {
    let config = HiddenTestsConfig::default();
    let visible = remove_hidden_tests(source, &config).expect("régions valides");
    assert_eq!(visible.source, expected_visible);
    assert_eq!(visible.found_region, !expected_regions.is_empty());
    assert_eq!(hidden_test_regions(source, &config).expect("régions valides"), expected_regions);
}

#[test]
fn hidden_tests_are_removed_and_extracted() {
    check_hidden(
        "assert sq(2) == 4\n### BEGIN HIDDEN TESTS\nassert sq(3) == 9\nassert sq(-1) == 1\n### END HIDDEN TESTS\n",
        "assert sq(2) == 4\n",
        &["assert sq(3) == 9\nassert sq(-1) == 1"],
    );
    check_hidden(
        "// BEGIN HIDDEN TESTS\nassert_eq!(sq(3), 9);\n// END HIDDEN TESTS\nvisible();\n// BEGIN HIDDEN TESTS\n// END HIDDEN TESTS",
        "visible();",
        &["assert_eq!(sq(3), 9);", ""],
    );
    check_hidden("assert True\n", "assert True\n", &[]);
    let error = remove_hidden_tests("### BEGIN HIDDEN TESTS\nassert 1\n", &HiddenTestsConfig::default()).err();
    assert_eq!(error.map(|problem| problem.line), Some(1));
}

#[test]
fn clearing_a_notebook_follows_cell_types_and_roles() {
    let (student, problems) = clear_solutions(&fixture("markup-python.ipynb"), &ClearSolutionsConfig::default());
    assert_eq!(problems, []);
    let sources: Vec<String> = student.cells.iter().map(|cell| cell.source_text()).collect();
    assert_eq!(
        sources[1],
        "def sq(x):\n    \"\"\"Le carré.\"\"\"\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
    );
    assert_eq!(
        sources[3], "# YOUR CODE HERE\nraise NotImplementedError()",
        "cellule solution sans région : remplacée entière"
    );
    assert_eq!(sources[4], "YOUR ANSWER HERE", "réponse markdown notée");
    assert_eq!(sources[5], "Consigne gardée.\nYOUR ANSWER HERE\nFin.\n");
    assert!(!student.metadata.contains_key("celltoolbar"));

    let (student, problems) = clear_solutions(&fixture("markup-rust.ipynb"), &ClearSolutionsConfig::default());
    assert_eq!(problems, []);
    assert_eq!(student.cells[0].source_text(), "fn sq(x: i64) -> i64 {\n    // YOUR CODE HERE\n    todo!()\n}\n");
    assert_eq!(student.cells[1].source_text(), "// YOUR CODE HERE\ntodo!()");
    assert_eq!(student.cells[3].source_text(), "YOUR ANSWER HERE");
}

#[test]
fn a_source_keeps_its_form_when_cleared() {
    let text = r####"{"cells": [{"cell_type": "code", "execution_count": null, "outputs": [], "source": "### BEGIN SOLUTION\nx = 1\n### END SOLUTION",
        "metadata": {"nbgrader": {"grade": false, "solution": true, "locked": false, "grade_id": "a", "schema_version": 3}}}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 4}"####;
    let (student, problems) =
        clear_solutions(&Notebook::parse(text).expect("valide"), &ClearSolutionsConfig::default());
    assert_eq!(problems, []);
    assert_eq!(student.cells[0].source, Source::Text("# YOUR CODE HERE\nraise NotImplementedError()".into()));
}

fn problem_lines(problems: &[notebook::Problem]) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}

#[test]
fn markup_problems_name_the_cell_and_the_fix() {
    let solutions = ClearSolutionsConfig::default();
    let hidden = HiddenTestsConfig::default();
    let nested = fixture("markup-nested.ipynb");
    assert_eq!(
        problem_lines(&clear_solutions(&nested, &solutions).1),
        [
            "cellule d'index 0 (grade_id « sq ») : ligne 3 : « BEGIN SOLUTION » alors que la région ouverte ligne 1 n'est pas fermée ; les régions de solution ne s'imbriquent pas : ajoutez « END SOLUTION » avant"
        ]
    );
    assert_eq!(
        problem_lines(&clear_hidden_tests(&nested, &hidden).1),
        [
            "cellule d'index 1 (grade_id « test ») : ligne 3 : « BEGIN HIDDEN TESTS » alors que la région ouverte ligne 1 n'est pas fermée ; les régions de tests cachés ne s'imbriquent pas : ajoutez « END HIDDEN TESTS » avant"
        ]
    );
    let outside = fixture("markup-outside.ipynb");
    assert_eq!(
        problem_lines(&clear_solutions(&outside, &solutions).1),
        [
            "cellule d'index 0 : région de solution dans une cellule qui n'est pas une cellule solution ; marquez-la « Autograded answer » ou « Manually graded answer »"
        ]
    );
    assert_eq!(
        problem_lines(&clear_hidden_tests(&outside, &hidden).1),
        [
            "cellule d'index 1 (grade_id « answer ») : tests cachés dans une cellule qui n'est pas notée ; marquez-la « Autograder tests »"
        ]
    );
    assert_eq!(
        problem_lines(&clear_solutions(&fixture("markup-unknown-language.ipynb"), &solutions).1),
        [
            "notebook : langage « julia » (metadata.kernelspec.language) sans texte de remplacement des solutions ; acceptés : R, java, matlab, octave, python, rust, sas"
        ]
    );
}

#[test]
fn hidden_tests_are_extracted_per_grade_cell() {
    let (hidden, problems) = extract_hidden_tests(&fixture("markup-python.ipynb"), &HiddenTestsConfig::default());
    assert_eq!(problems, []);
    let found: Vec<(usize, Option<&str>, Vec<&str>)> = hidden
        .iter()
        .map(|cell| (cell.cell_idx, cell.grade_id.as_deref(), cell.regions.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        found,
        [
            (6, Some("test_sq"), vec!["assert sq(3) == 9"]),
            (7, Some("test_cube"), vec!["assert cube(3) == 27", "assert cube(0) == 0"])
        ]
    );
}
