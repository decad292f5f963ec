//! The `socle referentiel` commands as a user runs them: exit codes, French output, exports.

mod support;

use support::{TempDir, socle, workspace};

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn validate_accepts_the_shipped_referentiel() {
    let output = socle(&["referentiel", "validate"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("Référentiel 2026.1 valide : 46 compétences"));
    let dir = workspace().join("datasets/referentiel");
    let output = socle(&["referentiel", "validate", "--dir", dir.to_str().expect("chemin")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn validate_lists_every_problem_of_a_broken_copy_and_exits_1() {
    let copy = TempDir::new("casse");
    for entry in std::fs::read_dir(workspace().join("datasets/referentiel")).expect("lecture") {
        let entry = entry.expect("entrée");
        std::fs::copy(entry.path(), copy.path.join(entry.file_name())).expect("copie");
    }
    let edit = |file: &str, from: &str, to: &str| {
        let path = copy.path.join(file);
        let text = std::fs::read_to_string(&path).expect("lecture");
        assert!(text.contains(from), "{from} absent de {file}");
        std::fs::write(&path, text.replacen(from, to, 1)).expect("écriture");
    };
    edit("competences-mst.toml", "id = \"DS.MST.07\"", "id = \"DS.MST.06\"");
    edit("competences-inf.toml", "group = \"INF-PROG\"", "group = \"INF-INCONNU\"");
    edit("competences-met.toml", "crosswalk.edsf = [\"", "crosswalk.edsf = [\"DSNOPE\", \"");
    let output = socle(&["referentiel", "validate", "--dir", copy.path.to_str().expect("chemin")]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("Le référentiel n'est pas valide : 3 problème(s)."), "{text}");
    for needle in [
        "competences-mst.toml, ligne",
        "en double",
        "competences-inf.toml, ligne",
        "groupe inconnu « INF-INCONNU »",
        "competences-met.toml, ligne",
        "correspondance EDSF inexistante « DSNOPE »",
    ] {
        assert!(text.contains(needle), "« {needle} » absent de :\n{text}");
    }
}

#[test]
fn validate_on_a_missing_folder_says_which_file() {
    let output = socle(&["referentiel", "validate", "--dir", "/nonexistent/referentiel"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr(&output).contains("impossible de lire /nonexistent/referentiel/referentiel.toml"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn export_writes_each_golden_file() {
    let golden = workspace().join("crates/skills/tests/golden");
    for (format, file) in [
        ("json", "referentiel.json"),
        ("case", "referentiel.case.json"),
        ("moodle-csv", "referentiel.moodle.csv"),
        ("openedx-csv", "referentiel.openedx.csv"),
    ] {
        let output = socle(&["referentiel", "export", "--format", format]);
        assert_eq!(output.status.code(), Some(0), "{format}");
        let expected = std::fs::read_to_string(golden.join(file)).expect("fichier de référence");
        assert!(stdout(&output) == expected, "export {format} différent de {file}");
    }
}

#[test]
fn export_refuses_an_unknown_format_in_french() {
    let output = socle(&["referentiel", "export", "--format", "xml"]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("format inconnu « xml » ; formats acceptés : json, case, moodle-csv, openedx-csv"), "{text}");
}

#[test]
fn show_prints_a_card() {
    let output = socle(&["referentiel", "show", "DS.MST.06"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    for needle in [
        "DS.MST.06  Régression linéaire",
        "Pilier      : MST",
        "N1 Sensibilisation",
        "N4 Expertise",
        "EDSF : DSDA02",
        "Mots-clés",
    ] {
        assert!(text.contains(needle), "« {needle} » absent de :\n{text}");
    }
    let output = socle(&["referentiel", "show", "DS.MST.77"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("Compétence inconnue « DS.MST.77 »"));
}

#[test]
fn help_and_usage_errors_are_in_french() {
    let output = socle(&["--help"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("Lance le site web"));
    let output = socle(&["nimporte"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("commande inconnue « nimporte »"));
}
