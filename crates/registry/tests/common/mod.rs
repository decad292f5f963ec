//! Shared helpers of the registry tests: the référentiel, a fixed date, the fixtures.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::sync::OnceLock;

use registry::{CriterionResult, Date, Declaration, Status};
use skills::Referentiel;

/// The référentiel compiled into the program, loaded once per test binary.
pub fn referentiel() -> &'static Referentiel {
    static REFERENTIEL: OnceLock<Referentiel> = OnceLock::new();
    REFERENTIEL.get_or_init(|| skills::embedded().expect("référentiel intégré valide"))
}

/// The date every test checks against (the fixtures were updated a few months before).
pub fn today() -> Date {
    date("2026-11-28")
}

pub fn date(text: &str) -> Date {
    Date::parse(text).unwrap_or_else(|| panic!("date de test invalide : {text}"))
}

/// The text of a fixture under `tests/fixtures/`.
pub fn fixture_text(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("lecture de {path} : {err}"))
}

/// A fixture, which must be valid.
pub fn fixture(name: &str) -> Declaration {
    Declaration::from_toml(&fixture_text(name), referentiel(), today())
        .unwrap_or_else(|err| panic!("{name} devrait être valide : {err}"))
}

/// The complete master that passes every criterion.
pub fn master() -> Declaration {
    fixture("master.toml")
}

/// One criterion's result on a declaration, checked today.
pub fn run(declaration: &Declaration, id: &str) -> CriterionResult {
    run_on(declaration, id, today())
}

pub fn run_on(declaration: &Declaration, id: &str, today: Date) -> CriterionResult {
    let criterion = registry::criteria::criterion(id).unwrap_or_else(|| panic!("critère inconnu {id}"));
    (criterion.check)(declaration, referentiel(), today)
}

/// Asserts a criterion's status and exact figures; returns the message for further checks.
pub fn check(declaration: &Declaration, id: &str, status: Status, figures: serde_json::Value) -> String {
    check_result(&run(declaration, id), status, figures)
}

pub fn check_result(result: &CriterionResult, status: Status, figures: serde_json::Value) -> String {
    assert_eq!(result.status, status, "{} : statut inattendu ; message : {}", result.id, result.message);
    assert_eq!(
        serde_json::Value::Object(result.figures.clone()),
        figures,
        "{} : chiffres inattendus ; message : {}",
        result.id,
        result.message
    );
    assert!(!result.message.is_empty(), "{} : message vide", result.id);
    result.message.clone()
}

/// Asserts that a message contains every needle.
pub fn assert_mentions(message: &str, needles: &[&str]) {
    for needle in needles {
        assert!(message.contains(needle), "« {needle} » absent du message :\n{message}");
    }
}

/// Sets the level of a competence wherever the declaration claims it.
pub fn set_level(declaration: &mut Declaration, id: &str, level: skills::Level) {
    let mut found = false;
    for unit in &mut declaration.units {
        for claim in unit.competences.iter_mut().filter(|claim| claim.id == id) {
            claim.level = level;
            found = true;
        }
    }
    for project in &mut declaration.projects {
        for claim in project.competences.iter_mut().filter(|claim| claim.id == id) {
            claim.level = level;
            found = true;
        }
    }
    for placement in &mut declaration.placements {
        for claim in placement.competences.iter_mut().filter(|claim| claim.id == id) {
            claim.level = level;
            found = true;
        }
    }
    assert!(found, "{id} n'est pas déclarée");
}

/// Removes a competence from every unit, project and placement.
pub fn remove_competence(declaration: &mut Declaration, id: &str) {
    for unit in &mut declaration.units {
        unit.competences.retain(|claim| claim.id != id);
    }
    for project in &mut declaration.projects {
        project.competences.retain(|claim| claim.id != id);
    }
    for placement in &mut declaration.placements {
        placement.competences.retain(|claim| claim.id != id);
    }
}

/// The unit with a code.
pub fn unit<'a>(declaration: &'a mut Declaration, code: &str) -> &'a mut registry::Unit {
    declaration.units.iter_mut().find(|unit| unit.code == code).unwrap_or_else(|| panic!("unité {code} absente"))
}
