//! nbgrader's own documentation example, problem set `ps1`, graded by `socle grade` and by
//! `nbgrader autograde` (from the test virtualenv) in the same run: the raw scores must match,
//! per notebook and per autograded cell.

mod support;

use std::process::Command;

use support::{TempDir, nbgrader_package, socle, venv, workspace};

#[test]
fn ps1_scores_match_nbgrader() {
    let course = TempDir::new("nbgrader-ps1");
    let script = workspace().join("crates/socle/tests/nbgrader/autograde.py");
    let output = Command::new(venv().join("bin/python")).arg(&script).arg(&course.path).output().expect("python");
    assert!(output.status.success(), "nbgrader autograde : {}", String::from_utf8_lossy(&output.stderr));
    let nbgrader: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON de nbgrader");

    let guide = nbgrader_package().join("docs/source/user_guide");
    for problem in ["problem1", "problem2"] {
        let out = TempDir::new("socle-ps1");
        let source = guide.join(format!("source/ps1/{problem}.ipynb"));
        let mut submissions = Vec::new();
        for student in ["bitdiddle", "hacker"] {
            // Copy under the student's name: reports are named after the submission's stem.
            let copy = out.path.join(format!("{student}.ipynb"));
            std::fs::copy(guide.join(format!("submitted/{student}/ps1/{problem}.ipynb")), &copy).expect("copie");
            submissions.push(copy);
        }
        let reports = out.path.join("rapports");
        let mut args =
            vec!["grade", "--assignment", source.to_str().expect("chemin"), "--out", reports.to_str().expect("chemin")];
        args.extend(submissions.iter().map(|path| path.to_str().expect("chemin")));
        let graded = socle(&args);
        assert_eq!(graded.status.code(), Some(0), "socle grade : {}", String::from_utf8_lossy(&graded.stderr));
        for student in ["bitdiddle", "hacker"] {
            let report: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(reports.join(format!("{student}.json"))).expect("rapport"),
            )
            .expect("JSON du rapport");
            let expected = &nbgrader[format!("{student}/{problem}")];
            let expected_score = expected["score"].as_f64().expect("score nbgrader");
            assert!(
                (report["total"].as_f64().expect("total") - expected_score).abs() < 1e-9,
                "{student}/{problem} : socle {} contre nbgrader {expected_score}",
                report["total"]
            );
            for question in report["questions"].as_array().expect("questions") {
                let id = question["id"].as_str().expect("id");
                let nbgrader_cell = expected["cells"][id].as_f64().expect("note de nbgrader pour la cellule");
                assert!(
                    (question["points"].as_f64().expect("points") - nbgrader_cell).abs() < 1e-9,
                    "{student}/{problem}/{id} : socle {} contre nbgrader {nbgrader_cell}",
                    question["points"]
                );
            }
        }
    }
}
