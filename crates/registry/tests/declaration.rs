//! Reading declarations: every problem reported at once with its line and field, the rules a
//! registry clerk applies, and TOML and JSON giving the same declaration.

mod common;

use common::{date, fixture, fixture_text, master, referentiel, today};
use registry::{Declaration, Format, InvalidDeclaration, Problem};

fn toml_problems(text: &str) -> Vec<Problem> {
    match Declaration::from_toml(text, referentiel(), today()) {
        Ok(_) => panic!("la déclaration devrait être refusée :\n{text}"),
        Err(InvalidDeclaration { problems }) => problems,
    }
}

/// The master's text with one replacement, which must apply.
fn edited(from: &str, to: &str) -> String {
    let text = fixture_text("master.toml");
    assert!(text.contains(from), "« {from} » absent de master.toml");
    text.replacen(from, to, 1)
}

/// Asserts that the problems are exactly these (line, path) pairs, each message containing its needle.
fn expect(problems: &[Problem], expected: &[(Option<usize>, &str, &str)]) {
    let listing = problems.iter().map(|problem| format!("  {problem}")).collect::<Vec<_>>().join("\n");
    assert_eq!(problems.len(), expected.len(), "problèmes inattendus :\n{listing}");
    for (problem, (line, path, needle)) in problems.iter().zip(expected) {
        assert_eq!((problem.line, problem.path.as_str()), (*line, *path), "\n{listing}");
        assert!(problem.message.contains(needle), "« {needle} » absent de « {} »", problem.message);
    }
}

#[test]
fn the_fixtures_are_valid() {
    for name in ["master.toml", "court.toml"] {
        fixture(name);
    }
}

#[test]
fn every_problem_of_a_broken_file_is_reported_with_its_line_and_field() {
    let problems = toml_problems(&fixture_text("invalide.toml"));
    expect(
        &problems,
        &[
            (Some(5), "programme.id", "« Master SD » n'est pas accepté ; attendu : un identifiant"),
            (Some(7), "programme.provider", "texte vide"),
            (Some(8), "programme.diploma", "vouliez-vous dire « master » ?"),
            (Some(9), "programme.level", "valeur 9 hors limites ; attendu : un entier de 5 à 8"),
            (
                Some(10),
                "programme.region",
                "type invalide (l'entier 84) ; attendu : un code de région INSEE entre guillemets",
            ),
            (Some(11), "programme.modality", "attendu : une liste de valeurs parmi : presentiel, distanciel, hybride"),
            (Some(12), "programme.language", "code de langue ISO 639-1"),
            (Some(13), "programme.total_ects", "valeur -120 refusée ; attendu : un nombre strictement positif"),
            (Some(15), "programme.practitioner_share", "pour 15 %, écrivez 0.15"),
            (Some(16), "programme.updated", "2027-01-01 dans le futur"),
            (Some(17), "programme.public_url", "commençant par https://"),
            (Some(18), "programme.tittle", "clé inconnue « tittle » ; vouliez-vous dire « title » ?"),
            (Some(20), "units[0].sector", "spécialisation sans secteur"),
            (Some(23), "units[0].hours", "valeur -60 refusée"),
            (Some(24), "units[0].semester", "semestre 5 pour l'unité UE11, alors que la formation n'en compte que 4"),
            (
                Some(26),
                "units[0].competences[0].id",
                "compétence inconnue « DS.INF.1 » ; vouliez-vous dire « DS.INF.01 » ?",
            ),
            (Some(26), "units[0].competences[1].level", "niveau « N5 » inconnu ; niveaux acceptés : N1, N2, N3, N4"),
            (Some(27), "units[0].assessments[1]", "valeur inconnue « qcm »"),
            (Some(30), "units[1].code", "code d'unité « UE11 » déjà utilisé (units[0], ligne 21)"),
            (Some(35), "units[1].sector", "appartient au tronc commun"),
            (Some(36), "units[1].competences[0].level", "champ obligatoire « level » manquant"),
            (Some(38), "projects[0].data_provenance", "provenance des données manquante"),
            (Some(41), "projects[0].graded", "type invalide (la chaîne « oui ») ; attendu : true ou false"),
            (Some(43), "placements[0].mandatory", "champ obligatoire « mandatory » manquant"),
            (Some(45), "placements[0].weeks", "valeur 0 hors limites"),
            (Some(47), "outcomes.published", "champ obligatoire « published » manquant"),
            (Some(49), "outcomes.employment_6m", "taux d'emploi déclaré sans diplômés"),
        ],
    );
    let text = InvalidDeclaration { problems }.to_string();
    assert!(text.starts_with("27 problème(s) dans la déclaration :\n  - ligne 5, programme.id : "), "{text}");
}

#[test]
fn syntax_errors_are_all_reported_with_their_lines() {
    let problems = toml_problems("[programme]\nid = \"x\ntitle = 3\nlevel = 7\nlevel = 8\n[programme]\nfoo = [1, 2\n");
    expect(
        &problems,
        &[
            (Some(2), "", "TOML invalide : chaîne non fermée ou invalide ; attendu : « \" »"),
            (Some(5), "", "TOML invalide : clé ou table déclarée deux fois"),
            (Some(6), "", "TOML invalide : clé ou table déclarée deux fois"),
            (Some(7), "", "TOML invalide : liste non fermée ; attendu : « ] »"),
        ],
    );
}

#[test]
fn an_empty_file_lacks_the_programme_and_its_units() {
    expect(
        &toml_problems(""),
        &[
            (None, "programme", "champ obligatoire « programme » manquant"),
            (None, "units", "champ obligatoire « units » manquant"),
        ],
    );
    expect(
        &toml_problems("[programme]\nid = \"x\"\nunits = []\n"),
        &[
            (None, "units", "champ obligatoire « units » manquant"),
            (Some(1), "programme.title", "champ obligatoire « title » manquant (intitulé de la formation)"),
            (Some(1), "programme.provider", "manquant"),
            (Some(1), "programme.diploma", "manquant"),
            (Some(1), "programme.modality", "manquant"),
            (Some(1), "programme.language", "manquant"),
            (Some(1), "programme.updated", "manquant"),
            (Some(1), "programme.total_ects", "total_ects (crédits ECTS) ou total_hours"),
            (Some(3), "programme.units", "clé inconnue « units »"),
        ],
    );
}

#[test]
fn the_diploma_decides_whether_a_level_is_required() {
    expect(
        &toml_problems(&edited("level = 7\n", "")),
        &[
            (Some(4), "programme.level", "niveau RNCP manquant (level, entier de 5 à 8) ; pour un master : level = 7"),
            // Without a level, semesters stay accepted; nothing else is reported.
        ],
    );
    let court = fixture_text("court.toml").replacen("diploma = \"court\"\n", "diploma = \"court\"\nlevel = 5\n", 1);
    expect(&toml_problems(&court), &[(Some(8), "programme.level", "une formation courte n'a pas de niveau RNCP")]);
    // A certificate may have a niveau or not.
    let certificate = edited("diploma = \"master\"\nlevel = 7\n", "diploma = \"certificat\"\nrs = \"RS5487\"\n");
    let declaration = Declaration::from_toml(&certificate, referentiel(), today()).expect("certificat sans niveau");
    assert!(declaration.is_short());
}

#[test]
fn a_level_requires_semesters_and_registration_codes_are_checked() {
    expect(
        &toml_problems(&edited("semesters = 4\n", "")),
        &[(Some(4), "programme.semesters", "nombre de semestres manquant")],
    );
    expect(
        &toml_problems(&edited("level = 7\n", "level = 7\nrncp = \"RNCP1\"\nrs = \"RS5487\"\n")),
        &[
            (Some(10), "programme.rncp", "« RNCP1 » n'est pas accepté ; attendu : un code RNCP"),
            (Some(11), "programme.rs", "au RNCP ou au répertoire spécifique, pas aux deux"),
        ],
    );
}

#[test]
fn the_region_may_be_left_out_only_for_remote_programmes() {
    let remote =
        edited("region = \"84\"\n", "").replacen("modality = [\"presentiel\"]", "modality = [\"distanciel\"]", 1);
    let declaration =
        Declaration::from_toml(&remote, referentiel(), today()).expect("formation à distance sans région");
    assert_eq!(declaration.programme.region, None);
    let hybrid = edited("region = \"84\"\n", "").replacen("modality = [\"presentiel\"]", "modality = [\"hybride\"]", 1);
    expect(&toml_problems(&hybrid), &[(Some(4), "programme.region", "entièrement à distance")]);
    expect(
        &toml_problems(&edited("region = \"84\"", "region = \"99\"")),
        &[(Some(10), "programme.region", "code de région INSEE inconnu « 99 »")],
    );
    expect(
        &toml_problems(&edited("modality = [\"presentiel\"]", "modality = [\"presentiel\", \"presentiel\"]")),
        &[(Some(12), "programme.modality[1]", "valeur « presentiel » répétée")],
    );
}

#[test]
fn dates_are_calendar_dates_not_in_the_future() {
    let quoted = edited("updated = 2026-09-01", "updated = \"2026-09-01\"");
    let declaration = Declaration::from_toml(&quoted, referentiel(), today()).expect("date entre guillemets acceptée");
    assert_eq!(declaration.programme.updated, date("2026-09-01"));
    let today_itself =
        Declaration::from_toml(&edited("updated = 2026-09-01", "updated = 2026-11-28"), referentiel(), today());
    assert!(today_itself.is_ok(), "la date du jour est acceptée");
    expect(
        &toml_problems(&edited("updated = 2026-09-01", "updated = 2026-11-29")),
        &[(Some(19), "programme.updated", "2026-11-29 dans le futur")],
    );
    expect(
        &toml_problems(&edited("updated = 2026-09-01", "updated = 2026-09-01T10:00:00")),
        &[(
            Some(19),
            "programme.updated",
            "type invalide (la date et heure 2026-09-01T10:00:00) ; attendu : une date AAAA-MM-JJ sans heure",
        )],
    );
    expect(
        &toml_problems(&edited("updated = 2026-09-01", "updated = \"01/09/2026\"")),
        &[(Some(19), "programme.updated", "date « 01/09/2026 » invalide")],
    );
}

#[test]
fn units_cannot_hold_more_than_the_programme() {
    expect(
        &toml_problems(&edited("total_ects = 120", "total_ects = 90")),
        &[(
            Some(14),
            "programme.total_ects",
            "les unités et projets totalisent 94 crédits ECTS, plus que la formation entière (total_ects = 90)",
        )],
    );
    expect(
        &toml_problems(&edited("total_hours = 1200", "total_hours = 1000")),
        &[(Some(15), "programme.total_hours", "totalisent 1 040 heures")],
    );
}

#[test]
fn units_need_a_volume_a_semester_and_a_known_sector() {
    let text = edited("ects = 6\nhours = 60\nsemester = 1\n", "");
    expect(
        &toml_problems(&text),
        &[
            (Some(24), "units[0].hours", "volume manquant pour l'unité UE11"),
            (Some(24), "units[0].semester", "semestre manquant pour l'unité UE11"),
        ],
    );
    expect(
        &toml_problems(&edited("sector = \"assurance\"", "sector = \"assurances\"")),
        &[(Some(187), "units[12].sector", "secteur inconnu « assurances » ; vouliez-vous dire « assurance » ?")],
    );
    expect(
        &toml_problems(&edited("{ id = \"DS.INF.03\", level = \"N2\" }]", "{ id = \"DS.INF.01\", level = \"N2\" }]")),
        &[(
            Some(31),
            "units[0].competences[1].id",
            "compétence DS.INF.01 déjà déclarée dans cette liste (units[0].competences[0])",
        )],
    );
}

#[test]
fn json_reports_the_same_problems_by_field() {
    let mut json = master().to_json();
    json["programme"]["level"] = serde_json::json!("7");
    json["units"][2]["competences"][0]["level"] = serde_json::json!("N5");
    json["units"][3]["unknown"] = serde_json::json!(true);
    let problems = match Declaration::from_json(&json.to_string(), referentiel(), today()) {
        Ok(_) => panic!("refus attendu"),
        Err(err) => err.problems,
    };
    expect(
        &problems,
        &[
            (None, "programme.level", "type invalide (la chaîne « 7 ») ; attendu : un entier de 5 à 8"),
            (None, "units[2].competences[0].level", "niveau « N5 » inconnu"),
            (None, "units[3].unknown", "clé inconnue « unknown »"),
        ],
    );
    let broken = Declaration::from_json("{\n  \"programme\": {\n    \"id\": \"x\",\n  }\n}", referentiel(), today());
    let problems = broken.expect_err("JSON invalide").problems;
    expect(&problems, &[(Some(4), "", "JSON invalide : virgule en trop")]);
}

#[test]
fn toml_and_json_give_the_same_declaration() {
    for name in ["master.toml", "court.toml"] {
        let from_toml = fixture(name);
        let json = from_toml.to_json();
        let from_json =
            Declaration::from_json(&serde_json::to_string_pretty(&json).expect("JSON"), referentiel(), today())
                .unwrap_or_else(|err| panic!("{name} en JSON : {err}"));
        assert_eq!(from_json, from_toml, "{name}");
        assert_eq!(from_json.to_json(), json, "{name}");
    }
    // A JSON file written by hand, with integers where TOML had them.
    let json = r#"{
        "programme": {
            "id": "exemple-sql-analyse", "title": "SQL pour l'analyse de données",
            "provider": "Organisme Exemple Formation", "diploma": "court", "region": "11", "city": "Paris",
            "modality": ["presentiel", "distanciel"], "language": "fr", "total_hours": 35,
            "practitioner_share": 1, "updated": "2026-06-15", "public_url": "https://formation.exemple.fr/sql",
            "example": true
        },
        "units": [
            { "code": "SQL1", "title": "Interroger une base relationnelle", "hours": 21, "kind": "core",
              "competences": [{ "id": "DS.INF.05", "level": "N2" }], "assessments": ["graded_lab"] },
            { "code": "SQL2", "title": "Requêtes analytiques et fenêtres", "hours": 14, "kind": "core",
              "competences": [{ "id": "DS.INF.05", "level": "N3" }, { "id": "DS.MST.04", "level": "N1" }],
              "assessments": ["exam"] }
        ]
    }"#;
    let by_hand = Declaration::from_json(json, referentiel(), today()).expect("JSON écrit à la main");
    assert_eq!(by_hand, fixture("court.toml"));
}

#[test]
fn the_format_is_guessed_from_the_extension_then_the_content() {
    use std::path::Path;
    assert_eq!(Format::guess(Some(Path::new("a.json")), "[programme]"), Format::Json);
    assert_eq!(Format::guess(Some(Path::new("a.TOML")), "{"), Format::Toml);
    assert_eq!(Format::guess(Some(Path::new("declaration")), "  \n{ \"programme\": {} }"), Format::Json);
    assert_eq!(Format::guess(None, "# commentaire\n[programme]"), Format::Toml);
    let text = fixture_text("court.toml");
    let declaration = Declaration::parse(&text, Format::guess(None, &text), referentiel(), today()).expect("TOML");
    assert_eq!(declaration.programme.id, "exemple-sql-analyse");
}

#[test]
fn the_example_flag_and_optional_sections_are_read() {
    assert!(master().programme.example);
    let minimal = edited("example = true\n", "");
    let declaration = Declaration::from_toml(&minimal, referentiel(), today()).expect("sans example");
    assert!(!declaration.programme.example);
    let start = fixture_text("master.toml");
    let cut = start.find("[[projects]]").expect("projets");
    let declaration = Declaration::from_toml(&start[..cut], referentiel(), today())
        .expect("projets, immersions et devenir facultatifs");
    assert!(declaration.projects.is_empty() && declaration.placements.is_empty() && declaration.outcomes.is_none());
}

#[test]
fn the_example_of_the_book_is_the_valid_and_eligible_master() {
    let path = format!("{}/../../book/src/annexes/declaration-formation.md", env!("CARGO_MANIFEST_DIR"));
    let page = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("lecture de {path} : {err}"));
    let section = page.split("## Un exemple complet").nth(1).expect("section « Un exemple complet »");
    let example = section.split("```toml\n").nth(1).and_then(|rest| rest.split("```").next()).expect("bloc TOML");
    let declaration = Declaration::from_toml(example, referentiel(), today()).expect("l'exemple du livre est valide");
    assert_eq!(declaration, master(), "l'exemple du livre doit rester la déclaration de tests/fixtures/master.toml");
    let report = registry::evaluate(&declaration, referentiel(), today());
    assert_eq!(report.verdict, registry::Verdict::Eligible);
}

#[test]
fn windows_line_endings_and_a_byte_order_mark_are_accepted() {
    let text = format!("\u{feff}{}", fixture_text("court.toml").replace('\n', "\r\n"));
    let declaration = Declaration::from_toml(&text, referentiel(), today()).expect("CRLF et BOM acceptés");
    assert_eq!(declaration, fixture("court.toml"));
    let broken = text.replacen("hours = 21", "hours = -21", 1);
    let problems = toml_problems(&broken);
    expect(&problems, &[(Some(21), "units[0].hours", "valeur -21 refusée")]);
    let json = format!("\u{feff}{}", fixture("court.toml").to_json());
    assert_eq!(Declaration::from_json(&json, referentiel(), today()).expect("BOM en JSON"), fixture("court.toml"));
}
