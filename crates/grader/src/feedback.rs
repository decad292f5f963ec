//! The feedback notebook: the notebook as it was executed for the learner, with outputs, and a
//! French feedback cell after each question. Hidden tests, expected values and the tracebacks
//! of questions with hidden tests never appear in it.

use kernel::{ExecuteOutcome, ExecuteStatus, Output};
use serde_json::{Map, Value, json};

use crate::assignment::{Assignment, CellKind, Merged};
use crate::report::{GradeReport, format_points};
use crate::run::Execution;
use crate::secrets::{MASKED, Secrets};

fn source_lines(text: &str) -> Value {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    json!(lines)
}

fn output_json(output: &Output, hide_errors: bool, secrets: &Secrets) -> Value {
    let shown = serde_json::to_string(output).unwrap_or_default();
    if secrets.leaks(&shown) || shown.contains(MASKED) {
        return json!({ "name": "stderr", "output_type": "stream", "text": format!("{MASKED}\n") });
    }
    match output {
        Output::Stream { name, text } => json!({ "name": name, "output_type": "stream", "text": text }),
        Output::DisplayData { data, metadata, .. } => {
            json!({ "data": data, "metadata": metadata, "output_type": "display_data" })
        }
        Output::ExecuteResult { execution_count, data, metadata } => {
            json!({ "data": data, "execution_count": execution_count, "metadata": metadata, "output_type": "execute_result" })
        }
        Output::Error { ename, evalue, traceback } => {
            if hide_errors {
                json!({ "ename": ename, "evalue": "", "output_type": "error", "traceback": [format!("{ename} (détails masqués : tests cachés)")] })
            } else {
                json!({ "ename": ename, "evalue": evalue, "output_type": "error", "traceback": traceback })
            }
        }
    }
}

fn outputs_json(outcome: Option<&ExecuteOutcome>, hide_errors: bool, secrets: &Secrets) -> Vec<Value> {
    let Some(outcome) = outcome else { return Vec::new() };
    let mut outputs: Vec<Value> =
        outcome.outputs.iter().map(|output| output_json(output, hide_errors, secrets)).collect();
    if outcome.truncated {
        outputs.push(json!({ "name": "stderr", "output_type": "stream", "text": "[socle] sortie tronquée : la cellule a écrit plus que la limite autorisée.\n" }));
    }
    match outcome.status {
        ExecuteStatus::Timeout => {
            outputs.push(json!({ "name": "stderr", "output_type": "stream", "text": "[socle] temps dépassé : la cellule a été interrompue.\n" }));
        }
        ExecuteStatus::Dead => {
            outputs.push(json!({ "name": "stderr", "output_type": "stream", "text": "[socle] le noyau s'est arrêté pendant cette cellule.\n" }));
        }
        _ => {}
    }
    outputs
}

/// Builds the feedback notebook as nbformat 4.5 JSON.
pub fn feedback_notebook(
    assignment: &Assignment,
    merged: &Merged,
    execution: &Execution,
    report: &GradeReport,
) -> String {
    let hidden_config = notebook::HiddenTestsConfig::default();
    let secrets = Secrets::new(assignment, &execution.sent);
    let mut cells = Vec::new();
    let mut header = format!(
        "# Retour de correction — {}\n\nScore : **{} / {}**",
        assignment.name,
        format_points(report.total),
        format_points(report.max)
    );
    if !report.integrity.ok {
        header.push_str("\n\n**Intégrité :** ");
        header.push_str(&report.integrity.flags.join(" ; "));
    }
    cells.push(
        json!({ "cell_type": "markdown", "id": "socle-entete", "metadata": {}, "source": source_lines(&header) }),
    );
    for (position, cell) in merged.cells.iter().enumerate() {
        let id = format!("socle-{position}");
        match cell.kind {
            CellKind::Text => {
                cells.push(
                    json!({ "cell_type": "markdown", "id": id, "metadata": {}, "source": source_lines(&cell.text) }),
                );
            }
            CellKind::Code => {
                cells.push(json!({
                    "cell_type": "code", "execution_count": null, "id": id, "metadata": {},
                    "outputs": outputs_json(execution.cells.get(position).and_then(Option::as_ref), false, &secrets),
                    "source": source_lines(&cell.text),
                }));
            }
            CellKind::Question(question_idx) => {
                let question = &assignment.questions[question_idx];
                let visible = notebook::remove_hidden_tests(&cell.text, &hidden_config)
                    .map(|edited| edited.source)
                    .unwrap_or_default();
                cells.push(json!({
                    "cell_type": "code", "execution_count": null, "id": id, "metadata": {},
                    "outputs": outputs_json(execution.cells.get(position).and_then(Option::as_ref), question.has_hidden_tests, &secrets),
                    "source": source_lines(&visible),
                }));
                if let Some(question_report) = report.questions.get(question_idx) {
                    let text = format!(
                        "**Question « {} » — {} / {} ({})**\n\n{}",
                        question_report.id,
                        format_points(question_report.points),
                        format_points(question_report.max),
                        question_report.status.label_fr(),
                        question_report.feedback
                    );
                    cells.push(json!({ "cell_type": "markdown", "id": format!("{id}-retour"), "metadata": {}, "source": source_lines(&text) }));
                }
            }
        }
    }
    let mut metadata = Map::new();
    if let Some(kernelspec) = assignment.source.metadata.get("kernelspec") {
        metadata.insert("kernelspec".to_owned(), kernelspec.clone());
    }
    if let Some(language_info) = assignment.source.metadata.get("language_info") {
        metadata.insert("language_info".to_owned(), language_info.clone());
    }
    let notebook = json!({ "cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5 });
    let mut text = serde_json::to_string_pretty(&notebook).unwrap_or_default();
    text.push('\n');
    text
}
