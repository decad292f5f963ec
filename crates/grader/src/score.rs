//! From what an execution gave to points, statuses, feedback and mastery. Pure functions: the
//! verdict of a test is the reply's status, the value of a probe is compared here with the
//! teacher's, and no feedback ever quotes hidden tests or expected values.

use std::collections::BTreeMap;

use kernel::{ExecuteOutcome, ExecuteStatus, Output};

use crate::assignment::{Assignment, Merged, Question};
use crate::report::{self, GradeReport, Integrity, ManualReport, QuestionReport, REPORT_SCHEMA, Status};
use crate::run::{Execution, ProbeRun};
use crate::secrets::Secrets;
use crate::value;

/// Expected probe values from the teacher's solution run: question id → one text per probe
/// (`None` where the solution's probe gave no value).
pub type Expected = BTreeMap<String, Vec<Option<String>>>;

/// The longest piece of a student's value or error message quoted in feedback.
const QUOTE_CHARS: usize = 200;

fn quote(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > QUOTE_CHARS {
        format!("{}…", flat.chars().take(QUOTE_CHARS).collect::<String>())
    } else {
        flat
    }
}

/// Result of the test-code check of one question.
enum TestCheck {
    Passed,
    /// Compatibility mode: nbgrader's partial credit, as a share of the check.
    Partial(f64),
    Failed {
        ename: String,
        evalue: String,
    },
    Stderr,
    Timeout,
    Dead,
}

fn test_check(outcome: &ExecuteOutcome, question: &Question, compat: bool) -> TestCheck {
    match &outcome.status {
        ExecuteStatus::Timeout => TestCheck::Timeout,
        ExecuteStatus::Dead => TestCheck::Dead,
        ExecuteStatus::Error { ename, evalue, .. } => {
            TestCheck::Failed { ename: ename.clone(), evalue: evalue.clone() }
        }
        ExecuteStatus::Aborted => TestCheck::Failed { ename: String::new(), evalue: String::new() },
        ExecuteStatus::Ok if compat => {
            // nbgrader's rules (utils.determine_grade): output on stderr scores 0; an execute
            // result that reads as a number is the partial credit, capped to the cell's points.
            let stderr =
                outcome.outputs.iter().any(|output| matches!(output, Output::Stream { name, .. } if name == "stderr"));
            if stderr {
                return TestCheck::Stderr;
            }
            match outcome.result_text().map(str::trim).and_then(|text| text.parse::<f64>().ok()) {
                Some(points) if points >= 0.0 && question.max > 0.0 => {
                    TestCheck::Partial((points / question.max).min(1.0))
                }
                _ => TestCheck::Passed,
            }
        }
        ExecuteStatus::Ok => TestCheck::Passed,
    }
}

/// Scores one execution.
pub fn score(
    assignment: &Assignment,
    merged: &Merged,
    execution: &Execution,
    expected: &Expected,
    submission: &str,
) -> GradeReport {
    let tampered = execution.tampered();
    let secrets = Secrets::new(assignment, &execution.sent);
    let quote = |text: &str| secrets.scrub(&quote(text));
    let mut questions = Vec::with_capacity(assignment.questions.len());
    for (question_idx, question) in assignment.questions.iter().enumerate() {
        let answers_missing: Vec<&str> = question
            .answers
            .iter()
            .filter(|id| merged.missing_answers.contains(*id) || merged.unchanged_answers.contains(*id))
            .map(String::as_str)
            .collect();
        let mut report = QuestionReport {
            id: question.id.clone(),
            points: 0.0,
            max: question.max,
            status: Status::Failed,
            competences: question.competences.clone(),
            level: question.level.clone(),
            feedback: String::new(),
        };
        let Some(run) = execution.questions.get(question_idx).cloned().flatten() else {
            report.status = Status::Error;
            report.feedback =
                "Question non exécutée : le noyau s'était arrêté avant (voir les cellules précédentes).".to_owned();
            questions.push(report);
            continue;
        };
        let n_checks = question.n_checks().max(1);
        let per_check = question.max / n_checks as f64;
        let mut earned = 0.0;
        let mut all_passed = true;
        let mut timeout = false;
        let mut dead = false;
        let mut notes: Vec<String> = Vec::new();
        if let Some(outcome) = &run.test {
            match test_check(outcome, question, assignment.compat) {
                TestCheck::Passed if tampered => {
                    all_passed = false;
                    notes.push(
                        "tests d'assertion comptés 0 : la copie a neutralisé les tests (canari réussi)".to_owned(),
                    );
                }
                TestCheck::Partial(_) if tampered => {
                    all_passed = false;
                    notes.push(
                        "tests d'assertion comptés 0 : la copie a neutralisé les tests (canari réussi)".to_owned(),
                    );
                }
                TestCheck::Passed => earned += per_check,
                TestCheck::Partial(share) => {
                    earned += per_check * share;
                    if share < 1.0 {
                        all_passed = false;
                        notes.push(format!(
                            "crédit partiel donné par les tests : {}",
                            report::format_points(per_check * share)
                        ));
                    }
                }
                TestCheck::Failed { ename, evalue } => {
                    all_passed = false;
                    let name = if ename.is_empty() { "erreur".to_owned() } else { ename };
                    if question.has_hidden_tests || evalue.trim().is_empty() {
                        notes.push(format!("les tests échouent ({name})"));
                    } else {
                        notes.push(format!("les tests échouent ({name} : {})", quote(&evalue)));
                    }
                }
                TestCheck::Stderr => {
                    all_passed = false;
                    notes.push(
                        "la cellule de tests a écrit sur la sortie d'erreur : 0 point (règle de nbgrader)".to_owned(),
                    );
                }
                TestCheck::Timeout => {
                    all_passed = false;
                    timeout = true;
                    notes.push("temps dépassé : les tests ont été interrompus".to_owned());
                }
                TestCheck::Dead => {
                    all_passed = false;
                    dead = true;
                    notes.push("le noyau s'est arrêté pendant les tests".to_owned());
                }
            }
        }
        let expected_values = expected.get(&question.id);
        for (probe_idx, (probe, result)) in question.probes.iter().zip(&run.probes).enumerate() {
            let label = if probe.hidden {
                format!("contrôle caché n° {}", probe_idx + 1)
            } else {
                format!("« {} »", probe.expression)
            };
            let expected_text = expected_values.and_then(|values| values.get(probe_idx)).cloned().flatten();
            match (result, expected_text) {
                (ProbeRun::Value(actual), Some(expected_text)) => {
                    if value::matches(&value::parse(&expected_text), &value::parse(actual), question.tolerance) {
                        earned += per_check;
                    } else {
                        all_passed = false;
                        if probe.hidden {
                            notes.push(format!("{label} : valeur incorrecte"));
                        } else {
                            notes.push(format!("{label} vaut {} : ce n'est pas la valeur attendue", quote(actual)));
                        }
                    }
                }
                (ProbeRun::Value(_), None) => {
                    all_passed = false;
                    notes.push(format!(
                        "{label} : pas de valeur de référence (la solution de l'enseignant n'en donne pas)"
                    ));
                }
                (ProbeRun::Error { ename }, _) => {
                    all_passed = false;
                    let name = if ename.is_empty() { "une erreur".to_owned() } else { ename.clone() };
                    notes.push(format!("{label} lève {name}"));
                }
                (ProbeRun::Timeout, _) => {
                    all_passed = false;
                    timeout = true;
                    notes.push(format!("{label} : temps dépassé"));
                }
                (ProbeRun::Dead, _) => {
                    all_passed = false;
                    dead = true;
                    notes.push(format!("{label} : le noyau s'était arrêté"));
                }
            }
        }
        report.points = (earned * 1e9).round() / 1e9;
        report.status = if all_passed && (question.max <= 0.0 || report.points >= question.max - 1e-9) {
            Status::Passed
        } else if report.points > 0.0 {
            Status::Partial
        } else if timeout {
            Status::Timeout
        } else if !answers_missing.is_empty() {
            Status::Missing
        } else if dead {
            Status::Error
        } else {
            Status::Failed
        };
        if !answers_missing.is_empty() {
            notes.insert(0, format!("réponse absente ou laissée telle quelle : {}", answers_missing.join(", ")));
        }
        report.feedback = match report.status {
            Status::Passed => "Réussie : tous les contrôles passent.".to_owned(),
            _ => {
                let mut text = format!(
                    "{} / {} point(s) : ",
                    report::format_points(report.points),
                    report::format_points(question.max)
                );
                text.push_str(&notes.join(" ; "));
                text.push('.');
                text
            }
        };
        questions.push(report);
    }
    let manual = assignment
        .manual
        .iter()
        .map(|manual| ManualReport {
            id: manual.id.clone(),
            max: manual.max,
            answered: !merged.missing_answers.contains(&manual.id) && !merged.unchanged_answers.contains(&manual.id),
        })
        .collect();
    let mut flags = Vec::new();
    if tampered {
        flags.push(
            "un test témoin (canari) qui doit échouer a réussi : la copie a neutralisé la machinerie des tests ; ses tests d'assertion valent 0"
                .to_owned(),
        );
    }
    let mut problems = execution.problems.clone();
    if let Some(position) = execution.died_at {
        problems.push(format!("le noyau s'est arrêté pendant la cellule n° {} du notebook exécuté", position + 1));
    }
    let competences = report::competences(&questions);
    GradeReport {
        schema: REPORT_SCHEMA.to_owned(),
        submission: submission.to_owned(),
        assignment: assignment.name.clone(),
        kernel: assignment.kernel.clone(),
        total: (questions.iter().map(|question| question.points).sum::<f64>() * 1e9).round() / 1e9,
        max: assignment.max_points(),
        integrity: Integrity { ok: !tampered, flags },
        questions,
        competences,
        manual,
        problems,
    }
}

/// The expected probe values of a solution run, and the problems of the solution itself (a test
/// that fails, a probe that gives no value): the teacher must see them before grading.
pub fn expected_from_solution(assignment: &Assignment, execution: &Execution) -> (Expected, Vec<String>) {
    let mut expected = Expected::new();
    let mut problems = execution.problems.clone();
    if execution.died_at.is_some() {
        problems.push("le noyau s'est arrêté pendant l'exécution de la solution".to_owned());
    }
    for (question_idx, question) in assignment.questions.iter().enumerate() {
        let Some(run) = execution.questions.get(question_idx).cloned().flatten() else {
            problems.push(format!("question « {} » : non exécutée avec la solution", question.id));
            continue;
        };
        if let Some(test) = &run.test
            && test.status != ExecuteStatus::Ok
        {
            problems
                .push(format!("question « {} » : les tests échouent avec la solution de l'enseignant", question.id));
        }
        let mut values = Vec::new();
        for (probe, result) in question.probes.iter().zip(&run.probes) {
            match result {
                ProbeRun::Value(text) => values.push(Some(text.clone())),
                _ => {
                    problems.push(format!(
                        "question « {} » : la sonde « {} » ne donne pas de valeur avec la solution",
                        question.id, probe.expression
                    ));
                    values.push(None);
                }
            }
        }
        expected.insert(question.id.clone(), values);
    }
    (expected, problems)
}

/// A report for a submission that could not be graded at all (unreadable file): every question
/// missing, score 0, and the reason.
pub fn unreadable(assignment: &Assignment, submission: &str, reason: &str) -> GradeReport {
    let questions: Vec<QuestionReport> = assignment
        .questions
        .iter()
        .map(|question| QuestionReport {
            id: question.id.clone(),
            points: 0.0,
            max: question.max,
            status: Status::Missing,
            competences: question.competences.clone(),
            level: question.level.clone(),
            feedback: "Copie illisible : aucune réponse n'a pu être corrigée.".to_owned(),
        })
        .collect();
    GradeReport {
        schema: REPORT_SCHEMA.to_owned(),
        submission: submission.to_owned(),
        assignment: assignment.name.clone(),
        kernel: assignment.kernel.clone(),
        total: 0.0,
        max: assignment.max_points(),
        integrity: Integrity { ok: true, flags: Vec::new() },
        competences: report::competences(&questions),
        questions,
        manual: assignment
            .manual
            .iter()
            .map(|manual| ManualReport { id: manual.id.clone(), max: manual.max, answered: false })
            .collect(),
        problems: vec![reason.to_owned()],
    }
}
