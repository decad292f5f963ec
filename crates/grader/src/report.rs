//! The grade report: its stable JSON schema, mastery per competence, and the gradebook rows.

use serde::{Deserialize, Serialize};

/// Version tag written in every report; bumped only on a breaking change of the schema.
pub const REPORT_SCHEMA: &str = "socle-grade-report/1";

/// Outcome of one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every check passed: full points.
    Passed,
    /// Some checks passed: some of the points.
    Partial,
    /// The question ran and no check passed.
    Failed,
    /// The question could not run (an error outside the checks, or the kernel died).
    Error,
    /// A cell of the question exceeded its time.
    Timeout,
    /// The submission does not contain the answer cell.
    Missing,
}

impl Status {
    /// The French word shown to learners.
    pub fn label_fr(self) -> &'static str {
        match self {
            Status::Passed => "réussie",
            Status::Partial => "partielle",
            Status::Failed => "échouée",
            Status::Error => "erreur",
            Status::Timeout => "temps dépassé",
            Status::Missing => "absente",
        }
    }

    /// The identifier used in JSON and CSV.
    pub fn code(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Partial => "partial",
            Status::Failed => "failed",
            Status::Error => "error",
            Status::Timeout => "timeout",
            Status::Missing => "missing",
        }
    }
}

/// Result of one graded question (one grade cell).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionReport {
    /// The cell's `grade_id`.
    pub id: String,
    /// Points earned.
    pub points: f64,
    /// Points available.
    pub max: f64,
    /// Outcome.
    pub status: Status,
    /// Référentiel competences the question assesses.
    pub competences: Vec<String>,
    /// Level the question assesses (`N1`…`N4`), when declared.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub level: Option<String>,
    /// French feedback for the learner; never contains hidden-test text or expected values.
    pub feedback: String,
}

/// Mastery of one competence over the questions tagged with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompetenceReport {
    /// Référentiel id.
    pub id: String,
    /// Points earned on the questions tagged with it.
    pub earned: f64,
    /// Points available on those questions.
    pub available: f64,
    /// `earned / available`, between 0 and 1.
    pub mastery: f64,
    /// Highest level reached (see [`level_reached`]), if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub level: Option<String>,
}

/// Whether the submission can be trusted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Integrity {
    /// False when tampering was detected.
    pub ok: bool,
    /// What was detected, in French.
    pub flags: Vec<String>,
}

/// The whole report of one submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeReport {
    /// Schema tag, [`REPORT_SCHEMA`].
    pub schema: String,
    /// Submission file name.
    pub submission: String,
    /// Assignment name.
    pub assignment: String,
    /// Kernel that ran it (`python3`, `rust`).
    pub kernel: String,
    /// Points earned.
    pub total: f64,
    /// Points available.
    pub max: f64,
    /// Integrity verdict.
    pub integrity: Integrity,
    /// One entry per graded question, in notebook order.
    pub questions: Vec<QuestionReport>,
    /// One entry per competence assessed, in id order.
    pub competences: Vec<CompetenceReport>,
    /// Manually graded cells: not graded here, listed so that the teacher sees what remains.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub manual: Vec<ManualReport>,
    /// Problems met while grading (unreadable submission, dead kernel…), in French.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub problems: Vec<String>,
}

/// A manually graded cell of the assignment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManualReport {
    /// Its `grade_id`.
    pub id: String,
    /// Points available.
    pub max: f64,
    /// Whether the submission contains the cell.
    pub answered: bool,
}

/// Share of a level's points a learner must earn to have reached it.
pub const LEVEL_THRESHOLD: f64 = 0.8;

const LEVELS: [&str; 4] = ["N1", "N2", "N3", "N4"];

/// The highest level L such that the learner earned at least [`LEVEL_THRESHOLD`] of the points
/// of the questions tagged at L or below, and at least one question is tagged exactly at L.
/// Questions without a level count as N1. `None` when no level is reached.
pub fn level_reached(questions: &[&QuestionReport]) -> Option<String> {
    let mut reached = None;
    for (idx, level) in LEVELS.iter().enumerate() {
        let level_of = |question: &&&QuestionReport| {
            question.level.as_deref().and_then(|code| LEVELS.iter().position(|known| *known == code)).unwrap_or(0)
        };
        if !questions.iter().any(|question| level_of(&question) == idx) {
            continue;
        }
        let upto: Vec<&&QuestionReport> = questions.iter().filter(|question| level_of(question) <= idx).collect();
        let available: f64 = upto.iter().map(|question| question.max).sum();
        let earned: f64 = upto.iter().map(|question| question.points).sum();
        if available > 0.0 && earned / available + 1e-9 >= LEVEL_THRESHOLD {
            reached = Some((*level).to_owned());
        } else {
            break;
        }
    }
    reached
}

/// Mastery per competence from the question results, in id order.
pub fn competences(questions: &[QuestionReport]) -> Vec<CompetenceReport> {
    let mut ids: Vec<&str> =
        questions.iter().flat_map(|question| question.competences.iter().map(String::as_str)).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .map(|id| {
            let tagged: Vec<&QuestionReport> =
                questions.iter().filter(|question| question.competences.iter().any(|known| known == id)).collect();
            let available: f64 = tagged.iter().map(|question| question.max).sum();
            let earned: f64 = tagged.iter().map(|question| question.points).sum();
            let mastery = if available > 0.0 { (earned / available).clamp(0.0, 1.0) } else { 0.0 };
            CompetenceReport { id: id.to_owned(), earned, available, mastery, level: level_reached(&tagged) }
        })
        .collect()
}

/// CSV header of the per-question gradebook.
pub const GRADEBOOK_HEADER: [&str; 9] =
    ["submission", "assignment", "question", "points", "max", "status", "competences", "level", "integrity_ok"];

/// CSV header of the per-competence gradebook.
pub const COMPETENCES_HEADER: [&str; 7] =
    ["submission", "assignment", "competence", "earned", "available", "mastery", "level"];

/// Rows of the per-question gradebook for one report.
pub fn gradebook_rows(report: &GradeReport) -> Vec<[String; 9]> {
    report
        .questions
        .iter()
        .map(|question| {
            [
                report.submission.clone(),
                report.assignment.clone(),
                question.id.clone(),
                format_points(question.points),
                format_points(question.max),
                question.status.code().to_owned(),
                question.competences.join(" "),
                question.level.clone().unwrap_or_default(),
                report.integrity.ok.to_string(),
            ]
        })
        .collect()
}

/// Rows of the per-competence gradebook for one report.
pub fn competence_rows(report: &GradeReport) -> Vec<[String; 7]> {
    report
        .competences
        .iter()
        .map(|competence| {
            [
                report.submission.clone(),
                report.assignment.clone(),
                competence.id.clone(),
                format_points(competence.earned),
                format_points(competence.available),
                format!("{:.3}", competence.mastery),
                competence.level.clone().unwrap_or_default(),
            ]
        })
        .collect()
}

/// Points with at most three decimals and no trailing zeros (`2`, `0.5`, `1.333`).
pub fn format_points(points: f64) -> String {
    let text = format!("{points:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".to_owned() } else { text.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(id: &str, points: f64, max: f64, competences: &[&str], level: Option<&str>) -> QuestionReport {
        QuestionReport {
            id: id.to_owned(),
            points,
            max,
            status: if points >= max { Status::Passed } else { Status::Failed },
            competences: competences.iter().map(|id| (*id).to_owned()).collect(),
            level: level.map(str::to_owned),
            feedback: String::new(),
        }
    }

    #[test]
    fn mastery_is_earned_over_available_per_competence() {
        let questions = vec![
            question("q1", 2.0, 2.0, &["DS.MST.06"], Some("N1")),
            question("q2", 1.0, 3.0, &["DS.MST.06", "DS.INF.01"], Some("N2")),
            question("q3", 0.0, 1.0, &["DS.INF.01"], None),
        ];
        let competences = competences(&questions);
        assert_eq!(competences.len(), 2);
        assert_eq!(competences[0].id, "DS.INF.01");
        assert!((competences[0].mastery - 0.25).abs() < 1e-12);
        assert_eq!(competences[1].id, "DS.MST.06");
        assert!((competences[1].earned - 3.0).abs() < 1e-12 && (competences[1].available - 5.0).abs() < 1e-12);
        // N1 reached (2/2), N2 not (3/5 < 0.8).
        assert_eq!(competences[1].level.as_deref(), Some("N1"));
        assert_eq!(competences[0].level, None);
    }

    #[test]
    fn a_level_needs_its_own_question_and_the_threshold_below_it() {
        let full = question("a", 1.0, 1.0, &["X"], Some("N1"));
        let n3 = question("b", 4.0, 4.0, &["X"], Some("N3"));
        assert_eq!(level_reached(&[&full, &n3]).as_deref(), Some("N3"));
        let failed_n1 = question("c", 0.0, 5.0, &["X"], Some("N1"));
        assert_eq!(level_reached(&[&failed_n1, &n3]), None);
    }

    #[test]
    fn points_are_printed_without_noise() {
        assert_eq!(format_points(2.0), "2");
        assert_eq!(format_points(0.5), "0.5");
        assert_eq!(format_points(1.0 / 3.0), "0.333");
        assert_eq!(format_points(-0.0), "0");
    }
}
