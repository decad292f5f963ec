//! Validation of broken copies of the référentiel: one case per problem kind, each reported
//! with its file and line, and all of them reported together.

mod common;

use common::Copy;
use skills::{LoadError, Problem};

/// One way of breaking the référentiel: an edit and the problem it must produce.
struct Case {
    name: &'static str,
    file: &'static str,
    from: &'static str,
    to: &'static str,
    /// Line offset of the problem from the line where the edit starts (`None`: anywhere in the file).
    line_offset: Option<usize>,
    message: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "identifiant en double",
        file: "competences-mst.toml",
        from: "id = \"DS.MST.07\"",
        to: "id = \"DS.MST.06\"",
        line_offset: Some(0),
        message: "identifiant « DS.MST.06 » en double : déjà défini dans competences-mst.toml, ligne",
    },
    Case {
        name: "groupe inconnu",
        file: "competences-inf.toml",
        from: "group = \"INF-PROG\"",
        to: "group = \"INF-PROGRAMMATION\"",
        line_offset: Some(0),
        message: "groupe inconnu « INF-PROGRAMMATION »",
    },
    Case {
        name: "poids qui ne totalisent pas 1",
        file: "competences-mst.toml",
        from: "weights = { INF = 0.0, MST = 1.0, MET = 0.0 }",
        to: "weights = { INF = 0.0, MST = 0.9, MET = 0.0 }",
        line_offset: Some(0),
        message: "totalisent 0,9 ; ils doivent totaliser 1",
    },
    Case {
        name: "niveau manquant",
        file: "competences-met.toml",
        from: "levels.N3 = ",
        to: "# levels.N3 = ",
        line_offset: None,
        message: "niveau N3 manquant pour DS.MET.01",
    },
    Case {
        name: "correspondance EDSF inexistante",
        file: "competences-trv.toml",
        from: "crosswalk.edsf = [\"",
        to: "crosswalk.edsf = [\"DSXX99\", \"",
        line_offset: Some(0),
        message: "correspondance EDSF inexistante « DSXX99 »",
    },
    Case {
        name: "identifiant mal formé",
        file: "competences-prj.toml",
        from: "id = \"DS.PRJ.02\"",
        to: "id = \"DS.PROJ.2\"",
        line_offset: Some(0),
        message: "identifiant « DS.PROJ.2 » invalide",
    },
    Case {
        name: "groupe d'un autre pilier",
        file: "competences-mst.toml",
        from: "group = \"MST-FOND\"",
        to: "group = \"INF-PROG\"",
        line_offset: Some(0),
        message: "le groupe « INF-PROG » appartient au pilier INF",
    },
    Case {
        name: "secteur inconnu",
        file: "competences-mst.toml",
        from: "sector = \"approfondissement\"",
        to: "sector = \"aeronautique\"",
        line_offset: Some(0),
        message: "secteur inconnu « aeronautique »",
    },
    Case {
        name: "tronc commun avec secteur",
        file: "competences-inf.toml",
        from: "core = true\n",
        to: "core = true\nsector = \"sante\"\n",
        line_offset: Some(1),
        message: "appartient au tronc commun (core = true) et ne peut pas avoir de secteur « sante »",
    },
    Case {
        name: "clé inconnue",
        file: "competences-met.toml",
        from: "core = true\n",
        to: "core = true\nniveau_cible = \"N2\"\n",
        line_offset: Some(1),
        message: "clé inconnue « niveau_cible »",
    },
    Case {
        name: "niveau inconnu",
        file: "competences-trv.toml",
        from: "levels.N4 = ",
        to: "levels.N5 = \"Invente.\"\nlevels.N4 = ",
        line_offset: Some(0),
        message: "niveau inconnu « N5 »",
    },
    Case {
        name: "TOML invalide",
        file: "competences-prj.toml",
        from: "core = true",
        to: "core = vrai",
        line_offset: Some(0),
        message: "TOML invalide",
    },
    Case {
        name: "code ROME invalide",
        file: "competences-mst.toml",
        from: "crosswalk.rome = [\"M1405\"]",
        to: "crosswalk.rome = [\"M14\"]",
        line_offset: Some(0),
        message: "code ROME « M14 » invalide",
    },
];

fn problems_of(copy: &Copy) -> Vec<Problem> {
    match skills::load_dir(&copy.dir) {
        Ok(_) => Vec::new(),
        Err(LoadError::Invalid(problems)) => problems,
        Err(other) => panic!("erreur inattendue : {other}"),
    }
}

fn check(case: &Case, problems: &[Problem], edit_line: usize) {
    let found = problems.iter().find(|problem| problem.message.contains(case.message));
    let Some(problem) = found else {
        panic!("{} : problème « {} » non signalé ; signalés : {problems:#?}", case.name, case.message);
    };
    assert_eq!(problem.location.file, case.file, "{} : mauvais fichier", case.name);
    if let Some(offset) = case.line_offset {
        assert_eq!(problem.location.line, edit_line + offset, "{} : mauvaise ligne pour {problem}", case.name);
    }
}

#[test]
fn shipped_referentiel_is_valid() {
    let referentiel = skills::load_dir(&common::shipped_dir()).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(referentiel.version, "2026.1");
}

#[test]
fn each_problem_kind_is_reported_with_its_location() {
    for case in CASES {
        let copy = Copy::new("un");
        let line = copy.replace(case.file, case.from, case.to);
        let problems = problems_of(&copy);
        check(case, &problems, line);
    }
}

#[test]
fn every_problem_is_reported_at_once() {
    let copy = Copy::new("tous");
    // TOML syntax errors stop the reading of their own file only; leave them out so that every
    // other edit lands in a readable file, several edits per file included.
    let cases: Vec<&Case> = CASES.iter().filter(|case| case.message != "TOML invalide").collect();
    let mut lines = Vec::new();
    for case in &cases {
        lines.push(copy.replace(case.file, case.from, case.to));
    }
    let problems = problems_of(&copy);
    for case in &cases {
        assert!(
            problems.iter().any(|problem| problem.message.contains(case.message) && problem.location.file == case.file),
            "{} absent de la liste complète : {problems:#?}",
            case.name
        );
    }
    assert!(problems.len() >= cases.len());
}

#[test]
fn missing_header_is_an_io_error_naming_the_file() {
    let copy = Copy::new("entete");
    std::fs::remove_file(copy.dir.join("referentiel.toml")).expect("suppression");
    let err = skills::load_dir(&copy.dir).expect_err("un référentiel sans en-tête est refusé");
    assert!(err.to_string().contains("referentiel.toml"), "{err}");
}
