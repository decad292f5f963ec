//! Golden files for every export format, the acceptance figures of the shipped référentiel, and
//! structural checks that each export is what its importer expects.

use std::collections::BTreeSet;
use std::path::PathBuf;

use skills::export::{self, Format};

fn shipped() -> skills::Referentiel {
    skills::embedded().unwrap_or_else(|err| panic!("{err}"))
}

fn golden_path(format: Format) -> PathBuf {
    let name = match format {
        Format::Json => "referentiel.json",
        Format::Case => "referentiel.case.json",
        Format::MoodleCsv => "referentiel.moodle.csv",
        Format::OpenedxCsv => "referentiel.openedx.csv",
    };
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name)
}

/// Compares an export with its golden file; `UPDATE_GOLDEN=1` rewrites the file instead.
fn check_golden(format: Format) {
    let actual = export::render(&shipped(), format);
    let path = golden_path(format);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &actual).expect("écriture du fichier de référence");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("{} illisible ({err}) ; UPDATE_GOLDEN=1 le crée", path.display()));
    if actual != expected {
        let line = actual.lines().zip(expected.lines()).position(|(a, b)| a != b).map_or(0, |idx| idx + 1);
        panic!(
            "l'export {} diffère de {} à partir de la ligne {line} ; si le changement est voulu, relancez avec UPDATE_GOLDEN=1 et relisez le diff",
            format.name(),
            path.display()
        );
    }
}

#[test]
fn golden_json() {
    check_golden(Format::Json);
}

#[test]
fn golden_case() {
    check_golden(Format::Case);
}

#[test]
fn golden_moodle_csv() {
    check_golden(Format::MoodleCsv);
}

#[test]
fn golden_openedx_csv() {
    check_golden(Format::OpenedxCsv);
}

#[test]
fn embedded_copy_is_the_shipped_folder() {
    let shipped_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../datasets/referentiel");
    let from_disk = skills::load_dir(&shipped_dir).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(from_disk, shipped(), "EMBEDDED_FILES ne reflète pas datasets/referentiel/ (fichier ajouté ?)");
}

#[test]
fn shipped_referentiel_meets_the_acceptance_figures() {
    let value = export::json(&shipped());
    assert_eq!(value["version"], "2026.1");
    let competences = value["competences"].as_array().expect("liste de compétences");
    assert!(competences.len() >= 40, "{} compétences", competences.len());
    let n_core = competences.iter().filter(|competence| competence["core"] == true).count();
    assert!(n_core >= 25, "{n_core} compétences du tronc commun");
    for competence in competences {
        let id = competence["id"].as_str().expect("id");
        for level in ["N1", "N2", "N3", "N4"] {
            let text = competence["levels"][level].as_str().unwrap_or_default();
            assert!(text.len() > 20, "{id} : descripteur {level} absent ou trop court");
        }
        let sum: f64 =
            ["INF", "MST", "MET"].iter().map(|pillar| competence["weights"][pillar].as_f64().unwrap_or(-1.0)).sum();
        assert!((sum - 1.0).abs() < 1e-9, "{id} : poids {sum}");
        assert!(!competence["crosswalk"]["edsf"].as_array().expect("edsf").is_empty(), "{id} : pas d'EDSF");
        assert!(competence["keywords"]["fr"].as_array().expect("mots-clés").len() >= 3, "{id} : moins de 3 mots-clés");
        assert_eq!(
            competence["core"].as_bool(),
            Some(competence["sector"].is_null()),
            "{id} : core et sector incohérents"
        );
        for key in ["label", "description"] {
            assert!(!competence[key]["fr"].as_str().unwrap_or_default().is_empty(), "{id} : {key}.fr vide");
            assert!(!competence[key]["en"].as_str().unwrap_or_default().is_empty(), "{id} : {key}.en vide");
        }
    }
    let pillars: BTreeSet<&str> = competences.iter().filter_map(|competence| competence["pillar"].as_str()).collect();
    assert_eq!(pillars, BTreeSet::from(["INF", "MET", "MST", "PRJ", "TRV"]));
}

#[test]
fn case_associations_point_to_known_nodes() {
    let package = export::case(&shipped());
    let document = package["CFDocument"]["identifier"].as_str().expect("document").to_owned();
    let items: BTreeSet<String> = package["CFItems"]
        .as_array()
        .expect("CFItems")
        .iter()
        .map(|item| item["identifier"].as_str().expect("identifier").to_owned())
        .collect();
    let referentiel = shipped();
    // pillars + groups + competences + 4 levels per competence
    let expected_items = referentiel.pillars.len() + referentiel.groups.len() + referentiel.competences.len() * 5;
    assert_eq!(items.len(), expected_items, "identifiants CASE en double ou manquants");
    for association in package["CFAssociations"].as_array().expect("CFAssociations") {
        let origin = association["originNodeURI"]["identifier"].as_str().expect("origin");
        let destination = association["destinationNodeURI"]["identifier"].as_str().expect("destination");
        assert!(items.contains(origin), "origine inconnue {origin}");
        match association["associationType"].as_str() {
            Some("isChildOf") => assert!(items.contains(destination) || destination == document, "parent inconnu"),
            Some("isRelatedTo") => {
                assert!(
                    association["destinationNodeURI"]["uri"]
                        .as_str()
                        .unwrap_or_default()
                        .starts_with("urn:edsf:cf-ds:")
                );
            }
            other => panic!("type d'association inattendu {other:?}"),
        }
    }
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    reader.records().map(|record| record.expect("ligne CSV").iter().map(str::to_owned).collect()).collect()
}

#[test]
fn moodle_csv_has_the_importer_columns_and_a_consistent_tree() {
    let rows = csv_rows(&export::moodle_csv(&shipped()));
    assert_eq!(rows[0].len(), 14);
    assert_eq!(rows[0][0], "Parent ID number");
    assert_eq!(rows[0][12], "Is framework");
    assert_eq!(rows[1][12], "1", "la première ligne après l'en-tête décrit le cadre");
    let mut known: BTreeSet<String> = BTreeSet::new();
    for row in &rows[2..] {
        assert_eq!(row.len(), 14);
        assert!(row[0].is_empty() || known.contains(&row[0]), "parent {} déclaré après son enfant", row[0]);
        assert!(known.insert(row[1].clone()), "ID number en double {}", row[1]);
    }
    assert!(known.contains("DS.MST.06"));
}

#[test]
fn openedx_csv_has_its_four_columns_and_a_consistent_tree() {
    let rows = csv_rows(&export::openedx_csv(&shipped()));
    assert_eq!(rows[0], ["id", "value", "parent_id", "comments"]);
    let mut known: BTreeSet<String> = BTreeSet::new();
    for row in &rows[1..] {
        assert!(row[2].is_empty() || known.contains(&row[2]), "parent {} inconnu", row[2]);
        assert!(known.insert(row[0].clone()), "id en double {}", row[0]);
    }
    assert_eq!(known.len(), 5 + shipped().groups.len() + shipped().competences.len());
}

#[test]
fn folding_ignores_case_and_accents() {
    assert_eq!(skills::fold("Régression LINÉAIRE, œuvre"), "regression lineaire, oeuvre");
    let referentiel = shipped();
    let competence = referentiel.competence("DS.MST.06").expect("DS.MST.06");
    assert!(competence.matches(&skills::fold("REGRESSION logistique")));
    assert!(!competence.matches(&skills::fold("kubernetes")));
}
