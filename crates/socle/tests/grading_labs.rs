//! The lab fixtures in both kernels: `socle assign`, then `socle grade` gives full marks to the
//! teacher's solution and 0 to the student version; `socle check` tells a learner which
//! questions pass; the report, HTML, feedback notebook and both gradebooks are written.

mod support;

use support::{TempDir, socle, workspace};

fn check_language(language: &str) {
    let work = TempDir::new(&format!("labo-{language}"));
    let source = workspace().join(format!("crates/socle/tests/fixtures/labo-{language}/devoir.ipynb"));
    let assigned = work.path.join("devoir");
    let output = socle(&["assign", source.to_str().expect("chemin"), "--out", assigned.to_str().expect("chemin")]);
    assert_eq!(output.status.code(), Some(0), "{language} assign : {}", String::from_utf8_lossy(&output.stderr));
    let student = assigned.join("student/devoir.ipynb");

    // Two submissions with the same file name, in two folders, as a class hands them in.
    let alice = work.path.join("alice");
    let bob = work.path.join("bob");
    std::fs::create_dir_all(&alice).expect("dossier");
    std::fs::create_dir_all(&bob).expect("dossier");
    std::fs::copy(&source, alice.join("devoir.ipynb")).expect("copie");
    std::fs::copy(&student, bob.join("devoir.ipynb")).expect("copie");
    let reports = work.path.join("rapports");
    let output = socle(&[
        "grade",
        "--assignment",
        assigned.join("autograder").to_str().expect("chemin"),
        "--out",
        reports.to_str().expect("chemin"),
        alice.join("devoir.ipynb").to_str().expect("chemin"),
        bob.join("devoir.ipynb").to_str().expect("chemin"),
    ]);
    assert_eq!(output.status.code(), Some(0), "{language} grade : {}", String::from_utf8_lossy(&output.stderr));
    let read = |name: &str| {
        std::fs::read_to_string(reports.join(name)).unwrap_or_else(|_| panic!("{language} : {name} absent"))
    };
    let alice_report: serde_json::Value = serde_json::from_str(&read("alice-devoir.json")).expect("JSON");
    let bob_report: serde_json::Value = serde_json::from_str(&read("bob-devoir.json")).expect("JSON");
    assert_eq!(alice_report["total"], 7.0, "{language} : la solution n'a pas tous les points : {alice_report:#}");
    assert_eq!(alice_report["max"], 7.0);
    assert_eq!(bob_report["total"], 0.0, "{language} : la version étudiante a des points : {bob_report:#}");
    assert_eq!(alice_report["schema"], "socle-grade-report/1");
    assert_eq!(alice_report["integrity"]["ok"], true);
    for question in alice_report["questions"].as_array().expect("questions") {
        assert_eq!(question["status"], "passed", "{language} : {question}");
    }
    let mastery: Vec<(String, f64)> = alice_report["competences"]
        .as_array()
        .expect("compétences")
        .iter()
        .map(|competence| {
            (competence["id"].as_str().unwrap_or_default().to_owned(), competence["mastery"].as_f64().unwrap_or(-1.0))
        })
        .collect();
    assert_eq!(mastery, vec![("DS.INF.01".to_owned(), 1.0), ("DS.MST.04".to_owned(), 1.0)]);
    assert!(
        bob_report["questions"].as_array().expect("questions").iter().all(|question| question["status"] == "missing")
    );

    let gradebook = read("gradebook.csv");
    assert!(gradebook.starts_with("submission,assignment,question,points,max,status,competences,level,integrity_ok\n"));
    assert_eq!(gradebook.lines().count(), 1 + 2 * 3, "{gradebook}");
    let competences = read("competences.csv");
    assert!(competences.contains("alice/devoir.ipynb,devoir,DS.MST.04,5,5,1.000,N2"), "{competences}");
    assert!(competences.contains("bob/devoir.ipynb,devoir,DS.MST.04,0,5,0.000,\n"), "{competences}");
    let html = read("alice-devoir.html");
    assert!(html.contains("<html lang=\"fr\">") && html.contains("Maîtrise par compétence") && html.contains("7 / 7"));
    let feedback: serde_json::Value = serde_json::from_str(&read("bob-devoir.feedback.ipynb")).expect("retour JSON");
    assert_eq!(feedback["nbformat"], 4);
    let feedback_text = feedback.to_string();
    assert!(feedback_text.contains("Score : **0 / 7**"));
    assert!(!feedback_text.contains("HIDDEN") && !feedback_text.contains("0.15"), "le retour cite les tests cachés");

    let output = socle(&["check", student.to_str().expect("chemin")]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("0 question(s) sur 3 passent leurs tests visibles."), "{language} check : {text}");
    let output = socle(&["check", source.to_str().expect("chemin")]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("3 question(s) sur 3 passent leurs tests visibles."), "{language} check : {text}");
}

#[test]
fn python_lab_grades_full_and_zero() {
    check_language("python");
}

#[test]
fn rust_lab_grades_full_and_zero() {
    check_language("rust");
}

#[test]
fn invalid_markup_is_refused_with_every_problem() {
    let work = TempDir::new("markup");
    let source = workspace().join("crates/socle/tests/fixtures/labo-python/devoir.ipynb");
    let text = std::fs::read_to_string(source).expect("fixture");
    let broken = text.replacen("\"points\": 2", "\"points\": -2", 1).replacen(
        "\"grade_id\": \"moyenne\"",
        "\"grade_id\": \"carre\"",
        1,
    );
    let path = work.path.join("casse.ipynb");
    std::fs::write(&path, broken).expect("écriture");
    let output =
        socle(&["assign", path.to_str().expect("chemin"), "--out", work.path.join("out").to_str().expect("chemin")]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("carre") && stderr.contains("points"), "{stderr}");
    assert!(stderr.matches("  - ").count() >= 2, "tous les problèmes doivent être listés : {stderr}");
}
