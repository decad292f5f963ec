//! Documents rendered outside the web server: the learner's HTML grade report.

use askama::Template;
use grader::report::{GradeReport, format_points};

struct QuestionRow {
    id: String,
    points: String,
    max: String,
    status: &'static str,
    competences: String,
    feedback: String,
}

struct CompetenceRow {
    id: String,
    earned: String,
    available: String,
    percent: u32,
    level: String,
}

#[derive(Template)]
#[template(path = "rapport.html")]
struct ReportPage<'a> {
    report: &'a GradeReport,
    total: String,
    max: String,
    questions: Vec<QuestionRow>,
    competences: Vec<CompetenceRow>,
}

/// The learner's grade report as a standalone French HTML page (no external resource).
pub fn grade_report_html(report: &GradeReport) -> Result<String, askama::Error> {
    let page = ReportPage {
        report,
        total: format_points(report.total),
        max: format_points(report.max),
        questions: report
            .questions
            .iter()
            .map(|question| QuestionRow {
                id: question.id.clone(),
                points: format_points(question.points),
                max: format_points(question.max),
                status: question.status.label_fr(),
                competences: question.competences.join(", "),
                feedback: question.feedback.clone(),
            })
            .collect(),
        competences: report
            .competences
            .iter()
            .map(|competence| CompetenceRow {
                id: competence.id.clone(),
                earned: format_points(competence.earned),
                available: format_points(competence.available),
                percent: (competence.mastery * 100.0).round() as u32,
                level: competence.level.clone().unwrap_or_else(|| "—".to_owned()),
            })
            .collect(),
    };
    page.render()
}
