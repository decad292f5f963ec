//! Golden tests of the label criteria: for each of C1–C14, declarations that pass and that fail,
//! with the exact figures expected. Variants are derived in code from the complete master of
//! `fixtures/master.toml` (which passes everything) and the short course of `fixtures/court.toml`.

mod common;

use common::{
    assert_mentions, check, check_result, date, fixture, master, remove_competence, run, run_on, set_level, today, unit,
};
use registry::{Diploma, Status, UnitKind, Verdict};
use serde_json::json;
use skills::Level;

fn court() -> registry::Declaration {
    fixture("court.toml")
}

/// The master turned into a licence professionnelle (niveau 6).
fn licence_pro() -> registry::Declaration {
    let mut declaration = master();
    declaration.programme.diploma = Diploma::LicencePro;
    declaration.programme.level = Some(6);
    declaration
}

// ---------------------------------------------------------------------------------------------
// Verdict

#[test]
fn the_master_is_eligible_with_one_declarative_criterion() {
    let report = registry::evaluate(&master(), common::referentiel(), today());
    assert_eq!(report.programme, "exemple-master-sd");
    assert_eq!(report.verdict, Verdict::Eligible);
    let ids: Vec<&str> = report.criteria.iter().map(|result| result.id).collect();
    assert_eq!(ids, ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C10", "C11", "C12", "C13", "C14"]);
    assert_eq!(report.count(Status::Pass), 13);
    assert_eq!(report.count(Status::Declarative), 1);
    assert_eq!(report.get("C13").map(|result| result.status), Some(Status::Declarative));
}

#[test]
fn one_failing_criterion_makes_the_programme_not_eligible() {
    let mut declaration = master();
    declaration.programme.practitioner_share = Some(0.05);
    let report = registry::evaluate(&declaration, common::referentiel(), today());
    assert_eq!(report.verdict, Verdict::NotEligible);
    assert_eq!(report.count(Status::Fail), 1);
    let json = serde_json::to_value(&report).expect("JSON");
    assert_eq!(json["verdict"], "not_eligible");
    assert_eq!(json["criteria"][12]["status"], "fail");
    assert_eq!(json["criteria"][0].as_object().map(|object| object.len()), Some(4), "id, status, figures, message");
}

#[test]
fn the_short_course_is_judged_on_its_own_criteria() {
    let report = registry::evaluate(&court(), common::referentiel(), today());
    assert_eq!(report.verdict, Verdict::Eligible);
    let not_applicable: Vec<&str> = report
        .criteria
        .iter()
        .filter(|result| result.status == Status::NotApplicable)
        .map(|result| result.id)
        .collect();
    assert_eq!(not_applicable, ["C1", "C3", "C4", "C6", "C7", "C8", "C10", "C11"]);
    for result in report.criteria.iter().filter(|result| result.status == Status::NotApplicable) {
        assert!(result.message.starts_with("Sans objet pour une formation courte"), "{}", result.message);
    }
}

#[test]
fn every_figure_has_a_french_name() {
    let mut declarations = vec![master(), court(), licence_pro()];
    let mut broken = master();
    broken.projects.clear();
    broken.programme.diploma = Diploma::MsCge;
    broken.programme.level = Some(8);
    declarations.push(broken);
    for declaration in &declarations {
        for result in registry::evaluate(declaration, common::referentiel(), today()).criteria {
            for key in result.figures.keys() {
                assert!(
                    registry::criteria::figure_label(key).is_some(),
                    "{} : chiffre {key} sans nom français",
                    result.id
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// C1 — completeness

#[test]
fn c1_passes_when_each_pillar_is_between_20_and_50_percent() {
    let message = check(
        &master(),
        "C1",
        Status::Pass,
        json!({
            "volume_hours": 1040.0, "share_inf": 0.3838, "share_mst": 0.3614, "share_met": 0.2548,
            "min_share": 0.2, "max_share": 0.5
        }),
    );
    assert_mentions(&message, &["1 040 h", "INF 38,4 %", "MST 36,1 %", "MET 25,5 %"]);
}

#[test]
fn c1_fails_without_enough_business_teaching_and_says_how_many_hours_to_add() {
    let mut declaration = master();
    declaration.units.retain(|unit| !["UE15", "UE23", "UE25", "UE32", "UE33"].contains(&unit.code.as_str()));
    let message = check(
        &declaration,
        "C1",
        Status::Fail,
        json!({
            "volume_hours": 740.0, "share_inf": 0.482, "share_mst": 0.4369, "share_met": 0.0811,
            "min_share": 0.2, "max_share": 0.5
        }),
    );
    assert_mentions(&message, &["MET (métier et domaine) est à 8,1 %", "ajoutez environ 110 h"]);
}

#[test]
fn c1_fails_when_one_pillar_dominates() {
    let mut declaration = master();
    // Only computer-science units and the project are left.
    declaration.units.retain(|unit| unit.competences.iter().all(|claim| claim.id.starts_with("DS.INF")));
    let result = run(&declaration, "C1");
    assert_eq!(result.status, Status::Fail);
    // 4 units of 60 h (INF only) and the 200 h project (PRJ weights): INF = 240 + 200 × 1.3 / 3.
    assert_eq!(result.figures["volume_hours"], json!(440.0));
    assert_eq!(result.figures["share_inf"], json!(0.7424));
    assert_mentions(&result.message, &["INF (informatique) est à 74,2 %", "réduisez-le", "ajoutez environ 214 h"]);
}

#[test]
fn c1_fails_when_no_competence_is_declared() {
    let mut declaration = master();
    for unit in &mut declaration.units {
        unit.competences.clear();
    }
    declaration.projects.clear();
    let message = check(
        &declaration,
        "C1",
        Status::Fail,
        json!({
            "volume_hours": 0.0, "share_inf": 0.0, "share_mst": 0.0, "share_met": 0.0,
            "min_share": 0.2, "max_share": 0.5
        }),
    );
    assert_mentions(&message, &["volume de science des données est nul"]);
}

#[test]
fn c1_does_not_apply_to_short_courses() {
    check(&court(), "C1", Status::NotApplicable, json!({}));
}

// ---------------------------------------------------------------------------------------------
// C2 — minimum volume

#[test]
fn c2_passes_with_60_ects_or_400_hours_of_data_science() {
    let message = check(
        &master(),
        "C2",
        Status::Pass,
        json!({
            "volume_hours": 1040.0, "volume_ects": 94.0, "units_without_competences": [],
            "min_ects": 60.0, "min_hours": 400.0
        }),
    );
    assert_mentions(&message, &["94 ECTS et 1 040 h"]);
}

#[test]
fn c2_converts_credits_to_hours_when_hours_are_missing() {
    let mut declaration = master();
    for unit in &mut declaration.units {
        unit.hours = None;
        unit.ects = Some(5.0);
    }
    // 14 units × 5 ECTS × 10 h + the 200 h project.
    check(
        &declaration,
        "C2",
        Status::Pass,
        json!({
            "volume_hours": 900.0, "volume_ects": 80.0, "units_without_competences": [],
            "min_ects": 60.0, "min_hours": 400.0
        }),
    );
}

#[test]
fn c2_fails_below_the_minimum_and_ignores_units_without_competences() {
    let mut declaration = master();
    declaration.units.truncate(3);
    declaration.projects.clear();
    let mut english = declaration.units[0].clone();
    english.code = "ANG".to_owned();
    english.competences.clear();
    declaration.units.push(english);
    let message = check(
        &declaration,
        "C2",
        Status::Fail,
        json!({
            "volume_hours": 180.0, "volume_ects": 18.0, "units_without_competences": ["ANG"],
            "min_ects": 60.0, "min_hours": 400.0
        }),
    );
    assert_mentions(&message, &["18 ECTS et 180 h", "ajoutez 220 h (ou 42 ECTS)", "ne comptent pas : ANG"]);
}

#[test]
fn c2_asks_30_hours_of_a_short_course() {
    check(
        &court(),
        "C2",
        Status::Pass,
        json!({ "volume_hours": 35.0, "volume_ects": 3.5, "units_without_competences": [], "min_hours": 30.0 }),
    );
    let mut short = court();
    short.units.truncate(1);
    let message = check(
        &short,
        "C2",
        Status::Fail,
        json!({ "volume_hours": 21.0, "volume_ects": 2.1, "units_without_competences": [], "min_hours": 30.0 }),
    );
    assert_mentions(&message, &["ajoutez 9 h"]);
}

// ---------------------------------------------------------------------------------------------
// C3 — core coverage

#[test]
fn c3_passes_when_every_core_competence_reaches_n2_at_niveau_7() {
    check(
        &master(),
        "C3",
        Status::Pass,
        json!({
            "niveau": 7, "core_total": 37, "core_at_n2": 37, "coverage": 1.0, "threshold": 1.0, "missing": []
        }),
    );
}

/// Two core competences below N2: DS.INF.06 removed, DS.MST.07 only at N1.
fn two_core_missing(mut declaration: registry::Declaration) -> registry::Declaration {
    remove_competence(&mut declaration, "DS.INF.06");
    set_level(&mut declaration, "DS.MST.07", Level::N1);
    declaration
}

#[test]
fn c3_fails_at_niveau_7_when_two_core_competences_are_missing() {
    let message = check(
        &two_core_missing(master()),
        "C3",
        Status::Fail,
        json!({
            "niveau": 7, "core_total": 37, "core_at_n2": 35, "coverage": 0.9459, "threshold": 1.0,
            "missing": ["DS.INF.06", "DS.MST.07"]
        }),
    );
    assert_mentions(&message, &["35 des 37", "pour 2 de plus parmi : DS.INF.06, DS.MST.07"]);
}

#[test]
fn c3_passes_the_same_gaps_at_niveau_6_but_not_six_gaps() {
    check(
        &two_core_missing(licence_pro()),
        "C3",
        Status::Pass,
        json!({
            "niveau": 6, "core_total": 37, "core_at_n2": 35, "coverage": 0.9459, "threshold": 0.85,
            "missing": ["DS.INF.06", "DS.MST.07"]
        }),
    );
    let mut declaration = two_core_missing(licence_pro());
    for id in ["DS.INF.07", "DS.INF.11", "DS.MET.03", "DS.TRV.05"] {
        remove_competence(&mut declaration, id);
    }
    let message = check(
        &declaration,
        "C3",
        Status::Fail,
        json!({
            "niveau": 6, "core_total": 37, "core_at_n2": 31, "coverage": 0.8378, "threshold": 0.85,
            "missing": ["DS.INF.06", "DS.INF.07", "DS.INF.11", "DS.MET.03", "DS.MST.07", "DS.TRV.05"]
        }),
    );
    // 85 % of 37 is 31.45: 32 are needed.
    assert_mentions(&message, &["pour 1 de plus"]);
}

#[test]
fn c3_thresholds_follow_the_niveau() {
    assert_eq!(registry::criteria::core_coverage_threshold(5), 0.60);
    assert_eq!(registry::criteria::core_coverage_threshold(6), 0.85);
    assert_eq!(registry::criteria::core_coverage_threshold(7), 1.0);
    assert_eq!(registry::criteria::core_coverage_threshold(8), 1.0);
    check(&court(), "C3", Status::NotApplicable, json!({}));
}

// ---------------------------------------------------------------------------------------------
// C4 — depth

#[test]
fn c4_passes_with_half_the_core_at_n3_and_two_per_pillar() {
    check(
        &master(),
        "C4",
        Status::Pass,
        json!({
            "niveau": 7, "core_total": 37, "core_at_n3": 22, "share_core_n3": 0.5946, "min_share": 0.5,
            "n3_inf": 5, "n3_mst": 8, "n3_met": 4, "min_per_pillar": 2
        }),
    );
}

#[test]
fn c4_fails_when_a_pillar_has_a_single_n3() {
    let mut declaration = master();
    for id in ["DS.MET.01", "DS.MET.05", "DS.MET.06"] {
        set_level(&mut declaration, id, Level::N2);
    }
    let message = check(
        &declaration,
        "C4",
        Status::Fail,
        json!({
            "niveau": 7, "core_total": 37, "core_at_n3": 19, "share_core_n3": 0.5135, "min_share": 0.5,
            "n3_inf": 5, "n3_mst": 8, "n3_met": 1, "min_per_pillar": 2
        }),
    );
    assert_mentions(&message, &["MET (métier et domaine) n'a que 1 compétence(s)"]);
}

#[test]
fn c4_fails_when_less_than_half_the_core_reaches_n3() {
    let mut declaration = master();
    for id in ["DS.INF.01", "DS.INF.05", "DS.MST.01", "DS.MST.03"] {
        set_level(&mut declaration, id, Level::N2);
    }
    let message = check(
        &declaration,
        "C4",
        Status::Fail,
        json!({
            "niveau": 7, "core_total": 37, "core_at_n3": 18, "share_core_n3": 0.4865, "min_share": 0.5,
            "n3_inf": 3, "n3_mst": 6, "n3_met": 4, "min_per_pillar": 2
        }),
    );
    assert_mentions(&message, &["pour 1 compétence(s) du tronc commun de plus (18 sur 37"]);
}

#[test]
fn c4_applies_only_at_niveau_7_and_8() {
    check(&licence_pro(), "C4", Status::NotApplicable, json!({ "niveau": 6 }));
    check(&court(), "C4", Status::NotApplicable, json!({}));
}

// ---------------------------------------------------------------------------------------------
// C5 — level coherence

#[test]
fn c5_passes_when_the_niveau_matches_the_diploma() {
    let message = check(
        &master(),
        "C5",
        Status::Pass,
        json!({
            "diploma": "master", "niveau": 7, "expected_niveau": 7, "highest_level": "N3", "ceiling": "N4",
            "above_ceiling": []
        }),
    );
    assert_mentions(&message, &["Le niveau 7 correspond au diplôme (master)"]);
}

#[test]
fn c5_fails_when_a_master_claims_niveau_6() {
    let mut declaration = master();
    declaration.programme.level = Some(6);
    let message = check(
        &declaration,
        "C5",
        Status::Fail,
        json!({
            "diploma": "master", "niveau": 6, "expected_niveau": 7, "highest_level": "N3", "ceiling": "N3",
            "above_ceiling": []
        }),
    );
    assert_mentions(&message, &["Un diplôme de type master est de niveau 7, pas 6"]);
}

#[test]
fn c5_allows_expertise_at_niveau_7_but_not_below() {
    let mut declaration = master();
    set_level(&mut declaration, "DS.INF.01", Level::N4);
    check(
        &declaration,
        "C5",
        Status::Pass,
        json!({
            "diploma": "master", "niveau": 7, "expected_niveau": 7, "highest_level": "N4", "ceiling": "N4",
            "above_ceiling": []
        }),
    );
    let mut declaration = licence_pro();
    set_level(&mut declaration, "DS.INF.01", Level::N4);
    let message = check(
        &declaration,
        "C5",
        Status::Fail,
        json!({
            "diploma": "licence_pro", "niveau": 6, "expected_niveau": 6, "highest_level": "N4", "ceiling": "N3",
            "above_ceiling": ["DS.INF.01"]
        }),
    );
    assert_mentions(&message, &["ramenez à N3 au plus DS.INF.01"]);
    let mut short = court();
    set_level(&mut short, "DS.INF.05", Level::N4);
    check(
        &short,
        "C5",
        Status::Fail,
        json!({
            "diploma": "court", "niveau": null, "expected_niveau": null, "highest_level": "N4", "ceiling": "N3",
            "above_ceiling": ["DS.INF.05"]
        }),
    );
}

// ---------------------------------------------------------------------------------------------
// C6 — common core then late specialisation

#[test]
fn c6_passes_with_a_large_core_and_specialisation_in_the_last_third() {
    check(
        &master(),
        "C6",
        Status::Pass,
        json!({
            "units_hours": 840.0, "core_hours": 720.0, "specialisation_hours": 120.0, "core_share": 0.8571,
            "min_core_share": 0.7, "semesters": 4, "first_late_semester": 3, "early_specialisation": []
        }),
    );
}

#[test]
fn c6_fails_when_specialisation_starts_in_semester_2_of_4() {
    let mut declaration = master();
    unit(&mut declaration, "UE33").semester = Some(2);
    let message = check(
        &declaration,
        "C6",
        Status::Fail,
        json!({
            "units_hours": 840.0, "core_hours": 720.0, "specialisation_hours": 120.0, "core_share": 0.8571,
            "min_core_share": 0.7, "semesters": 4, "first_late_semester": 3, "early_specialisation": ["UE33 (S2)"]
        }),
    );
    assert_mentions(&message, &["La spécialisation commence trop tôt : UE33 (S2)", "au semestre 3 ou après"]);
}

#[test]
fn c6_fails_when_specialisation_exceeds_30_percent() {
    let mut declaration = master();
    unit(&mut declaration, "UE33").hours = Some(200.0);
    unit(&mut declaration, "UE34").hours = Some(200.0);
    let message = check(
        &declaration,
        "C6",
        Status::Fail,
        json!({
            "units_hours": 1120.0, "core_hours": 720.0, "specialisation_hours": 400.0, "core_share": 0.6429,
            "min_core_share": 0.7, "semesters": 4, "first_late_semester": 3, "early_specialisation": []
        }),
    );
    assert_mentions(&message, &["Le tronc commun ne représente que 64,3 %", "720 h sur 1 120 h"]);
}

#[test]
fn c6_last_third_depends_on_the_number_of_semesters() {
    let first_late: Vec<u32> = (1..=10).map(registry::criteria::first_late_semester).collect();
    assert_eq!(first_late, [1, 2, 3, 3, 4, 5, 5, 6, 7, 7]);
    let mut declaration = licence_pro();
    declaration.programme.semesters = Some(6);
    for code in ["UE33", "UE34"] {
        unit(&mut declaration, code).semester = Some(4);
    }
    let result = run(&declaration, "C6");
    assert_eq!(result.status, Status::Fail);
    assert_eq!(result.figures["early_specialisation"], json!(["UE33 (S4)", "UE34 (S4)"]));
    assert_eq!(result.figures["first_late_semester"], json!(5));
    check(&court(), "C6", Status::NotApplicable, json!({}));
}

// ---------------------------------------------------------------------------------------------
// C7 — real-size data project

#[test]
fn c7_passes_with_a_graded_project_on_large_real_data() {
    let message = check(
        &master(),
        "C7",
        Status::Pass,
        json!({
            "projects": 1, "qualifying_projects": 1, "project": "Projet intégrateur", "real_data": true,
            "data_size_gb": 4.0, "records": 12000000, "sources": 3, "project_hours": 200.0, "project_ects": 10.0,
            "graded": true
        }),
    );
    assert_mentions(&message, &["« Projet intégrateur »", "https://data.exemple.fr/jeu"]);
}

#[test]
fn c7_size_may_come_from_records_or_sources_alone_and_volume_from_hours_alone() {
    let mut declaration = master();
    let project = &mut declaration.projects[0];
    project.data_size_gb = None;
    project.records = None;
    project.sources = Some(3);
    project.ects = None;
    project.hours = Some(100.0);
    project.data_provenance = None;
    project.partner = Some("Mutuelle Exemple".to_owned());
    let message = check(
        &declaration,
        "C7",
        Status::Pass,
        json!({
            "projects": 1, "qualifying_projects": 1, "project": "Projet intégrateur", "real_data": true,
            "data_size_gb": null, "records": null, "sources": 3, "project_hours": 100.0, "project_ects": 10.0,
            "graded": true
        }),
    );
    assert_mentions(&message, &["fournies par Mutuelle Exemple"]);
}

#[test]
fn c7_fails_on_synthetic_or_small_data_naming_each_gap() {
    let mut declaration = master();
    declaration.projects[0].synthetic = true;
    let result = run(&declaration, "C7");
    assert_eq!(result.status, Status::Fail);
    assert_eq!(result.figures["real_data"], json!(false));
    assert_mentions(&result.message, &["données sont simulées"]);

    let mut declaration = master();
    let project = &mut declaration.projects[0];
    project.data_size_gb = Some(0.5);
    project.records = Some(200_000);
    project.sources = Some(1);
    project.hours = Some(60.0);
    project.ects = Some(4.0);
    project.graded = false;
    let message = check(
        &declaration,
        "C7",
        Status::Fail,
        json!({
            "projects": 1, "qualifying_projects": 0, "project": "Projet intégrateur", "real_data": true,
            "data_size_gb": 0.5, "records": 200000, "sources": 1, "project_hours": 60.0, "project_ects": 4.0,
            "graded": false
        }),
    );
    assert_mentions(
        &message,
        &[
            "données trop petites (0,5 Go, 200 000 enregistrements, 1 source(s))",
            "volume trop faible (4 ECTS, 60 h)",
            "n'est pas noté",
        ],
    );
}

#[test]
fn c7_fails_without_any_project_and_does_not_apply_to_short_courses() {
    let mut declaration = master();
    declaration.projects.clear();
    let message = check(&declaration, "C7", Status::Fail, json!({ "projects": 0, "qualifying_projects": 0 }));
    assert_mentions(&message, &["Aucun projet déclaré"]);
    check(&court(), "C7", Status::NotApplicable, json!({}));
}

// ---------------------------------------------------------------------------------------------
// C8 — company immersion

#[test]
fn c8_passes_with_20_weeks_at_niveau_7() {
    check(
        &master(),
        "C8",
        Status::Pass,
        json!({ "niveau": 7, "mandatory_weeks": 24, "min_weeks": 20, "apprenticeship": false }),
    );
}

#[test]
fn c8_fails_with_12_weeks_at_niveau_7_unless_in_work_study() {
    let mut declaration = master();
    declaration.placements[0].weeks = 12;
    let message = check(
        &declaration,
        "C8",
        Status::Fail,
        json!({ "niveau": 7, "mandatory_weeks": 12, "min_weeks": 20, "apprenticeship": false }),
    );
    assert_mentions(&message, &["allongez le stage obligatoire de 8 semaine(s)"]);
    declaration.programme.apprenticeship = true;
    check(
        &declaration,
        "C8",
        Status::Pass,
        json!({ "niveau": 7, "mandatory_weeks": 12, "min_weeks": 20, "apprenticeship": true }),
    );
}

#[test]
fn c8_counts_only_mandatory_placements_and_asks_8_weeks_at_niveau_6() {
    let mut declaration = licence_pro();
    declaration.placements[0].weeks = 8;
    check(
        &declaration,
        "C8",
        Status::Pass,
        json!({ "niveau": 6, "mandatory_weeks": 8, "min_weeks": 8, "apprenticeship": false }),
    );
    declaration.placements[0].mandatory = false;
    check(
        &declaration,
        "C8",
        Status::Fail,
        json!({ "niveau": 6, "mandatory_weeks": 0, "min_weeks": 8, "apprenticeship": false }),
    );
}

#[test]
fn c8_does_not_apply_to_doctorates_or_short_courses() {
    let mut declaration = master();
    declaration.programme.diploma = Diploma::Doctorat;
    declaration.programme.level = Some(8);
    declaration.placements.clear();
    check(&declaration, "C8", Status::NotApplicable, json!({ "niveau": 8 }));
    check(&court(), "C8", Status::NotApplicable, json!({}));
}

// ---------------------------------------------------------------------------------------------
// C9 — assessment

#[test]
fn c9_passes_when_every_claim_at_n2_or_more_is_assessed() {
    check(&master(), "C9", Status::Pass, json!({ "claimed_n2_plus": 39, "assessed": 39, "unassessed": [] }));
}

#[test]
fn c9_fails_for_a_unit_without_assessment() {
    let mut declaration = master();
    unit(&mut declaration, "UE24").assessments.clear();
    let message = check(
        &declaration,
        "C9",
        Status::Fail,
        json!({ "claimed_n2_plus": 39, "assessed": 37, "unassessed": ["DS.MST.07", "DS.MST.10"] }),
    );
    assert_mentions(&message, &["DS.MST.07 (N2, UE24)", "DS.MST.10 (N3, UE24)"]);
}

#[test]
fn c9_judges_each_competence_where_it_reaches_its_highest_level() {
    // An unassessed unit that only sensitises (N1) to an assessed competence changes nothing.
    let mut declaration = master();
    let mut seminar = declaration.units[0].clone();
    seminar.code = "SEM".to_owned();
    seminar.assessments.clear();
    seminar.competences = vec![registry::Claim { id: "DS.INF.01".to_owned(), level: Level::N1 }];
    declaration.units.push(seminar.clone());
    check(&declaration, "C9", Status::Pass, json!({ "claimed_n2_plus": 39, "assessed": 39, "unassessed": [] }));
    // The same unit raising DS.INF.01 to N4 without assessing it fails.
    declaration.units.last_mut().expect("SEM").competences[0].level = Level::N4;
    check(
        &declaration,
        "C9",
        Status::Fail,
        json!({ "claimed_n2_plus": 39, "assessed": 38, "unassessed": ["DS.INF.01"] }),
    );
    // An ungraded project leaves its competences unassessed.
    let mut declaration = master();
    declaration.projects[0].graded = false;
    check(
        &declaration,
        "C9",
        Status::Fail,
        json!({ "claimed_n2_plus": 39, "assessed": 36, "unassessed": ["DS.PRJ.01", "DS.PRJ.02", "DS.PRJ.03"] }),
    );
}

// ---------------------------------------------------------------------------------------------
// C10 — data law and ethics

#[test]
fn c10_passes_with_law_and_ethics_at_n2() {
    let message = check(
        &master(),
        "C10",
        Status::Pass,
        json!({ "competences": { "DS.MET.08": "N2", "DS.MET.09": "N2" }, "min_level": "N2" }),
    );
    assert_mentions(&message, &["Droit des données (DS.MET.08)"]);
}

#[test]
fn c10_fails_when_ethics_is_only_an_awareness_or_law_is_absent() {
    let mut declaration = master();
    set_level(&mut declaration, "DS.MET.09", Level::N1);
    remove_competence(&mut declaration, "DS.MET.08");
    let message = check(
        &declaration,
        "C10",
        Status::Fail,
        json!({ "competences": { "DS.MET.08": null, "DS.MET.09": "N1" }, "min_level": "N2" }),
    );
    assert_mentions(
        &message,
        &["DS.MET.08 — Droit des données (absente)", "DS.MET.09 — Éthique et équité des algorithmes (visée à N1)"],
    );
    check(&court(), "C10", Status::NotApplicable, json!({}));
}

// ---------------------------------------------------------------------------------------------
// C11 — recognition

#[test]
fn c11_passes_for_a_national_diploma() {
    check(
        &master(),
        "C11",
        Status::Pass,
        json!({ "diploma": "master", "national": true, "rncp": null, "rs": null, "registration_end": null }),
    );
}

#[test]
fn c11_asks_a_registration_of_other_programmes_and_checks_its_end() {
    let mut declaration = master();
    declaration.programme.diploma = Diploma::MsCge;
    let message = check(
        &declaration,
        "C11",
        Status::Fail,
        json!({ "diploma": "ms_cge", "national": false, "rncp": null, "rs": null, "registration_end": null }),
    );
    assert_mentions(&message, &["indiquez son enregistrement au RNCP"]);

    declaration.programme.rncp = Some("RNCP35184".to_owned());
    check(
        &declaration,
        "C11",
        Status::Declarative,
        json!({ "diploma": "ms_cge", "national": false, "rncp": "RNCP35184", "rs": null, "registration_end": null }),
    );
    declaration.programme.registration_end = Some(date("2028-12-31"));
    check(
        &declaration,
        "C11",
        Status::Pass,
        json!({
            "diploma": "ms_cge", "national": false, "rncp": "RNCP35184", "rs": null, "registration_end": "2028-12-31"
        }),
    );
    declaration.programme.registration_end = Some(date("2026-11-27"));
    let message = check(
        &declaration,
        "C11",
        Status::Fail,
        json!({
            "diploma": "ms_cge", "national": false, "rncp": "RNCP35184", "rs": null, "registration_end": "2026-11-27"
        }),
    );
    assert_mentions(&message, &["a pris fin le 2026-11-27"]);
    check(&court(), "C11", Status::NotApplicable, json!({}));
}

// ---------------------------------------------------------------------------------------------
// C12 — transparency

#[test]
fn c12_passes_with_a_public_page_and_published_outcomes() {
    check(
        &master(),
        "C12",
        Status::Pass,
        json!({
            "public_url": "https://exemple.fr/master-sd", "outcomes_published": true, "graduates": 42,
            "employment_6m": 0.86
        }),
    );
}

#[test]
fn c12_fails_without_page_or_published_outcomes() {
    let mut declaration = master();
    declaration.programme.public_url = None;
    declaration.outcomes = None;
    let message = check(
        &declaration,
        "C12",
        Status::Fail,
        json!({ "public_url": null, "outcomes_published": false, "graduates": null, "employment_6m": null }),
    );
    assert_mentions(&message, &["public_url", "published = true"]);
    let mut declaration = master();
    if let Some(outcomes) = declaration.outcomes.as_mut() {
        outcomes.published = false;
    }
    assert_eq!(run(&declaration, "C12").status, Status::Fail);
}

#[test]
fn c12_asks_only_a_public_page_of_a_short_course() {
    let mut short = court();
    check(
        &short,
        "C12",
        Status::Pass,
        json!({
            "public_url": "https://formation.exemple.fr/sql", "outcomes_published": false, "graduates": null,
            "employment_6m": null
        }),
    );
    short.programme.public_url = None;
    assert_eq!(run(&short, "C12").status, Status::Fail);
}

// ---------------------------------------------------------------------------------------------
// C13 — practitioners (declarative)

#[test]
fn c13_is_declarative_from_10_percent_and_fails_below_or_when_missing() {
    let mut declaration = master();
    for (share, status) in
        [(Some(0.15), Status::Declarative), (Some(0.10), Status::Declarative), (Some(0.05), Status::Fail)]
    {
        declaration.programme.practitioner_share = share;
        check(&declaration, "C13", status, json!({ "practitioner_share": share, "min_share": 0.1 }));
    }
    declaration.programme.practitioner_share = None;
    let message = check(&declaration, "C13", Status::Fail, json!({ "practitioner_share": null, "min_share": 0.1 }));
    assert_mentions(&message, &["indiquez practitioner_share"]);
}

// ---------------------------------------------------------------------------------------------
// C14 — yearly update, three-year validity

#[test]
fn c14_passes_within_twelve_months_of_the_update() {
    let message = check(
        &master(),
        "C14",
        Status::Pass,
        json!({
            "updated": "2026-09-01", "age_days": 88, "next_update_due": "2027-09-01",
            "valid_until_if_granted_today": "2029-11-28"
        }),
    );
    assert_mentions(&message, &["avant le 2027-09-01", "valable jusqu'au 2029-11-28"]);
    let result = run_on(&master(), "C14", date("2027-08-31"));
    assert_eq!(result.status, Status::Pass);
}

#[test]
fn c14_fails_twelve_months_after_the_update() {
    let result = run_on(&master(), "C14", date("2027-09-01"));
    let message = check_result(
        &result,
        Status::Fail,
        json!({
            "updated": "2026-09-01", "age_days": 365, "next_update_due": "2027-09-01",
            "valid_until_if_granted_today": "2030-09-01"
        }),
    );
    assert_mentions(&message, &["plus de 12 mois", "mettez-la à jour"]);
}

#[test]
fn unit_kinds_of_the_master_are_as_declared() {
    // Guards the fixture the C6 figures rely on.
    let declaration = master();
    let specialisation: Vec<&str> = declaration
        .units
        .iter()
        .filter(|unit| unit.kind == UnitKind::Specialisation)
        .map(|unit| unit.code.as_str())
        .collect();
    assert_eq!(specialisation, ["UE33", "UE34"]);
}
