//! socle's own metadata: `metadata.socle` on the notebook (lab, title) and on graded cells
//! (competences, level, tolerance).

use notebook::{CompetenceId, Level, Notebook, SocleCell, SocleNotebook, check_socle};
use serde_json::{Value, json};

fn grade_cell(grade_id: &str) -> Value {
    json!({"grade": true, "solution": false, "locked": true, "points": 1, "grade_id": grade_id, "schema_version": 3})
}

/// A notebook with `notebook_socle` as its `metadata.socle` and one code cell per
/// `(metadata.nbgrader, metadata.socle)` pair (`null` for none).
fn notebook(notebook_socle: Value, cells: &[(Value, Value)]) -> Notebook {
    let cells: Vec<Value> = cells
        .iter()
        .map(|(nbgrader, socle)| {
            let mut metadata = serde_json::Map::new();
            if !nbgrader.is_null() {
                metadata.insert("nbgrader".into(), nbgrader.clone());
            }
            if !socle.is_null() {
                metadata.insert("socle".into(), socle.clone());
            }
            json!({"cell_type": "code", "execution_count": null, "outputs": [], "metadata": metadata, "source": "assert True"})
        })
        .collect();
    let mut metadata = serde_json::Map::new();
    if !notebook_socle.is_null() {
        metadata.insert("socle".into(), notebook_socle);
    }
    Notebook::from_value(&json!({"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 4}))
        .expect("valide")
}

/// Checks the notebook and compares its problems, one line each.
fn check(notebook_socle: Value, cells: &[(Value, Value)], expected: &[&str]) -> notebook::SocleData {
    let (data, problems) = check_socle(&notebook(notebook_socle, cells));
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(lines, expected);
    data
}

#[test]
fn valid_socle_metadata_is_typed() {
    let data = check(
        json!({"lab": "regression-01", "title": "Régression linéaire", "kernel": "python3"}),
        &[
            (grade_cell("q1"), json!({"competences": ["DS.MST.06", "DS.INF.12"], "level": "N2", "tolerance": 1e-6})),
            (Value::Null, Value::Null),
            (grade_cell("q2"), json!({"competences": ["DS.PRJ.01"], "level": "N4"})),
        ],
        &[],
    );
    assert_eq!(
        data.notebook,
        Some(SocleNotebook {
            lab: "regression-01".into(),
            title: "Régression linéaire".into(),
            kernel: Some("python3".into())
        })
    );
    let ids = |ids: &[&str]| ids.iter().map(|id| CompetenceId::parse(id).expect("id valide")).collect::<Vec<_>>();
    assert_eq!(
        data.cells,
        [
            Some(SocleCell { competences: ids(&["DS.MST.06", "DS.INF.12"]), level: Level::N2, tolerance: Some(1e-6) }),
            None,
            Some(SocleCell { competences: ids(&["DS.PRJ.01"]), level: Level::N4, tolerance: None }),
        ]
    );
}

#[test]
fn every_problem_is_reported_with_what_is_accepted() {
    check(
        json!({"lab": "lab 1", "titre": "x", "kernel": ""}),
        &[
            (
                grade_cell("q1"),
                json!({"competences": ["DS.MST.6", "MST.06", "DS.XYZ.01", "DS.MST.06", "DS.MST.06", 3], "level": "N5", "tolerance": -1}),
            ),
            (grade_cell("q2"), json!({"competences": [], "niveau": "N1"})),
            (grade_cell("q3"), Value::Null),
            (Value::Null, json!({"competences": ["DS.MET.02"], "level": "N1"})),
            (grade_cell("q4"), json!("DS.MST.06")),
        ],
        &[
            "notebook : clé « titre » inconnue dans `metadata.socle` ; acceptées : lab, title, kernel",
            "notebook : `lab` « lab 1 » invalide ; attendu un identifiant [A-Za-z0-9._-]+",
            "notebook : `title` manque ; attendu le titre du lab",
            "notebook : `kernel` vaut \"\" ; attendu un nom de noyau non vide (« python3 », « rust »)",
            "cellule d'index 0 (grade_id « q1 ») : compétence \"DS.MST.6\" invalide ; attendu un identifiant de la forme DS.<INF|MST|MET|TRV|PRJ>.<nn>, par exemple « DS.MST.06 »",
            "cellule d'index 0 (grade_id « q1 ») : compétence \"MST.06\" invalide ; attendu un identifiant de la forme DS.<INF|MST|MET|TRV|PRJ>.<nn>, par exemple « DS.MST.06 »",
            "cellule d'index 0 (grade_id « q1 ») : compétence \"DS.XYZ.01\" invalide ; attendu un identifiant de la forme DS.<INF|MST|MET|TRV|PRJ>.<nn>, par exemple « DS.MST.06 »",
            "cellule d'index 0 (grade_id « q1 ») : compétence « DS.MST.06 » répétée ; une fois suffit",
            "cellule d'index 0 (grade_id « q1 ») : compétence 3 invalide ; attendu un identifiant de la forme DS.<INF|MST|MET|TRV|PRJ>.<nn>, par exemple « DS.MST.06 »",
            "cellule d'index 0 (grade_id « q1 ») : `level` vaut \"N5\" ; acceptés : « N1 », « N2 », « N3 », « N4 »",
            "cellule d'index 0 (grade_id « q1 ») : `tolerance` vaut -1 ; attendu un nombre positif ou nul, par exemple 1e-6",
            "cellule d'index 1 (grade_id « q2 ») : clé « niveau » inconnue dans `metadata.socle` ; acceptées : competences, level, tolerance",
            "cellule d'index 1 (grade_id « q2 ») : `competences` est vide ; attendu au moins un identifiant de la forme DS.<INF|MST|MET|TRV|PRJ>.<nn>, par exemple « DS.MST.06 »",
            "cellule d'index 1 (grade_id « q2 ») : `level` manque ; acceptés : « N1 », « N2 », « N3 », « N4 »",
            "cellule d'index 2 (grade_id « q3 ») : cellule notée sans `metadata.socle` ; attendu {\"competences\": [\"DS.MST.06\"], \"level\": \"N2\"}",
            "cellule d'index 3 : `metadata.socle` sur une cellule qui n'est pas notée ; seules les cellules notées (grade ou tâche) portent des compétences",
            "cellule d'index 4 (grade_id « q4 ») : `metadata.socle` est une chaîne ; attendu un objet {\"competences\": […], \"level\": …}",
        ],
    );
}

#[test]
fn plain_nbgrader_notebooks_need_no_socle_metadata() {
    let data = check(Value::Null, &[(grade_cell("q1"), Value::Null)], &[]);
    assert_eq!(data.notebook, None);
    assert_eq!(data.cells, [None]);
}

#[test]
fn competence_ids_and_levels_parse() {
    for id in ["DS.INF.01", "DS.MST.06", "DS.MET.99", "DS.TRV.10", "DS.PRJ.00"] {
        assert_eq!(CompetenceId::parse(id).map(|id| id.to_string()).as_deref(), Some(id));
    }
    for id in ["", "DS", "DS.MST", "DS.MST.6", "DS.MST.006", "ds.mst.06", "DS.MST.06.1", "DS.MST.0a", "XX.MST.06"] {
        assert_eq!(CompetenceId::parse(id), None, "{id:?}");
    }
    assert_eq!(Level::parse("N3").map(Level::as_str), Some("N3"));
    assert_eq!(Level::parse("n3"), None);
}
