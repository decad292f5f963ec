//! Every lab of `labs/`: its teacher notebook grades to full marks and its student version to 0
//! with `socle grade`, in each language it exists in; and each lab says what it is in a README.

mod support;

use support::{TempDir, socle, workspace};

#[test]
fn every_lab_grades_full_with_its_solution_and_zero_with_its_student_version() {
    let labs_dir = workspace().join("labs");
    let mut labs: Vec<_> = std::fs::read_dir(&labs_dir)
        .expect("labs/")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    labs.sort();
    let mut failures = Vec::new();
    let mut graded = 0;
    for lab in &labs {
        let name = lab.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        if !lab.join("README.md").exists() {
            failures.push(format!("{name} : README.md absent"));
        }
        for file in ["python.ipynb", "rust.ipynb"] {
            let source = lab.join(file);
            if !source.exists() {
                continue;
            }
            let work = TempDir::new(&format!("labo-{name}"));
            let out = work.path.join("devoir");
            let assigned = socle(&["assign", source.to_str().expect("chemin"), "--out", out.to_str().expect("chemin")]);
            if assigned.status.code() != Some(0) {
                failures.push(format!(
                    "{name}/{file} : socle assign a échoué : {}",
                    String::from_utf8_lossy(&assigned.stderr)
                ));
                continue;
            }
            let stem = file.trim_end_matches(".ipynb");
            let student = out.join(format!("student/{stem}.ipynb"));
            let teacher = work.path.join("enseignant");
            std::fs::create_dir_all(&teacher).expect("dossier");
            std::fs::copy(&source, teacher.join(file)).expect("copie");
            let reports = work.path.join("rapports");
            let output = socle(&[
                "grade",
                "--assignment",
                out.join("autograder").to_str().expect("chemin"),
                "--out",
                reports.to_str().expect("chemin"),
                student.to_str().expect("chemin"),
                teacher.join(file).to_str().expect("chemin"),
            ]);
            if output.status.code() != Some(0) {
                failures.push(format!(
                    "{name}/{file} : socle grade a échoué : {}",
                    String::from_utf8_lossy(&output.stderr)
                ));
                continue;
            }
            for (folder, expect_full) in [("student", false), ("enseignant", true)] {
                let report_path = reports.join(format!("{folder}-{stem}.json"));
                let Ok(text) = std::fs::read_to_string(&report_path) else {
                    failures.push(format!("{name}/{file} : rapport {} absent", report_path.display()));
                    continue;
                };
                let report: serde_json::Value = serde_json::from_str(&text).expect("rapport JSON");
                let total = report["total"].as_f64().unwrap_or(-1.0);
                let max = report["max"].as_f64().unwrap_or(-1.0);
                let expected = if expect_full { max } else { 0.0 };
                if max <= 0.0 || (total - expected).abs() > 1e-9 {
                    failures.push(format!("{name}/{file} ({folder}) : {total} / {max}, attendu {expected}"));
                }
            }
            graded += 1;
        }
    }
    assert!(failures.is_empty(), "{} échec(s) :\n{}", failures.len(), failures.join("\n"));
    assert!(labs.len() >= 16, "{} laboratoires ; le cours en demande au moins 16", labs.len());
    assert!(graded >= labs.len(), "chaque laboratoire a au moins un notebook");
}
