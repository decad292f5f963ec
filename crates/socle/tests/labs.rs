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
    let mut jobs = Vec::new();
    for lab in &labs {
        let name = lab.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        if !lab.join("README.md").exists() {
            failures.push(format!("{name} : README.md absent"));
        }
        for file in ["python.ipynb", "rust.ipynb"] {
            if lab.join(file).exists() {
                jobs.push((lab.clone(), name.clone(), file));
            }
        }
    }
    // Two labs at a time: a teacher run (`socle assign`) keeps one core busy, so a second lab
    // uses the other; `socle grade` itself grades its two copies in parallel.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some((lab, name, file)) = jobs.get(index) else { break };
                    let outcome = grade_lab(lab, name, file);
                    results.lock().expect("résultats").push(outcome);
                }
            });
        }
    });
    let results = results.into_inner().expect("résultats");
    let graded = results.iter().filter(|outcome| outcome.is_ok()).count();
    for outcome in results {
        if let Err(mut problems) = outcome {
            failures.append(&mut problems);
        }
    }
    let twins = labs.iter().filter(|lab| lab.join("python.ipynb").exists() && lab.join("rust.ipynb").exists()).count();
    assert!(failures.is_empty(), "{} échec(s) :\n{}", failures.len(), failures.join("\n"));
    // The course asks for 16; every one of the 22 labs has its twin, and none may lose it.
    assert!(twins >= 22, "{twins} laboratoires en Rust et en Python ; les 22 en avaient deux");
    assert!(graded >= labs.len(), "chaque laboratoire a au moins un notebook");
}

/// Assigns one teacher notebook and grades its student version and itself; the problems found.
fn grade_lab(lab: &std::path::Path, name: &str, file: &str) -> Result<(), Vec<String>> {
    let mut failures = Vec::new();
    let source = lab.join(file);
    if !source.exists() {
        return Err(failures);
    }
    let work = TempDir::new(&format!("labo-{name}"));
    let out = work.path.join("devoir");
    let assigned = socle(&["assign", source.to_str().expect("chemin"), "--out", out.to_str().expect("chemin")]);
    if assigned.status.code() != Some(0) {
        failures.push(format!("{name}/{file} : socle assign a échoué : {}", String::from_utf8_lossy(&assigned.stderr)));
        return Err(failures);
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
        failures.push(format!("{name}/{file} : socle grade a échoué : {}", String::from_utf8_lossy(&output.stderr)));
        return Err(failures);
    }
    for (folder, expect_full) in [("student", false), ("enseignant", true)] {
        let report_path = reports.join(format!("{folder}-{stem}.json"));
        let Ok(text) = std::fs::read_to_string(&report_path) else {
            failures.push(format!("{name}/{file} : rapport {} absent", report_path.display()));
            return Err(failures);
        };
        let report: serde_json::Value = serde_json::from_str(&text).expect("rapport JSON");
        let total = report["total"].as_f64().unwrap_or(-1.0);
        let max = report["max"].as_f64().unwrap_or(-1.0);
        let expected = if expect_full { max } else { 0.0 };
        if max <= 0.0 || (total - expected).abs() > 1e-9 {
            failures.push(format!("{name}/{file} ({folder}) : {total} / {max}, attendu {expected}"));
        }
    }
    if failures.is_empty() { Ok(()) } else { Err(failures) }
}

/// The graded cells of a notebook: (grade_id, points, competences, level), in order.
fn graded_cells(path: &std::path::Path) -> Vec<(String, f64, Vec<String>, String)> {
    let text = std::fs::read_to_string(path).expect("notebook");
    let notebook: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    notebook["cells"]
        .as_array()
        .expect("cellules")
        .iter()
        .filter(|cell| cell["metadata"]["nbgrader"]["grade"].as_bool() == Some(true))
        .map(|cell| {
            let nbgrader = &cell["metadata"]["nbgrader"];
            let socle = &cell["metadata"]["socle"];
            let mut competences: Vec<String> = socle["competences"]
                .as_array()
                .map(|ids| ids.iter().filter_map(|id| id.as_str().map(str::to_owned)).collect())
                .unwrap_or_default();
            competences.sort();
            (
                nbgrader["grade_id"].as_str().unwrap_or_default().to_owned(),
                nbgrader["points"].as_f64().unwrap_or_default(),
                competences,
                socle["level"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn rust_and_python_twins_ask_the_same_questions_for_the_same_points_and_competences() {
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(workspace().join("labs")).expect("labs/").flatten() {
        let (python, rust) = (entry.path().join("python.ipynb"), entry.path().join("rust.ipynb"));
        if !(python.exists() && rust.exists()) {
            continue;
        }
        let (python_cells, rust_cells) = (graded_cells(&python), graded_cells(&rust));
        if python_cells != rust_cells {
            problems.push(format!(
                "{} : Python {python_cells:?}\n    ≠ Rust {rust_cells:?}",
                entry.file_name().to_string_lossy()
            ));
        }
    }
    assert!(problems.is_empty(), "jumeaux différents :\n{}", problems.join("\n"));
}

#[test]
fn no_rust_lab_keeps_a_variable_across_questions() {
    let mut warnings = Vec::new();
    for entry in std::fs::read_dir(workspace().join("labs")).expect("labs/").filter_map(Result::ok) {
        let path = entry.path().join("rust.ipynb");
        if !path.exists() {
            continue;
        }
        let source = notebook::Notebook::read(&path).expect("notebook");
        let assignment = grader::Assignment::from_source("rust", source).expect("devoir");
        warnings
            .extend(assignment.state_warnings().into_iter().map(|warning| format!("{} : {warning}", path.display())));
    }
    assert!(warnings.is_empty(), "{}", warnings.join("\n"));
}
