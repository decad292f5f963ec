//! How much of each pillar a programme teaches: unit and project volumes in hours, spread over
//! their competences and split by the référentiel's pillar weights.
//!
//! - A unit's (or project's) volume is its `hours`; when only `ects` is given, `ects ×`
//!   [`HOURS_PER_ECTS`]. Hours are supervised (face-to-face) hours.
//! - The data-science volume is the volume of the units and projects that claim at least one
//!   competence of the référentiel; placements have no teaching volume.
//! - A unit's volume is shared equally among its competences; each share is split over INF, MST
//!   and MET by the competence's weights (TRV and PRJ competences carry weights over the three
//!   pillars in the référentiel, so they need no special case).

use std::collections::BTreeMap;

use skills::{Level, Pillar, Referentiel};

use crate::model::{Declaration, Project, Unit};

/// Supervised hours counted for one ECTS credit when a volume is given in credits only. French
/// programmes schedule 8 to 12 supervised hours per credit (a 6-credit unit of 60 hours is
/// typical); 10 is the middle.
pub const HOURS_PER_ECTS: f64 = 10.0;

/// A volume in hours, from hours when given, otherwise from credits.
pub fn hours(ects: Option<f64>, hours: Option<f64>) -> f64 {
    hours.or(ects.map(|ects| ects * HOURS_PER_ECTS)).unwrap_or(0.0)
}

/// A volume in credits, from credits when given, otherwise from hours.
pub fn ects(ects: Option<f64>, hours: Option<f64>) -> f64 {
    ects.or(hours.map(|hours| hours / HOURS_PER_ECTS)).unwrap_or(0.0)
}

impl Unit {
    /// Volume in hours (see [`hours`]).
    pub fn volume_hours(&self) -> f64 {
        hours(self.ects, self.hours)
    }

    /// Volume in credits (see [`ects`]).
    pub fn volume_ects(&self) -> f64 {
        ects(self.ects, self.hours)
    }
}

impl Project {
    /// Volume in hours (see [`hours`]).
    pub fn volume_hours(&self) -> f64 {
        hours(self.ects, self.hours)
    }

    /// Volume in credits (see [`ects`]).
    pub fn volume_ects(&self) -> f64 {
        ects(self.ects, self.hours)
    }
}

/// Hours of teaching attributed to each disciplinary pillar.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PillarVolumes {
    /// Informatique.
    pub inf: f64,
    /// Mathématiques et statistique.
    pub mst: f64,
    /// Métier et domaine.
    pub met: f64,
}

impl PillarVolumes {
    /// The three together: the data-science volume.
    pub fn total(&self) -> f64 {
        self.inf + self.mst + self.met
    }

    /// Hours of one disciplinary pillar (0 for TRV and PRJ).
    pub fn get(&self, pillar: Pillar) -> f64 {
        match pillar {
            Pillar::Inf => self.inf,
            Pillar::Mst => self.mst,
            Pillar::Met => self.met,
            Pillar::Trv | Pillar::Prj => 0.0,
        }
    }

    /// Share of one pillar in the total (0 when nothing is declared).
    pub fn share(&self, pillar: Pillar) -> f64 {
        let total = self.total();
        if total > 0.0 { self.get(pillar) / total } else { 0.0 }
    }
}

/// The pillar volumes of a declaration (units and projects).
pub fn pillar_volumes(declaration: &Declaration, referentiel: &Referentiel) -> PillarVolumes {
    let mut volumes = PillarVolumes::default();
    let containers = declaration
        .units
        .iter()
        .map(|unit| (unit.volume_hours(), &unit.competences))
        .chain(declaration.projects.iter().map(|project| (project.volume_hours(), &project.competences)));
    for (volume, claims) in containers {
        if claims.is_empty() {
            continue;
        }
        let share = volume / claims.len() as f64;
        for claim in claims {
            // Claims were checked against this référentiel; an unknown id adds nothing.
            let Some(competence) = referentiel.competence(&claim.id) else { continue };
            volumes.inf += share * competence.weights.inf;
            volumes.mst += share * competence.weights.mst;
            volumes.met += share * competence.weights.met;
        }
    }
    volumes
}

/// Hours and credits of the units and projects that claim at least one competence.
pub fn data_science_volume(declaration: &Declaration) -> (f64, f64) {
    let units = declaration.units.iter().filter(|unit| !unit.competences.is_empty());
    let projects = declaration.projects.iter().filter(|project| !project.competences.is_empty());
    let hours =
        units.clone().map(Unit::volume_hours).sum::<f64>() + projects.clone().map(Project::volume_hours).sum::<f64>();
    let ects = units.map(Unit::volume_ects).sum::<f64>() + projects.map(Project::volume_ects).sum::<f64>();
    (hours, ects)
}

/// The highest level each competence is claimed at, anywhere in the declaration (units, projects,
/// placements), by id.
pub fn highest_levels(declaration: &Declaration) -> BTreeMap<String, Level> {
    let mut levels: BTreeMap<String, Level> = BTreeMap::new();
    for (_, claim) in declaration.claims() {
        let entry = levels.entry(claim.id.clone()).or_insert(claim.level);
        *entry = (*entry).max(claim.level);
    }
    levels
}
