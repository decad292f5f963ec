//! nbgrader's metadata rules one by one, with socle's French messages, and the checksum on
//! values nbgrader computed (its verdicts on many more cases are compared in `nbgrader_files`).

use notebook::{
    Cell, CellRole, CellType, ChecksumError, Notebook, Rule, check_nbgrader, checksum_unchanged, compute_checksum,
    compute_checksums,
};
use serde_json::{Value, json};

/// A notebook of `(cell_type, metadata.nbgrader)` cells, each with source `x = 1\n`.
fn notebook(cells: &[(&str, Value)]) -> Notebook {
    let cells: Vec<Value> = cells
        .iter()
        .map(|(cell_type, nbgrader)| {
            let mut cell = json!({"cell_type": cell_type, "metadata": {"nbgrader": nbgrader}, "source": ["x = 1\n"]});
            if *cell_type == "code" {
                cell["outputs"] = json!([]);
                cell["execution_count"] = Value::Null;
            }
            cell
        })
        .collect();
    Notebook::from_value(&json!({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 4})).expect("valide")
}

fn meta(extra: Value) -> Value {
    let mut base = json!({"grade": false, "solution": false, "locked": false, "schema_version": 3});
    if let (Some(base), Some(extra)) = (base.as_object_mut(), extra.as_object()) {
        base.extend(extra.clone());
    }
    base
}

/// Checks the cells and compares every problem, one line each, with whether nbgrader rejects it.
fn check(cells: &[(&str, Value)], expected: &[(&str, bool)]) {
    let (_, problems) = check_nbgrader(&notebook(cells));
    let found: Vec<(String, bool)> =
        problems.iter().map(|problem| (problem.to_string(), problem.rule.rejected_by_nbgrader())).collect();
    let expected: Vec<(String, bool)> =
        expected.iter().map(|(line, rejected)| ((*line).to_owned(), *rejected)).collect();
    assert_eq!(found, expected);
}

#[test]
fn a_valid_assignment_has_no_problem_and_typed_roles() {
    let cells = [
        ("code", meta(json!({"solution": true, "grade_id": "answer"}))),
        ("code", meta(json!({"grade": true, "locked": true, "grade_id": "tests", "points": 2}))),
        ("markdown", meta(json!({"grade": true, "solution": true, "grade_id": "essay", "points": 1.5}))),
        ("markdown", meta(json!({"task": true, "locked": true, "grade_id": "task", "points": 3}))),
        ("markdown", meta(json!({"locked": true, "grade_id": "intro"}))),
        ("code", meta(json!({}))),
    ];
    let (typed, problems) = check_nbgrader(&notebook(&cells));
    assert_eq!(problems, []);
    let roles: Vec<Option<CellRole>> = typed.iter().map(|cell| cell.as_ref().and_then(|cell| cell.role())).collect();
    assert_eq!(
        roles,
        [
            Some(CellRole::AutogradedAnswer),
            Some(CellRole::AutograderTests),
            Some(CellRole::ManuallyGradedAnswer),
            Some(CellRole::ManuallyGradedTask),
            Some(CellRole::ReadOnly),
            None
        ]
    );
    let essay = typed[2].as_ref().expect("typée");
    assert_eq!((essay.points, essay.grade_id.as_deref(), essay.schema_version), (Some(1.5), Some("essay"), 3));
}

#[test]
fn grade_cells_need_points_and_an_id() {
    check(
        &[("code", meta(json!({"grade": true}))), ("code", meta(json!({"solution": true, "grade_id": ""})))],
        &[
            (
                "cellule d'index 0 : une cellule notée, solution ou en lecture seule doit avoir un `grade_id` ([a-zA-Z0-9_-]+)",
                true,
            ),
            ("cellule d'index 0 : une cellule notée doit avoir des `points` (nombre positif ou nul)", true),
            ("cellule d'index 1 : `grade_id` est vide ; attendu un identifiant [a-zA-Z0-9_-]+", true),
        ],
    );
}

#[test]
fn grade_ids_are_unique_and_well_formed() {
    check(
        &[
            ("code", meta(json!({"solution": true, "grade_id": "q1"}))),
            ("code", meta(json!({"grade": true, "grade_id": "q1", "points": 1}))),
            ("code", meta(json!({"locked": true, "grade_id": "q 2"}))),
            ("code", meta(json!({"locked": true, "grade_id": "q3\n"}))),
            // Neither grade, solution nor read-only: nbgrader ignores its id.
            ("code", meta(json!({"grade_id": "q1"}))),
        ],
        &[
            (
                "cellule d'index 1 (grade_id « q1 ») : grade_id « q1 » déjà utilisé par la cellule d'index 0 ; chaque grade_id doit être unique",
                true,
            ),
            (
                "cellule d'index 2 (grade_id « q 2 ») : grade_id « q 2 » invalide ; acceptés : lettres ASCII, chiffres, `_` et `-` ([a-zA-Z0-9_-]+)",
                true,
            ),
            (
                "cellule d'index 3 (grade_id « q3\n ») : `grade_id` finit par un saut de ligne (nbgrader l'accepte, socle non) ; attendu [a-zA-Z0-9_-]+",
                false,
            ),
        ],
    );
}

#[test]
fn markdown_tasks_and_solutions_follow_nbgrader() {
    check(
        &[
            ("markdown", meta(json!({"grade": true, "grade_id": "a", "points": 1}))),
            ("markdown", meta(json!({"solution": true, "grade_id": "b"}))),
            ("code", meta(json!({"task": true, "grade_id": "c", "points": 1}))),
            ("code", meta(json!({"solution": true, "locked": true, "grade_id": "d"}))),
            (
                "code",
                meta(
                    json!({"locked": true, "grade_id": "e", "cell_type": "markdown", "checksum": "0123456789abcdef0123456789abcdef"}),
                ),
            ),
        ],
        &[
            (
                "cellule d'index 0 (grade_id « a ») : une cellule markdown notée doit aussi être une cellule solution (« Manually graded answer »)",
                true,
            ),
            (
                "cellule d'index 1 (grade_id « b ») : une cellule markdown solution doit aussi être notée (« Manually graded answer »)",
                true,
            ),
            ("cellule d'index 2 (grade_id « c ») : une cellule tâche doit être en markdown, pas « code »", true),
            (
                "cellule d'index 3 (grade_id « d ») : une cellule solution ne peut pas être en lecture seule (`locked`) : l'élève doit y écrire ; nbgrader ignore ce `locked`",
                false,
            ),
            (
                "cellule d'index 4 (grade_id « e ») : la cellule était de type \"markdown\" à la génération du devoir, elle est maintenant « code »",
                false,
            ),
        ],
    );
}

#[test]
fn the_schema_is_enforced_with_every_problem_at_once() {
    check(
        &[
            (
                "code",
                json!({"grade": "yes", "points": -1, "grade_id": "a", "checksum": "abc", "cell_type": "python", "competences": [], "schema_version": 3}),
            ),
            ("code", json!({"grade": false, "solution": false, "locked": false})),
            ("code", meta(json!({"schema_version": 2}))),
            ("code", meta(json!({"schema_version": 3.0}))),
            ("code", meta(json!({"schema_version": "3"}))),
            ("code", json!([])),
        ],
        &[
            (
                "cellule d'index 0 (grade_id « a ») : clé « competences » inconnue de nbgrader ; acceptées : schema_version, grade, locked, solution, task, grade_id, points, checksum, cell_type (les données de socle vont dans `metadata.socle`)",
                true,
            ),
            ("cellule d'index 0 (grade_id « a ») : `grade` est une chaîne ; attendu true ou false", true),
            ("cellule d'index 0 (grade_id « a ») : `locked` manque ; attendu true ou false", true),
            ("cellule d'index 0 (grade_id « a ») : `solution` manque ; attendu true ou false", true),
            ("cellule d'index 0 (grade_id « a ») : `points` vaut -1 ; attendu un nombre positif ou nul", true),
            (
                "cellule d'index 0 (grade_id « a ») : `checksum` vaut \"abc\" ; attendu une chaîne de 32 caractères (MD5 en hexadécimal)",
                true,
            ),
            (
                "cellule d'index 0 (grade_id « a ») : `cell_type` vaut \"python\" ; acceptés : « code », « markdown », « raw »",
                true,
            ),
            (
                "cellule d'index 0 (grade_id « a ») : la cellule était de type \"python\" à la génération du devoir, elle est maintenant « code »",
                false,
            ),
            (
                "cellule d'index 1 : `schema_version` manque (nbgrader le lit comme 0, trop ancien) ; accepté : l'entier 3 ; `nbgrader update` met à jour les anciens notebooks",
                true,
            ),
            (
                "cellule d'index 2 : schéma nbgrader 2 trop ancien ; accepté : l'entier 3 ; `nbgrader update` met à jour les anciens notebooks",
                true,
            ),
            (
                "cellule d'index 3 : `schema_version` vaut 3.0, pas un entier ; accepté : l'entier 3 ; `nbgrader update` met à jour les anciens notebooks",
                true,
            ),
            (
                "cellule d'index 4 : `schema_version` est une chaîne ; accepté : l'entier 3 ; `nbgrader update` met à jour les anciens notebooks",
                true,
            ),
            ("cellule d'index 5 : `metadata.nbgrader` est une liste ; attendu un objet", true),
        ],
    );
}

fn code_cell(nbgrader: Value, source: &str) -> Cell {
    let mut cell = Cell::new(CellType::Code, source);
    cell.metadata.insert("nbgrader".into(), nbgrader);
    cell
}

#[test]
fn checksums_are_those_nbgrader_computes() {
    // Values printed by nbgrader 0.9.6's `compute_checksum` for the same cells.
    let cases = [
        (meta(json!({"grade": true, "grade_id": "tenth", "points": 0.1})), "850ac5a3cc14ee1ec95a7f9d14298b3b"),
        (meta(json!({"grade": true, "grade_id": "big_points", "points": 1e16})), "3f234ebfd5ddc56a952c50c776405a1d"),
        (meta(json!({"grade": true, "grade_id": "str_points", "points": "1_0"})), "93b986aa02d04faa0678a9f50a8f514b"),
        (meta(json!({"grade": 1, "grade_id": "int_grade", "points": 2})), "dabe5895b55295709e612b919bab5393"),
        (meta(json!({"locked": "yes", "grade_id": "str_locked"})), "0489bdd927787acd0ab07604a02987f2"),
    ];
    for (nbgrader, expected) in cases {
        let cell = code_cell(nbgrader.clone(), "x = 1\n");
        assert_eq!(compute_checksum(&cell).as_deref(), Ok(expected), "{nbgrader}");
    }
}

#[test]
fn checksums_that_nbgrader_cannot_compute_are_errors() {
    let cases = [
        (meta(json!({"grade": true, "points": 1})), ChecksumError::MissingGradeId),
        (meta(json!({"grade": true, "grade_id": "a"})), ChecksumError::MissingPoints),
        (
            meta(json!({"grade": true, "grade_id": "a", "points": "abc"})),
            ChecksumError::BadPoints { found: "\"abc\"".into() },
        ),
        (meta(json!({"grade_id": 5})), ChecksumError::GradeIdNotString { found: "un nombre" }),
        (json!(true), ChecksumError::NotAnObject { found: "un booléen" }),
    ];
    for (nbgrader, expected) in cases {
        assert_eq!(compute_checksum(&code_cell(nbgrader.clone(), "")), Err(expected), "{nbgrader}");
    }
    assert_eq!(compute_checksum(&Cell::new(CellType::Code, "")), Err(ChecksumError::NoMetadata));
    assert_eq!(
        ChecksumError::BadPoints { found: "\"abc\"".into() }.to_string(),
        "`points` vaut \"abc\", que Python ne convertit pas en nombre ; attendu un nombre"
    );
}

#[test]
fn recorded_checksums_detect_unchanged_answers() {
    let mut notebook = notebook(&[("code", meta(json!({"solution": true, "grade_id": "answer"})))]);
    assert!(!checksum_unchanged(&notebook.cells[0]));
    let (with_checksums, problems) = compute_checksums(&notebook);
    assert_eq!(problems, []);
    let recorded = &with_checksums.cells[0].metadata["nbgrader"];
    assert_eq!((recorded["cell_type"].as_str(), recorded["checksum"].as_str().map(str::len)), (Some("code"), Some(32)));
    assert!(checksum_unchanged(&with_checksums.cells[0]));
    notebook = with_checksums;
    notebook.cells[0].source.replace_text("x = 2\n");
    assert!(!checksum_unchanged(&notebook.cells[0]));
    let (_, problems) = compute_checksums(&self::notebook(&[("code", meta(json!({"grade": true, "grade_id": "t"})))]));
    assert_eq!(problems.iter().map(|problem| problem.rule).collect::<Vec<_>>(), [Rule::MissingPoints]);
}
